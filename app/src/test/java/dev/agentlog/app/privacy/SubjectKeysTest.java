package dev.agentlog.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.SubjectErasedException;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.support.time.Time;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The data keys in a real PostgreSQL: made once, shared by processes, wrapped, destroyed for good. */
class SubjectKeysTest {
    static final String SCHEMA = "skeys";
    static HikariDataSource pool;
    final KeyEncryptionKey kek = KeyEncryptionKey.generate();
    final AtomicLong nanos = new AtomicLong();
    final Time time = Time.of(nanos::get, () -> 1_764_000_000_000L);

    @BeforeAll
    static void migrate() {
        TestRuntime runtime = TestRuntime.get();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 2, SCHEMA);
        SchemaMigrator.migrate(pool, SCHEMA);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldMakeOneKeyPerSubjectThatEveryProcessWithTheKekShares() throws Exception {
        SubjectKeys ingest = new SubjectKeys(pool, SCHEMA, kek, time);
        SubjectKeys sink = new SubjectKeys(pool, SCHEMA, kek, time);
        byte[] ciphertext = ingest.forSealing("agent-shared").encrypt(utf8("hello"), utf8("ad"));

        assertThat(sink.forOpening("agent-shared").orElseThrow().decrypt(ciphertext, utf8("ad"))).isEqualTo(utf8("hello"));
        assertThat(Rows.of(pool, "select count(*), bool_and(keyset is not null) from " + SCHEMA
                + ".subject_keys where subject = 'agent-shared'")).containsExactly("1 | t");
        assertThatThrownBy(() -> sink.forOpening("agent-never")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no data key for subject agent-never");
        assertThatThrownBy(() -> new SubjectKeys(pool, SCHEMA, KeyEncryptionKey.generate(), time)
                .forOpening("agent-shared")).hasMessageContaining("--kek-file");
    }

    @Test
    void shouldNotOpenAKeysetCopiedIntoAnotherSubjectsRow() throws Exception {
        SubjectKeys keys = new SubjectKeys(pool, SCHEMA, kek, time);
        keys.forSealing("agent-a1");
        keys.forSealing("agent-b1");
        Rows.of(pool, "update " + SCHEMA + ".subject_keys set keyset = (select keyset from " + SCHEMA
                + ".subject_keys where subject = 'agent-a1') where subject = 'agent-b1' returning subject");

        assertThatThrownBy(() -> new SubjectKeys(pool, SCHEMA, kek, time).forOpening("agent-b1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldForgetADestroyedKeyWhenToldOrWhenItsCacheTimeIsUpAndNeverMakeItAgain() throws Exception {
        SubjectKeys ingest = new SubjectKeys(pool, SCHEMA, kek, time);
        SubjectKeys sink = new SubjectKeys(pool, SCHEMA, kek, time);
        Aead key = ingest.forSealing("agent-gone");
        byte[] ciphertext = key.encrypt(utf8("secret"), new byte[0]);
        assertThat(sink.forOpening("agent-gone")).isPresent();

        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            List<String> destroyed = SubjectKeys.destroy(c, SCHEMA, List.of("agent-gone", "block-never-keyed"), "ops",
                    Instant.parse("2026-12-06T20:00:00Z"));
            c.commit();
            assertThat(destroyed).containsExactly("agent-gone");
        }
        sink.forget(List.of("agent-gone"));
        assertThat(sink.forOpening("agent-gone")).isEmpty();
        assertThat(ingest.forSealing("agent-gone")).isSameAs(key); // cached, for at most the cache time
        nanos.addAndGet(SubjectKeys.CACHE_TTL.toNanos() + 1);
        assertThatThrownBy(() -> ingest.forSealing("agent-gone")).isInstanceOf(SubjectErasedException.class);
        assertThatThrownBy(() -> new SubjectKeys(pool, SCHEMA, kek, time).forSealing("block-never-keyed"))
                .isInstanceOf(SubjectErasedException.class);
        assertThat(Rows.of(pool, "select subject, keyset is null, erased_by from " + SCHEMA
                + ".subject_keys where erased_by = 'ops' order by subject"))
                .containsExactly("agent-gone | t | ops", "block-never-keyed | t | ops");
        assertThat(ciphertext).isNotEmpty();
    }

    @Test
    void shouldReadTheKeysOfABatchInOneQueryKeepTheOpenedKeyWhileItsRowIsUnchangedAndSeeAnErasure() throws Exception {
        SubjectKeys ingest = new SubjectKeys(pool, SCHEMA, kek, time);
        for (String subject : List.of("agent-p1", "agent-p2", "block-p3")) {
            ingest.forSealing(subject);
        }
        AtomicLong connections = new AtomicLong();
        javax.sql.DataSource counting = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    return method.invoke(pool, args);
                });
        SubjectKeys sink = new SubjectKeys(counting, SCHEMA, kek, time);

        sink.prefetch(List.of("agent-p1", "agent-p2", "block-p3", "agent-unknown"));
        Aead p1 = sink.forOpening("agent-p1").orElseThrow();
        sink.forOpening("agent-p2").orElseThrow();
        sink.forOpening("block-p3").orElseThrow();
        assertThat(connections.get()).as("one query for the three keys").isEqualTo(1);
        sink.prefetch(List.of("agent-p1", "agent-unknown"));
        assertThat(connections.get()).as("a name found without a key is not asked for by the next batch").isEqualTo(1);
        assertThatThrownBy(() -> sink.forOpening("agent-unknown")).hasMessageContaining("no data key for subject");

        nanos.addAndGet(SubjectKeys.CACHE_TTL.toNanos() + 1);
        sink.prefetch(List.of("agent-p1"));
        assertThat(sink.forOpening("agent-p1").orElseThrow()).as("the same keyset: not unwrapped again").isSameAs(p1);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            SubjectKeys.destroy(c, SCHEMA, List.of("agent-p1", "agent-p2"), "ops-batch", Instant.parse("2026-12-06T20:00:00Z"));
            c.commit();
        }
        assertThat(sink.forOpening("agent-p1")).as("cached until its time is up").isPresent();
        nanos.addAndGet(SubjectKeys.CACHE_TTL.toNanos() + 1);
        sink.prefetch(List.of("agent-p1"));
        assertThat(sink.forOpening("agent-p1")).as("the refresh read by a prefetch sees the erasure").isEmpty();
        assertThat(sink.forOpening("agent-p2")).as("the refresh of one subject sees it too").isEmpty();
    }

    @Test
    void shouldKeepInMemoryOnlyTheSubjectsUsedLatelyAndStillOpenWhatItForgot() throws Exception {
        long ttl = SubjectKeys.CACHE_TTL.toNanos();
        SubjectKeys keys = new SubjectKeys(pool, SCHEMA, kek, time);
        List<String> subjects = IntStream.range(0, 40).mapToObj(i -> "agent-swept-" + i).toList();
        byte[] sealedEarly = keys.forSealing("agent-swept-3").encrypt(utf8("early"), new byte[0]);
        subjects.forEach(keys::forSealing);
        keys.prefetch(List.of("block-unkeyed-1", "block-unkeyed-2"));
        assertThat(keys.subjectsInMemory()).isEqualTo(42);

        nanos.set(ttl + 1); // every key stale, the unkeyed answers expired: those go, the keys stay a while
        keys.forOpening("agent-swept-1");
        assertThat(keys.subjectsInMemory()).isEqualTo(40);

        nanos.set(2 * ttl + 2); // unused for a whole cache time since going stale: all but the one used at ttl + 1
        keys.forOpening("agent-swept-2");
        assertThat(keys.subjectsInMemory()).isEqualTo(2);
        assertThat(keys.forOpening("agent-swept-3").orElseThrow().decrypt(sealedEarly, new byte[0]))
                .isEqualTo(utf8("early"));
        assertThat(keys.subjectsInMemory()).isEqualTo(3);
    }
}
