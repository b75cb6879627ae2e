package dev.agentlog.privacy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The operator's key-encryption key (KEK, {@code --kek-file}): a Tink keyset (AES-256-GCM) in Tink's JSON keyset
 * format. It never encrypts a payload itself: it wraps the subjects' data keys ({@link SubjectKeys}), so that the
 * PostgreSQL table holding them is useless without it. The file must be readable by its owner only (as ssh requires of
 * a private key), and {@code agentlog kek create FILE} makes one so. A KMS (Tink's AWS and GCP KMS extensions, a
 * {@code KmsClient}'s {@code Aead}) is the production alternative: it takes this class's place as the wrapping AEAD
 * (docs/privacy.md).
 */
public final class KeyEncryptionKey {
    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Aead aead;

    private KeyEncryptionKey(Aead aead) {
        this.aead = aead;
    }

    /** A KEK from an AEAD held elsewhere (a KMS key through Tink's KMS extensions, or a test's). */
    public static KeyEncryptionKey of(Aead aead) {
        return new KeyEncryptionKey(aead);
    }

    /** A new random KEK in memory (tests). */
    public static KeyEncryptionKey generate() {
        try {
            return new KeyEncryptionKey(primitive(newAes256GcmKeyset()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an AES-256-GCM key", e);
        }
    }

    /**
     * Reads the KEK file.
     *
     * @throws IllegalArgumentException naming the file (never its content) when it is missing, readable by others,
     *     or not a Tink AEAD keyset
     */
    public static KeyEncryptionKey load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--kek-file " + file + " does not exist; make one with `agentlog kek"
                    + " create " + file + "`");
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                throw new IllegalArgumentException("--kek-file " + file + " is accessible to other users ("
                        + PosixFilePermissions.toString(permissions) + "): run `chmod 600 " + file + "`");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access control protects the file
        } catch (IOException e) {
            throw new IllegalArgumentException("--kek-file " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            return new KeyEncryptionKey(primitive(TinkJsonProtoKeysetFormat.parseKeyset(json,
                    InsecureSecretKeyAccess.get())));
        } catch (IOException e) {
            throw new IllegalArgumentException("--kek-file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            // the parser's words may quote the file: not repeated
            throw new IllegalArgumentException("--kek-file " + file + " is not a Tink AEAD keyset in JSON (make one"
                    + " with `agentlog kek create FILE`)");
        }
    }

    /**
     * Writes a new KEK (one AES-256-GCM key) to {@code file}, readable and writable by its owner only; never over an
     * existing file (that would make every key wrapped by the old one unreadable).
     */
    public static void create(Path file) throws IOException {
        String json;
        try {
            json = TinkJsonProtoKeysetFormat.serializeKeyset(newAes256GcmKeyset(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an AES-256-GCM key", e);
        }
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "a KEK file is never overwritten: the data keys it wraps would be lost");
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".kek", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file); // fails if the file appeared meanwhile: never overwritten
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Aead aead() {
        return aead;
    }

    /** A new keyset of one AES-256-GCM key (after Tink's AEAD key types are registered, by this class's loading). */
    static KeysetHandle newAes256GcmKeyset() throws GeneralSecurityException {
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    }

    static Aead primitive(KeysetHandle handle) throws GeneralSecurityException {
        return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }
}
