package dev.agentlog.app.wiring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API key `up` generates when none is configured: made once, kept in the data directory
 * (owner-only permissions) so that clients keep working across restarts.
 */
public final class ApiKeyFile {
    public static final String NAME = "local";

    /** The key and whether it was generated just now (then, and only then, it is printed). */
    public record Key(String value, boolean generated) {}

    private ApiKeyFile() {}

    public static Key loadOrGenerate(Path file) throws IOException {
        if (Files.exists(file)) {
            return new Key(Files.readString(file, StandardCharsets.UTF_8).trim(), false);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String key = "al_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions protect it.
        }
        Files.move(tmp, file);
        return new Key(key, true);
    }
}
