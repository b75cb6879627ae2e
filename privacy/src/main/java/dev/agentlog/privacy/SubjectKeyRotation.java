package dev.agentlog.privacy;

import com.google.crypto.tink.KeysetHandle;
import dev.agentlog.support.time.Time;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Rotation of the keys in {@code subject_keys} (docs/privacy.md, "Rotation"); no event, snapshot or ciphertext
 * anywhere else changes.
 *
 * <ul>
 *   <li>{@link #rotateKek}: every data keyset is opened with the old key-encryption key and wrapped with the new one,
 *       in batches of one transaction each. Each row records the id of the KEK that wraps it ({@code kek_id}) in the
 *       same statement as its new keyset, so at every moment, a failure halfway included, each row is wrapped by
 *       exactly one of the two KEKs and says which: a process given either file knows which rows it opens and names
 *       the file it needs for the others, and running the command again goes on where it stopped. Batches rather than
 *       one transaction: one transaction over every subject would hold a lock on every key until the end (an erasure
 *       waits that long) and lose all its work to a failure at the last row.</li>
 *   <li>{@link #rotateDataKeys}: each subject's keyset gets a new AES-256-GCM key as its primary; new payloads are
 *       sealed with it, old ciphertexts still open by their key id. Erasure still destroys the whole keyset.</li>
 * </ul>
 *
 * <p>Erased subjects (a tombstone: no keyset) are never touched: no statement here writes a row whose keyset is NULL,
 * and each row is locked ({@code FOR UPDATE}) from its read to its write, so an erasure that commits meanwhile waits
 * or wins. Not thread-safe; one rotation at a time (two would both succeed, the second doing the work again).
 */
public final class SubjectKeyRotation {
    /** The default rows per transaction: a few seconds of Tink work on this machine, a short lock for each key. */
    public static final int DEFAULT_BATCH = 500;

    private final DataSource dataSource;
    private final String table;
    private final Time time;

    public SubjectKeyRotation(DataSource dataSource, String schema, Time time) {
        this.dataSource = dataSource;
        this.table = "\"" + schema.replace("\"", "\"\"") + "\".subject_keys";
        this.time = time;
    }

    /** What a KEK rotation did. */
    public record KekRotated(int rewrapped, int batches, int erasedUntouched, String newKekId) {}

    /** What a data-key rotation did; {@code newKeyIds} holds the new primary key's Tink id per subject (no secret). */
    public record DataKeysRotated(int rotated, int batches, int erasedUntouched, Map<String, String> newKeyIds) {}

    /** Told after each committed batch, with the count re-wrapped or rotated so far (a progress line). */
    @FunctionalInterface
    public interface Progress {
        void committed(int batch, int doneSoFar);
    }

    /**
     * Re-wraps every data keyset not yet wrapped by {@code to}: opened with {@code from}, wrapped with {@code to}, in
     * transactions of {@code batchSize} rows, until none is left (keys that parts still running with the old file make
     * meanwhile included, as long as they appear before the end: run it again once every part has the new file).
     *
     * @throws IllegalArgumentException when the two KEKs share a key id (the same file twice)
     * @throws WrongKekException when a row is wrapped by a KEK that is neither (the batch is rolled back; the batches
     *     before it stay done)
     * @throws IllegalStateException when a row does not open, or wrapping fails (a KMS that stopped answering): the
     *     batch is rolled back, the ones before it stay done, and running again goes on from there
     */
    public KekRotated rotateKek(KeyEncryptionKey from, KeyEncryptionKey to, int batchSize, Progress progress)
            throws SQLException {
        Set<String> shared = new HashSet<>(from.ids());
        shared.retainAll(to.ids());
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("the old and the new key-encryption key share key id "
                    + String.join(", ", shared) + ": give the new file as --new-kek-file, made with `agentlog kek"
                    + " create` (a new one, not a copy)");
        }
        int done = 0;
        int batches = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            // passes in subject order, each batch after the last one (an index range, not a scan from the start every
            // time); a pass that re-wrapped anything is followed by another, for keys made meanwhile behind it
            String after = "";
            boolean passDidWork = false;
            while (true) {
                String last = after;
                List<Row> rows = lockBatch(c, "keyset IS NOT NULL AND kek_id IS DISTINCT FROM ? AND subject > ?",
                        batchSize, ps -> {
                            ps.setString(1, to.id());
                            ps.setString(2, last);
                        });
                if (rows.isEmpty()) {
                    c.commit();
                    if (!passDidWork) {
                        break;
                    }
                    after = "";
                    passDidWork = false;
                    continue;
                }
                try {
                    for (Row row : rows) {
                        KeysetHandle keyset = WrappedKeysets.unwrap(row.wrapped(), row.kekId(), from, row.subject(),
                                table);
                        update(c, row.subject(), wrap(keyset, to, row.subject()), to.id(), null);
                    }
                    c.commit();
                } catch (RuntimeException | SQLException e) {
                    c.rollback();
                    throw e;
                }
                done += rows.size();
                after = rows.get(rows.size() - 1).subject();
                passDidWork = true;
                progress.committed(++batches, done);
            }
            return new KekRotated(done, batches, countErased(c), to.id());
        }
    }

    /**
     * Adds a new primary AES-256-GCM key to the keyset of {@code subject}, or of every subject that has a key, in
     * transactions of {@code batchSize} rows, each in the order of its subject id, once. The keysets stay wrapped by
     * {@code kek} (the rows are re-wrapped by it, their {@code kek_id} recorded). A failure halfway leaves the batches
     * before it rotated; running again rotates every subject again (one more key each, harmless).
     *
     * @throws IllegalArgumentException when {@code subject} has no key, or was erased
     * @throws WrongKekException when a row is wrapped by another KEK than {@code kek}
     */
    public DataKeysRotated rotateDataKeys(KeyEncryptionKey kek, Optional<String> subject, int batchSize,
            Progress progress) throws SQLException {
        Map<String, String> newKeyIds = new LinkedHashMap<>();
        int batches = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (subject.isPresent()) {
                checkRotatable(c, subject.get());
            }
            String after = "";
            while (true) {
                String last = after;
                List<Row> rows = subject.isPresent()
                        ? lockBatch(c, "keyset IS NOT NULL AND subject = ? AND subject > ?", batchSize, ps -> {
                            ps.setString(1, subject.get());
                            ps.setString(2, last);
                        })
                        : lockBatch(c, "keyset IS NOT NULL AND subject > ?", batchSize, ps -> ps.setString(1, last));
                if (rows.isEmpty()) {
                    c.commit();
                    break;
                }
                Instant at = Instant.ofEpochMilli(time.currentTimeMillis());
                Map<String, String> batch = new LinkedHashMap<>();
                try {
                    for (Row row : rows) {
                        KeysetHandle rotated = addPrimary(WrappedKeysets.unwrap(row.wrapped(), row.kekId(), kek,
                                row.subject(), table), row.subject());
                        update(c, row.subject(), wrap(rotated, kek, row.subject()), kek.id(), at);
                        batch.put(row.subject(), WrappedKeysets.primaryKeyId(rotated));
                    }
                    c.commit();
                } catch (RuntimeException | SQLException e) {
                    c.rollback();
                    throw e;
                }
                newKeyIds.putAll(batch);
                after = rows.get(rows.size() - 1).subject();
                progress.committed(++batches, newKeyIds.size());
            }
            return new DataKeysRotated(newKeyIds.size(), batches, subject.isPresent() ? 0 : countErased(c), newKeyIds);
        }
    }

    /**
     * How many data keys each KEK wraps now (its id; {@code "unrecorded"} for keys stored before ids were recorded),
     * and {@code "erased"}: the tombstones. For {@code agentlog kek status} and the rotation's checks.
     */
    public Map<String, Long> keysByKek() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN keyset IS NULL THEN 'erased'"
                     + " ELSE coalesce(kek_id, 'unrecorded') END AS k, count(*) FROM " + table
                     + " GROUP BY k ORDER BY k");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private record Row(String subject, byte[] wrapped, String kekId) {}

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Row> lockBatch(Connection c, String where, int batchSize, Binder binder) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT subject, keyset, kek_id FROM " + table + " WHERE " + where
                + " ORDER BY subject LIMIT " + Math.max(1, batchSize) + " FOR UPDATE")) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getBytes(2), rs.getString(3)));
                }
            }
        }
        return rows;
    }

    /** Writes a row's keyset and KEK id together; never a tombstone (keyset NULL stays NULL). */
    private void update(Connection c, String subject, byte[] wrapped, String kekId, Instant dataKeyRotatedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET keyset = ?, kek_id = ?,"
                + " data_key_rotated_at = coalesce(?, data_key_rotated_at) WHERE subject = ? AND keyset IS NOT NULL")) {
            ps.setBytes(1, wrapped);
            ps.setString(2, kekId);
            ps.setTimestamp(3, dataKeyRotatedAt == null ? null : Timestamp.from(dataKeyRotatedAt));
            ps.setString(4, subject);
            ps.executeUpdate();
        }
    }

    private void checkRotatable(Connection c, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT keyset IS NULL FROM " + table + " WHERE subject = ?")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("subject " + subject + " has no data key in " + table
                            + " (nothing was ever sealed for it; check the id and --pg-schema)");
                }
                if (rs.getBoolean(1)) {
                    throw new IllegalArgumentException("subject " + subject + " was erased: its keys are destroyed,"
                            + " there is nothing to rotate");
                }
            }
        }
    }

    private int countErased(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE keyset IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static byte[] wrap(KeysetHandle keyset, KeyEncryptionKey kek, String subject) {
        try {
            return WrappedKeysets.wrap(keyset, kek, subject);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("wrapping the data key of subject " + subject + " with "
                    + kek.describe() + " failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static KeysetHandle addPrimary(KeysetHandle keyset, String subject) {
        try {
            return WrappedKeysets.withNewPrimary(keyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("adding a data key for subject " + subject + " failed", e);
        }
    }
}
