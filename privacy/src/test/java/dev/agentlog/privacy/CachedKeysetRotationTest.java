package dev.agentlog.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.MessageCreated;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A data-key rotation under running processes: each caches the keysets it read (as {@link SubjectKeys} does for 30 s),
 * so after a rotation the edge may already seal with the new primary key while a reader still holds the keyset of
 * before, without that key. The reader must then read the keyset again, not refuse the event as unreadable (the sink
 * would dead-letter it).
 */
class CachedKeysetRotationTest {
    /** The key table both processes share. */
    final Map<String, KeysetHandle> table = new ConcurrentHashMap<>();

    /** One process's key store: reads the shared table, keeps what it read until told to forget. */
    final class CachingKeys implements DataKeys {
        final Map<String, Aead> cache = new HashMap<>();
        int reads;

        @Override
        public synchronized Aead forSealing(String subject) {
            return cache.computeIfAbsent(subject, s -> {
                table.computeIfAbsent(s, x -> newKeyset());
                return read(s);
            });
        }

        @Override
        public synchronized Optional<Aead> forOpening(String subject) {
            return Optional.of(cache.computeIfAbsent(subject, this::read));
        }

        @Override
        public synchronized void forget(Collection<String> subjects) {
            subjects.forEach(cache::remove);
        }

        private Aead read(String subject) {
            reads++;
            try {
                return KeyEncryptionKey.primitive(table.get(subject));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static KeysetHandle newKeyset() {
        try {
            return KeyEncryptionKey.newAes256GcmKeyset();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldOpenAnEventSealedWithTheNewPrimaryKeyWhileTheReaderStillCachesTheKeysetOfBefore() throws Exception {
        CachingKeys edgeKeys = new CachingKeys();
        CachingKeys readerKeys = new CachingKeys();
        EventCodec edge = new PayloadCipher(edgeKeys).codec();
        EventCodec reader = new PayloadCipher(readerKeys).codec();
        byte[] before = edge.encode(edge.fromClientJson(EventCodec.parse(PayloadCipherTest.message("e1", "agent-a",
                "sealed before the rotation").getBytes(StandardCharsets.UTF_8)), null));
        assertThat(reader.decode(before).payload()).isInstanceOf(MessageCreated.class);
        assertThat(readerKeys.reads).isEqualTo(1);

        table.put("agent-a", WrappedKeysets.withNewPrimary(table.get("agent-a")));
        edgeKeys.forget(java.util.List.of("agent-a")); // the edge's cache expired first
        byte[] after = edge.encode(edge.fromClientJson(EventCodec.parse(PayloadCipherTest.message("e2", "agent-a",
                "sealed after the rotation").getBytes(StandardCharsets.UTF_8)), null));

        assertThat(reader.decode(after).payload()).isInstanceOfSatisfying(MessageCreated.class,
                m -> assertThat(m.toJson().toString()).contains("sealed after the rotation"));
        assertThat(readerKeys.reads).as("the reader read the rotated keyset once").isEqualTo(2);
        assertThat(reader.decode(before).payload()).isInstanceOf(MessageCreated.class);
        assertThat(readerKeys.reads).isEqualTo(2);
    }
}
