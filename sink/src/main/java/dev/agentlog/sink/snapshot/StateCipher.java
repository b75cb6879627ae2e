package dev.agentlog.sink.snapshot;

import java.util.Optional;

/**
 * Seals and opens a stream's state in a snapshot with its subject's data key (docs/privacy.md). The sink knows no
 * cryptography: the app wires the privacy module's payload cipher in ({@code PayloadCipher#sealBytes}). Thread-safe.
 */
public interface StateCipher {
    /** Snapshots in clear: encryption is off. Opening a sealed snapshot with it fails with what to do. */
    StateCipher PLAIN = new StateCipher() {
        @Override
        public boolean seals() {
            return false;
        }

        @Override
        public byte[] seal(String subject, byte[] plain, byte[] associatedData) {
            throw new IllegalStateException("encryption is off: nothing is sealed");
        }

        @Override
        public Optional<byte[]> open(String subject, byte[] sealed, byte[] associatedData) {
            throw new IllegalStateException("the snapshot is sealed and this reader has no key store to open it: give"
                    + " it --kek-file (docs/privacy.md)");
        }
    };

    /** Whether new snapshots are sealed. */
    boolean seals();

    /** The ciphertext of {@code plain} under the subject's key, bound to {@code associatedData}. */
    byte[] seal(String subject, byte[] plain, byte[] associatedData);

    /**
     * The plaintext; empty when the subject was erased (its key is gone).
     *
     * @throws IllegalStateException when the ciphertext does not open (changed, or moved to another stream)
     */
    Optional<byte[]> open(String subject, byte[] sealed, byte[] associatedData);
}
