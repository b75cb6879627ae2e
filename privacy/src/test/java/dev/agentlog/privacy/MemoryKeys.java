package dev.agentlog.privacy;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Data keys in memory, with erasure, for the cipher's tests (the PostgreSQL store is tested end to end). */
final class MemoryKeys implements DataKeys {
    final Map<String, Aead> keys = new ConcurrentHashMap<>();
    final Set<String> erased = new HashSet<>();

    @Override
    public synchronized Aead forSealing(String subject) {
        if (erased.contains(subject)) {
            throw new SubjectErasedException(subject);
        }
        return keys.computeIfAbsent(subject, s -> {
            try {
                return KeyEncryptionKey.primitive(KeyEncryptionKey.newAes256GcmKeyset());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public synchronized Optional<Aead> forOpening(String subject) {
        if (erased.contains(subject)) {
            return Optional.empty();
        }
        Aead key = keys.get(subject);
        if (key == null) {
            throw new IllegalStateException("no key for " + subject);
        }
        return Optional.of(key);
    }

    @Override
    public void forget(Collection<String> subjects) {}

    synchronized void erase(String subject) {
        keys.remove(subject);
        erased.add(subject);
    }
}
