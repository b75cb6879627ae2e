package dev.agentlog.privacy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A subject's data keyset as stored in {@code subject_keys}: encrypted with a {@link KeyEncryptionKey}
 * ({@code TinkProtoKeysetFormat.serializeEncryptedKeyset}), the subject's id as associated data, and the id of the KEK
 * that wrapped it recorded beside it. The one place that wraps, unwraps and rotates keysets, for the key store and for
 * the rotation commands alike. Errors name subjects and KEK ids, never key material.
 */
final class WrappedKeysets {
    private WrappedKeysets() {}

    /** A new keyset of one AES-256-GCM key, wrapped by {@code kek}. */
    static byte[] newWrapped(KeyEncryptionKey kek, String subject) {
        try {
            return wrap(KeyEncryptionKey.newAes256GcmKeyset(), kek, subject);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a data key for subject " + subject, e);
        }
    }

    /** The keyset wrapped by {@code kek} (with its own key: {@link KeyEncryptionKey#id()} is recorded beside it). */
    static byte[] wrap(KeysetHandle keyset, KeyEncryptionKey kek, String subject) throws GeneralSecurityException {
        return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, kek.aead(), associatedData(subject));
    }

    /**
     * Opens a stored keyset.
     *
     * @param kekId the KEK id recorded beside it; null for keys stored before ids were recorded (schema version 7),
     *     which every AEAD of {@code kek} is then tried on
     * @param where the table, for the messages
     * @throws WrongKekException when {@code kek} does not have the KEK the row names
     * @throws IllegalStateException when it does not open (changed, or copied from another subject's row)
     */
    static KeysetHandle unwrap(byte[] wrapped, String kekId, KeyEncryptionKey kek, String subject, String where) {
        if (kekId != null) {
            var aead = kek.opening(kekId).orElseThrow(() -> new WrongKekException(subject, where, kekId, kek));
            try {
                return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, aead, associatedData(subject));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the data key of subject " + subject + " in " + where + " does not open"
                        + " with key-encryption key " + kekId + ", which its row names: changed, or copied from another"
                        + " subject's row");
            }
        }
        for (var aead : kek.openingAll()) {
            try {
                return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, aead, associatedData(subject));
            } catch (GeneralSecurityException e) {
                // the next one, if any
            }
        }
        throw new IllegalStateException("the data key of subject " + subject + " in " + where + " does not open with "
                + kek.describe() + ": is --kek-file the one the keys were made with?");
    }

    /**
     * The keyset with a new AES-256-GCM key as its primary (data-key rotation): new ciphertexts are made with it, the
     * older keys stay to open what they sealed (Tink picks the key by the ciphertext's 5-byte key id prefix).
     */
    static KeysetHandle withNewPrimary(KeysetHandle keyset) throws GeneralSecurityException {
        return KeysetHandle.newBuilder(keyset)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId()
                        .makePrimary())
                .build();
    }

    /** The Tink id of the keyset's primary key (hex), which prefixes every ciphertext it makes. */
    static String primaryKeyId(KeysetHandle keyset) {
        return KeyEncryptionKey.idOf(keyset.getPrimary().getId());
    }

    private static byte[] associatedData(String subject) {
        return ("agentlog subject key\u0000" + subject).getBytes(StandardCharsets.UTF_8);
    }
}
