package dev.agentlog.privacy;

import com.google.crypto.tink.Aead;
import java.util.Collection;
import java.util.Optional;

/** Where the payload cipher gets the subjects' data keys: {@link SubjectKeys} (PostgreSQL), or a test's map. */
public interface DataKeys {
    /**
     * The subject's key, made when it has none yet.
     *
     * @throws SubjectErasedException when the subject was erased
     */
    Aead forSealing(String subject);

    /**
     * The subject's key; empty when the subject was erased.
     *
     * @throws IllegalStateException when there is neither a key nor an erasure of the subject
     */
    Optional<Aead> forOpening(String subject);

    /**
     * Reads the keys of these subjects that are not fresh in memory, in one go rather than one by one (a reader about
     * to open a batch of their events). A subject with neither a key nor an erasure is left for {@link #forOpening}
     * to report.
     */
    default void prefetch(Collection<String> subjects) {}

    /** Forgets what is kept in memory of these subjects. */
    void forget(Collection<String> subjects);
}
