package dev.agentlog.sink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.privacy.DataKeys;
import dev.agentlog.privacy.PayloadCipher;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data keys in memory (a Tink AES-256-GCM keyset per subject, as {@code SubjectKeys} makes them) for tests and
 * measurements of the opening path without PostgreSQL; and the edge's sealing of a record with them.
 */
final class MemoryDataKeys implements DataKeys {
    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Map<String, Aead> keys = new ConcurrentHashMap<>();

    @Override
    public Aead forSealing(String subject) {
        return keys.computeIfAbsent(subject, s -> {
            try {
                return KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM")).getPrimitive(Aead.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public Optional<Aead> forOpening(String subject) {
        Aead key = keys.get(subject);
        if (key == null) {
            throw new IllegalStateException("no key for " + subject);
        }
        return Optional.of(key);
    }

    @Override
    public void forget(Collection<String> subjects) {}

    /** The record as the edge writes it with encryption on: decoded, sealed, encoded. */
    static byte[] seal(PayloadCipher cipher, byte[] record) throws InvalidEventException {
        EventCodec codec = EventCodec.standard();
        Event event = codec.decode(record);
        return codec.encode(cipher.seal(event));
    }
}
