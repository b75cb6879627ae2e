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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's key-encryption key (KEK, {@code --kek-file}): a Tink keyset (AES-256-GCM) in Tink's JSON keyset
 * format. It never encrypts a payload itself: it wraps the subjects' data keys ({@link SubjectKeys}), so that the
 * PostgreSQL table holding them is useless without it. The file must be readable by its owner only (as ssh requires of
 * a private key), and {@code agentlog kek create FILE} makes one so. A KMS (Tink's AWS and GCP KMS extensions, a
 * {@code KmsClient}'s {@code Aead}) is the production alternative: it takes this class's place as the wrapping AEAD
 * (docs/privacy.md).
 *
 * <p>A KEK has an id ({@link #id()}): the Tink key id of its primary key, eight hex digits. It is no secret (every
 * Tink ciphertext starts with it, the wrapped keysets included); {@code subject_keys.kek_id} records for each data key
 * which KEK wrapped it, so that during a rotation ({@link SubjectKeyRotation}) a process knows which rows its file opens
 * and, for the others, names the file it needs. A KEK may carry the one it replaces ({@link #withPrevious}): it then
 * wraps with itself and opens what either wrapped, which lets the parts of a running deployment switch one by one.
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
    private final String id;
    /** Every KEK id this one opens (its own keys, and a previous KEK's), with the AEAD that opens it. */
    private final Map<String, Aead> opening;

    private KeyEncryptionKey(Aead aead, String id, Map<String, Aead> opening) {
        this.aead = aead;
        this.id = id;
        this.opening = Map.copyOf(opening);
    }

    /**
     * A KEK from an AEAD held elsewhere (a KMS key through Tink's KMS extensions, or a test's), under an id of the
     * operator's choosing (the KMS key's name: recorded beside every data key it wraps, so never a secret).
     */
    public static KeyEncryptionKey of(String id, Aead aead) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a key-encryption key needs an id");
        }
        return new KeyEncryptionKey(aead, id, Map.of(id, aead));
    }

    /** A new random KEK in memory (tests). */
    public static KeyEncryptionKey generate() {
        try {
            return fromKeyset(newAes256GcmKeyset());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an AES-256-GCM key", e);
        }
    }

    private static KeyEncryptionKey fromKeyset(KeysetHandle keyset) throws GeneralSecurityException {
        Aead aead = primitive(keyset);
        Map<String, Aead> opening = new HashMap<>();
        for (int i = 0; i < keyset.size(); i++) {
            opening.put(idOf(keyset.getAt(i).getId()), aead);
        }
        return new KeyEncryptionKey(aead, idOf(keyset.getPrimary().getId()), opening);
    }

    /** A Tink key id as eight hex digits (how Tink's tools show it too, unsigned). */
    static String idOf(int tinkKeyId) {
        return String.format("%08x", tinkKeyId);
    }

    /**
     * Reads the KEK file.
     *
     * @throws IllegalArgumentException naming the file (never its content) when it is missing, readable by others,
     *     or not a Tink AEAD keyset
     */
    public static KeyEncryptionKey load(Path file) {
        return load(file, "--kek-file");
    }

    /**
     * Reads a KEK file given by {@code option} (named in the errors).
     *
     * @throws IllegalArgumentException naming the option and the file (never its content) when it is missing, readable
     *     by others, or not a Tink AEAD keyset
     */
    public static KeyEncryptionKey load(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + " does not exist; make one with `agentlog kek"
                    + " create " + file + "`");
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                throw new IllegalArgumentException(option + " " + file + " is accessible to other users ("
                        + PosixFilePermissions.toString(permissions) + "): run `chmod 600 " + file + "`");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access control protects the file
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            return fromKeyset(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            // the parser's words may quote the file: not repeated
            throw new IllegalArgumentException(option + " " + file + " is not a Tink AEAD keyset in JSON (make one"
                    + " with `agentlog kek create FILE`)");
        }
    }

    /**
     * This KEK, also opening what {@code previous} wrapped (a rotation's switch-over: docs/privacy.md, "Rotation").
     * It wraps with itself only.
     *
     * @throws IllegalArgumentException when the two share a key id (the same file twice, or a collision of Tink's
     *     random 32-bit ids: make another KEK)
     */
    public KeyEncryptionKey withPrevious(KeyEncryptionKey previous) {
        Set<String> shared = new HashSet<>(previous.ids());
        shared.retainAll(ids());
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("the two key-encryption keys share key id " + String.join(", ", shared)
                    + ": the same file twice? (else make another with `agentlog kek create`)");
        }
        Map<String, Aead> both = new HashMap<>(previous.opening);
        both.putAll(opening);
        return new KeyEncryptionKey(aead, id, both);
    }

    /** The id recorded beside every data key this KEK wraps: its primary key's Tink id (hex), or a KMS key's name. */
    public String id() {
        return id;
    }

    /** Every KEK id whose data keys this one opens. */
    public Set<String> ids() {
        return new TreeSet<>(opening.keySet());
    }

    /** How the KEK is named in messages: its id, and the ids it opens besides. Never key material. */
    public String describe() {
        Set<String> others = ids();
        others.remove(id);
        return "key-encryption key " + id + (others.isEmpty() ? "" : " (opening also " + String.join(", ", others) + ")");
    }

    /** The AEAD that opens data keys wrapped by KEK {@code kekId}, if this KEK has it. */
    Optional<Aead> opening(String kekId) {
        return Optional.ofNullable(opening.get(kekId));
    }

    /** The distinct AEADs this KEK opens with, its own first (for keys wrapped before KEK ids were recorded). */
    List<Aead> openingAll() {
        List<Aead> all = new ArrayList<>(List.of(aead));
        opening.values().stream().filter(a -> !all.contains(a)).forEach(all::add);
        return all;
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
