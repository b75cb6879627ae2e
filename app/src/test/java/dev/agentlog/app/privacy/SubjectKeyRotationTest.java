package dev.agentlog.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.SubjectKeyRotation;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.privacy.WrongKekException;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.support.time.Time;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotation of the keys in a real PostgreSQL (docs/privacy.md, "Rotation"): a KEK rotation re-wraps every data key in
 * batches, leaves erased subjects destroyed, and, when it fails halfway, leaves every key readable with the KEK its row
 * names; a data-key rotation adds a primary key that new ciphertexts use while the old ones still open.
 */
class SubjectKeyRotationTest {
    static final byte[] AD = "event".getBytes(StandardCharsets.UTF_8);
    static HikariDataSource pool;
    final AtomicLong nanos = new AtomicLong();
    final Time time = Time.of(nanos::get, () -> 1_765_000_000_000L);

    @BeforeAll
    static void open() {
        TestRuntime runtime = TestRuntime.get();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 2, "krot");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static String schema(String name) throws Exception {
        try (Connection c = pool.getConnection()) {
            c.createStatement().execute("drop schema if exists " + name + " cascade");
        }
        SchemaMigrator.migrate(pool, name);
        return name;
    }

    /** Makes a key for each subject with {@code kek} and seals a text with it: subject -> ciphertext. */
    Map<String, byte[]> sealed(String schema, KeyEncryptionKey kek, int subjects) throws Exception {
        SubjectKeys keys = new SubjectKeys(pool, schema, kek, time);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < subjects; i++) {
            String subject = String.format("agent-%02d", i);
            out.put(subject, keys.forSealing(subject).encrypt(utf8("said by " + subject), AD));
        }
        return out;
    }

    void erase(String schema, String... subjects) throws Exception {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            SubjectKeys.destroy(c, schema, List.of(subjects), "dpo", Instant.parse("2026-12-07T00:00:00Z"));
            c.commit();
        }
    }

    /** Opens each ciphertext with a fresh key store (no cache) of {@code kek}. */
    void assertAllOpen(String schema, KeyEncryptionKey kek, Map<String, byte[]> ciphertexts) throws Exception {
        SubjectKeys keys = new SubjectKeys(pool, schema, kek, time);
        for (Map.Entry<String, byte[]> e : ciphertexts.entrySet()) {
            assertThat(keys.forOpening(e.getKey()).orElseThrow().decrypt(e.getValue(), AD)).as(e.getKey())
                    .isEqualTo(utf8("said by " + e.getKey()));
        }
    }

    @Test
    void shouldRewrapEveryDataKeyInBatchesLeaveErasedSubjectsDestroyedAndRefuseTheOldKekClearly() throws Exception {
        String schema = schema("krot_kek");
        KeyEncryptionKey old = KeyEncryptionKey.generate();
        KeyEncryptionKey replacement = KeyEncryptionKey.generate();
        Map<String, byte[]> ciphertexts = sealed(schema, old, 12);
        erase(schema, "agent-03", "agent-07");
        ciphertexts.remove("agent-03");
        ciphertexts.remove("agent-07");
        // a key stored before KEK ids were recorded (schema version 7)
        Rows.of(pool, "update " + schema + ".subject_keys set kek_id = null where subject = 'agent-11' returning 1");
        assertThat(Rows.of(pool, "select kek_id, count(*) from " + schema + ".subject_keys where keyset is not null"
                + " group by kek_id order by kek_id nulls last")).containsExactly(old.id() + " | 9", "null | 1");
        List<String> progress = new ArrayList<>();

        SubjectKeys stillOnTheOldFile = new SubjectKeys(pool, schema, old, time);

        SubjectKeyRotation.KekRotated done = new SubjectKeyRotation(pool, schema, time).rotateKek(old, replacement, 4,
                (batch, soFar) -> {
                    progress.add(batch + ":" + soFar);
                    if (batch == 1) {
                        // a part still on the old file makes a key behind the rotation's position (after agent-04)
                        ciphertexts.put("agent-000", encrypt(stillOnTheOldFile, "agent-000"));
                    }
                });

        assertThat(done).isEqualTo(new SubjectKeyRotation.KekRotated(11, 4, 2, replacement.id()));
        assertThat(progress).containsExactly("1:4", "2:8", "3:10", "4:11");
        assertThat(new SubjectKeyRotation(pool, schema, time).keysByKek())
                .containsOnly(Map.entry("erased", 2L), Map.entry(replacement.id(), 11L));
        assertThat(Rows.of(pool, "select subject, keyset is null, erased_by from " + schema
                + ".subject_keys where erased_at is not null order by subject"))
                .containsExactly("agent-03 | t | dpo", "agent-07 | t | dpo");
        assertAllOpen(schema, replacement, ciphertexts);
        assertThat(new SubjectKeys(pool, schema, replacement, time).forOpening("agent-03")).isEmpty();
        assertThatThrownBy(() -> new SubjectKeys(pool, schema, old, time).forOpening("agent-00"))
                .isInstanceOfSatisfying(WrongKekException.class,
                        e -> assertThat(e.neededKekId()).isEqualTo(replacement.id()))
                .hasMessageContaining("is wrapped by key-encryption key " + replacement.id()
                        + ", and this process was given key-encryption key " + old.id());
        // nothing left to do: running it again changes nothing
        assertThat(new SubjectKeyRotation(pool, schema, time).rotateKek(old, replacement, 4, (b, n) -> {}).rewrapped())
                .isZero();
        assertThatThrownBy(() -> new SubjectKeyRotation(pool, schema, time).rotateKek(old, old, 4, (b, n) -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share key id " + old.id());
    }

    @Test
    void shouldLeaveEveryKeyReadableWithTheKekItsRowNamesWhenTheNewKekFailsHalfwayAndGoOnWhenRunAgain()
            throws Exception {
        String schema = schema("krot_half");
        KeyEncryptionKey old = KeyEncryptionKey.generate();
        Map<String, byte[]> ciphertexts = sealed(schema, old, 12);
        // the new KEK is a KMS key that stops answering at its 7th call: in the middle of the second batch
        Aead kms = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        AtomicInteger calls = new AtomicInteger();
        Aead failing = new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                if (calls.incrementAndGet() >= 7) {
                    throw new GeneralSecurityException("KMS unavailable");
                }
                return kms.encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                return kms.decrypt(ciphertext, associatedData);
            }
        };
        KeyEncryptionKey flaky = KeyEncryptionKey.of("kms-key-2", failing);
        KeyEncryptionKey replacement = KeyEncryptionKey.of("kms-key-2", kms);

        assertThatThrownBy(() -> new SubjectKeyRotation(pool, schema, time).rotateKek(old, flaky, 5, (b, n) -> {}))
                .hasMessageContaining("wrapping the data key of subject agent-06 with key-encryption key kms-key-2");

        // the first batch is done, the second rolled back whole: each row is wrapped by the KEK it names
        assertThat(Rows.of(pool, "select kek_id, count(*) from " + schema + ".subject_keys group by kek_id order by 1"))
                .containsExactly(old.id() + " | 7", "kms-key-2 | 5");
        Map<String, byte[]> rewrapped = new LinkedHashMap<>();
        Map<String, byte[]> notYet = new LinkedHashMap<>();
        ciphertexts.forEach((subject, ct) -> (subject.compareTo("agent-05") < 0 ? rewrapped : notYet).put(subject, ct));
        assertAllOpen(schema, old, notYet);
        assertAllOpen(schema, replacement, rewrapped);
        assertAllOpen(schema, replacement.withPrevious(old), ciphertexts);
        assertThatThrownBy(() -> new SubjectKeys(pool, schema, old, time).forOpening("agent-00"))
                .isInstanceOf(WrongKekException.class).hasMessageContaining("--kek-file whose id is kms-key-2");
        assertThatThrownBy(() -> new SubjectKeys(pool, schema, replacement, time).forOpening("agent-11"))
                .isInstanceOf(WrongKekException.class).hasMessageContaining("--kek-file whose id is " + old.id());

        SubjectKeyRotation.KekRotated rest = new SubjectKeyRotation(pool, schema, time).rotateKek(old, replacement, 5,
                (b, n) -> {});
        assertThat(rest.rewrapped()).isEqualTo(7);
        assertAllOpen(schema, replacement, ciphertexts);
        assertThat(new SubjectKeyRotation(pool, schema, time).keysByKek()).containsExactly(Map.entry("kms-key-2", 12L));
    }

    @Test
    void shouldAddANewPrimaryDataKeyThatNewCiphertextsUseWhileOldOnesOpenAndErasureStillDestroysTheWholeKeyset()
            throws Exception {
        String schema = schema("krot_data");
        KeyEncryptionKey kek = KeyEncryptionKey.generate();
        Map<String, byte[]> before = sealed(schema, kek, 3);
        erase(schema, "agent-02");
        SubjectKeys running = new SubjectKeys(pool, schema, kek, time);
        running.forSealing("agent-00"); // a running process that read the keyset before the rotation

        SubjectKeyRotation.DataKeysRotated done = new SubjectKeyRotation(pool, schema, time)
                .rotateDataKeys(kek, Optional.empty(), 1, (b, n) -> {});

        assertThat(done.rotated()).isEqualTo(2);
        assertThat(done.batches()).isEqualTo(2);
        assertThat(done.erasedUntouched()).isEqualTo(1);
        assertThat(done.newKeyIds()).containsOnlyKeys("agent-00", "agent-01");
        assertThat(Rows.of(pool, "select subject, data_key_rotated_at is not null, kek_id = '" + kek.id() + "' from "
                + schema + ".subject_keys order by subject"))
                .containsExactly("agent-00 | t | t", "agent-01 | t | t", "agent-02 | f | null");
        assertAllOpen(schema, kek, Map.of("agent-00", before.get("agent-00"), "agent-01", before.get("agent-01")));
        SubjectKeys fresh = new SubjectKeys(pool, schema, kek, time);
        byte[] after = fresh.forSealing("agent-00").encrypt(utf8("said by agent-00"), AD);
        assertThat(keyIdOf(after)).isEqualTo(done.newKeyIds().get("agent-00")).isNotEqualTo(keyIdOf(before.get("agent-00")));
        // the running process seals with the old key until its cache time is up, then with the new one
        assertThat(keyIdOf(running.forSealing("agent-00").encrypt(AD, AD))).isEqualTo(keyIdOf(before.get("agent-00")));
        nanos.addAndGet(SubjectKeys.CACHE_TTL.toNanos() + 1);
        assertThat(keyIdOf(running.forSealing("agent-00").encrypt(AD, AD))).isEqualTo(done.newKeyIds().get("agent-00"));

        // one subject only
        SubjectKeyRotation.DataKeysRotated one = new SubjectKeyRotation(pool, schema, time)
                .rotateDataKeys(kek, Optional.of("agent-01"), 100, (b, n) -> {});
        assertThat(one.newKeyIds()).containsOnlyKeys("agent-01");
        assertThatThrownBy(() -> new SubjectKeyRotation(pool, schema, time).rotateDataKeys(kek, Optional.of("agent-02"),
                100, (b, n) -> {})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was erased");
        assertThatThrownBy(() -> new SubjectKeyRotation(pool, schema, time).rotateDataKeys(kek, Optional.of("agent-99"),
                100, (b, n) -> {})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no data key");

        // erasure destroys every key of the keyset: what either sealed opens no more
        erase(schema, "agent-00");
        assertThat(new SubjectKeys(pool, schema, kek, time).forOpening("agent-00")).isEmpty();
        assertThat(Rows.of(pool, "select keyset is null from " + schema + ".subject_keys where subject = 'agent-00'"))
                .containsExactly("t");
        assertThat(after).isNotEmpty();
    }

    static byte[] encrypt(SubjectKeys keys, String subject) {
        try {
            return keys.forSealing(subject).encrypt(utf8("said by " + subject), AD);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id of the Tink key that made a ciphertext: its 5-byte prefix after the version byte. */
    static String keyIdOf(byte[] ciphertext) {
        return HexFormat.of().formatHex(ciphertext, 1, 5);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
