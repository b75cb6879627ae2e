package dev.agentlog.privacy;

import com.google.crypto.tink.Aead;
import dev.agentlog.support.time.Time;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The subjects' data keys, kept in the schema's {@code subject_keys} table (migrations V6, V8), each a Tink keyset of
 * AES-256-GCM keys (one, plus one per data-key rotation), stored encrypted with the {@link KeyEncryptionKey} and the
 * subject's id as associated data (a keyset copied to another subject's row does not open), the KEK's id beside it
 * ({@link WrappedKeysets}). A key is made the first time a subject is sealed for (two
 * processes racing make two, the first insert wins and both use it). Erasure ({@link #destroy}) replaces the keyset by
 * a tombstone: from then on the subject has no key, and none is made again.
 *
 * <p>Keys are kept in memory for {@link #CACHE_TTL} (a lookup per event would cost a round trip to PostgreSQL): a
 * process may still seal or open with a destroyed key for that long, unless it is told ({@link #forget}); the sink
 * forgets a subject when it reads its {@code subject.erased}, and treats every later event of it as erased. An
 * erased subject's tombstone is read again at most once a minute (below). A rotation ({@link SubjectKeyRotation})
 * changes a keyset under a running process: after a data-key rotation a cached keyset lacks the new key, so
 * {@link PayloadCipher} asks again once when a ciphertext does not open ({@link #forget}); after a KEK rotation a
 * cached key still works, and the next read of the row fails with a {@link WrongKekException} unless the process has
 * the new KEK.
 *
 * <p>Memory holds only the subjects used lately ({@link #sweepIfDue}): every stream is a subject, so a long-running
 * sink or ingest meets millions of them, and keeping each one it ever met (a Tink primitive and its wrapped keyset, about
 * a kilobyte) would outgrow a 256 MB heap. Forgetting one costs a read of its row when it comes back. Thread-safe.
 */
public final class SubjectKeys implements DataKeys {
    public static final Duration CACHE_TTL = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final String table;
    private final KeyEncryptionKey kek;
    private final Time time;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    /**
     * Names a prefetch asked for and found without a key (a batch's record keys include block and archive streams that
     * are not subjects), until when that answer is fresh: not asked for again by every batch. Only prefetches read it.
     */
    private final ConcurrentHashMap<String, Long> unkeyedUntil = new ConcurrentHashMap<>();
    /** When (System.nanoTime) memory is next swept of the subjects not used lately. */
    private final AtomicLong nextSweepNanos;

    /**
     * A key, or null for an erased subject, and until when (System.nanoTime) it may be used without asking again; and
     * the wrapped keyset it was opened from, so that asking again re-reads the row (an erasure is seen) but does not
     * unwrap the same keyset again (a tenth of an encrypted sink's CPU in a run with thousands of subjects).
     */
    private record Cached(Aead aead, byte[] wrapped, long freshUntilNanos) {}

    public SubjectKeys(DataSource dataSource, String schema, KeyEncryptionKey kek, Time time) {
        this.dataSource = dataSource;
        this.table = table(schema);
        this.kek = kek;
        this.time = time;
        this.nextSweepNanos = new AtomicLong(time.nanoTime() + CACHE_TTL.toNanos());
    }

    /**
     * The subject's key, made when it has none yet.
     *
     * @throws SubjectErasedException when the subject was erased
     */
    @Override
    public Aead forSealing(String subject) {
        Optional<Aead> key = cached(subject, true);
        return key.orElseThrow(() -> new SubjectErasedException(subject));
    }

    /**
     * The subject's key; empty when the subject was erased.
     *
     * @throws IllegalStateException when the store has neither a key nor an erasure of the subject: the log was
     *     sealed with another key store (another schema or another KEK)
     */
    @Override
    public Optional<Aead> forOpening(String subject) {
        return cached(subject, false);
    }

    /**
     * Reads the keys of the subjects that are not fresh in memory with one query (the sink, before it opens a batch:
     * a round trip per subject was a third of the key store's cost to an encrypted sink).
     */
    @Override
    public void prefetch(Collection<String> subjects) {
        long now = time.nanoTime();
        sweepIfDue(now);
        List<String> stale = new ArrayList<>();
        for (String subject : subjects) {
            Cached hit = cache.get(subject);
            if (hit == null ? !knownUnkeyed(subject, now) : hit.aead() != null && now - hit.freshUntilNanos() >= 0) {
                stale.add(subject);
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT subject, keyset, kek_id, erased_at IS NOT NULL FROM " + table
                    + " WHERE subject = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("text", stale.toArray()));
                Set<String> unkeyed = new HashSet<>(stale);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String subject = rs.getString(1);
                        unkeyed.remove(subject);
                        Cached loaded = opened(subject, new Stored(rs.getBytes(2), rs.getString(3), rs.getBoolean(4)), cache.get(subject));
                        cache.put(subject, new Cached(loaded.aead(), loaded.wrapped(), now + CACHE_TTL.toNanos()));
                    }
                }
                unkeyed.forEach(subject -> unkeyedUntil.put(subject, now + CACHE_TTL.toNanos()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the data keys of " + stale.size() + " subjects from " + table
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Forgets what is kept in memory of these subjects: the next use asks PostgreSQL. */
    @Override
    public void forget(Collection<String> subjects) {
        subjects.forEach(cache::remove);
        subjects.forEach(unkeyedUntil::remove);
    }

    /** How many subjects memory holds now (a key, an erasure, or a name found without a key): for tests and metrics. */
    public int subjectsInMemory() {
        return cache.size() + unkeyedUntil.size();
    }

    /**
     * Once per {@link #CACHE_TTL}, drops what was not used for a whole {@link #CACHE_TTL} after it went stale: a key is
     * read again when used stale ({@link #cached}, {@link #prefetch}), so one stale for longer than that was not used
     * since. An erased subject (never stale) goes two {@link #CACHE_TTL}s after it was read, used or not: its row
     * still says erased when it is asked again. One pass over the maps every 30 s, by whichever caller finds it due.
     */
    private void sweepIfDue(long now) {
        long due = nextSweepNanos.get();
        if (now - due < 0 || !nextSweepNanos.compareAndSet(due, now + CACHE_TTL.toNanos())) {
            return;
        }
        long ttl = CACHE_TTL.toNanos();
        cache.values().removeIf(cached -> now - cached.freshUntilNanos() > ttl);
        unkeyedUntil.values().removeIf(until -> now - until > 0);
    }

    /** Whether a prefetch found no key for {@code subject} a short while ago (see {@link #unkeyedUntil}). */
    private boolean knownUnkeyed(String subject, long now) {
        Long until = unkeyedUntil.get(subject);
        return until != null && now - until < 0;
    }

    private Optional<Aead> cached(String subject, boolean make) {
        long now = time.nanoTime();
        sweepIfDue(now);
        Cached hit = cache.get(subject);
        if (hit != null && (hit.aead() == null || now - hit.freshUntilNanos() < 0)) {
            return Optional.ofNullable(hit.aead());
        }
        Cached loaded = load(subject, make, hit);
        cache.put(subject, new Cached(loaded.aead(), loaded.wrapped(), now + CACHE_TTL.toNanos()));
        unkeyedUntil.remove(subject); // it has a key now (a shared block's subject is made when it is first sealed)
        return Optional.ofNullable(loaded.aead());
    }

    /** The subject's key as stored now; the one of {@code stale} again when its row still holds the same keyset. */
    private Cached load(String subject, boolean make, Cached stale) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Stored stored = read(c, subject);
            if (stored == null && make) {
                insert(c, subject, WrappedKeysets.newWrapped(kek, subject));
                stored = read(c, subject);
            }
            if (stored == null) {
                throw new IllegalStateException("no data key for subject " + subject + " in " + table
                        + ": the log was sealed with another key store (check --pg-schema and --kek-file)");
            }
            return opened(subject, stored, stale);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the data key of subject " + subject + " from " + table
                    + " failed: " + e.getMessage(), e);
        }
    }

    private record Stored(byte[] keyset, String kekId, boolean erased) {}

    /** The key of a row as read; the one of {@code stale} again when it was opened from the same keyset. */
    private Cached opened(String subject, Stored stored, Cached stale) {
        if (stored.erased()) {
            return new Cached(null, null, 0);
        }
        if (stale != null && stale.aead() != null && Arrays.equals(stale.wrapped(), stored.keyset())) {
            return stale;
        }
        return new Cached(unwrap(subject, stored), stored.keyset(), 0);
    }

    private Stored read(Connection c, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT keyset, kek_id, erased_at IS NOT NULL FROM " + table
                + " WHERE subject = ?")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Stored(rs.getBytes(1), rs.getString(2), rs.getBoolean(3)) : null;
            }
        }
    }

    private void insert(Connection c, String subject, byte[] wrapped) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (subject, keyset, kek_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING")) {
            ps.setString(1, subject);
            ps.setBytes(2, wrapped);
            ps.setString(3, kek.id());
            ps.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(time.currentTimeMillis())));
            ps.executeUpdate();
        }
    }

    private Aead unwrap(String subject, Stored stored) {
        try {
            return KeyEncryptionKey.primitive(WrappedKeysets.unwrap(stored.keyset(), stored.kekId(), kek, subject,
                    table));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the data key of subject " + subject + " in " + table + " is not an AEAD"
                    + " keyset", e);
        }
    }

    /**
     * Destroys the keys of {@code subjects} in the caller's transaction: each row becomes a tombstone (also for a
     * subject that never had a key, so that none is made later). The caller commits.
     *
     * @return the subjects that had a key until now (their sealed payloads became unreadable)
     */
    public static List<String> destroy(Connection c, String schema, Collection<String> subjects, String requestedBy,
            Instant at) throws SQLException {
        String table = table(schema);
        List<String> hadKey = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT subject FROM " + table
                + " WHERE subject = ANY(?) AND keyset IS NOT NULL ORDER BY subject FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("text", subjects.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hadKey.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (subject, keyset, created_at, erased_at, erased_by) VALUES (?, NULL, ?, ?, ?)"
                + " ON CONFLICT (subject) DO UPDATE SET keyset = NULL, kek_id = NULL,"
                + " erased_at = coalesce(" + "subject_keys.erased_at, EXCLUDED.erased_at),"
                + " erased_by = coalesce(subject_keys.erased_by, EXCLUDED.erased_by)")) {
            for (String subject : subjects) {
                ps.setString(1, subject);
                ps.setTimestamp(2, Timestamp.from(at));
                ps.setTimestamp(3, Timestamp.from(at));
                ps.setString(4, requestedBy);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return hadKey;
    }

    /** Whether the subject was erased (a tombstone in the key store), read now. */
    public static boolean isErased(Connection c, String schema, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table(schema)
                + " WHERE subject = ? AND erased_at IS NOT NULL")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String table(String schema) {
        return "\"" + schema.replace("\"", "\"\"") + "\".subject_keys";
    }
}
