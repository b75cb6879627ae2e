package dev.agentlog.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionKeyTest {
    @TempDir
    Path dir;

    @Test
    void shouldCreateAFileOnlyItsOwnerReadsAndNeverOverwriteIt() throws Exception {
        Path file = dir.resolve("kek.json");
        KeyEncryptionKey.create(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String first = Files.readString(file);
        assertThatThrownBy(() -> KeyEncryptionKey.create(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo(first);

        byte[] ciphertext = KeyEncryptionKey.load(file).aead().encrypt("data key".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertThat(KeyEncryptionKey.load(file).aead().decrypt(ciphertext, new byte[0]))
                .isEqualTo("data key".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseAFileOthersCanReadAFileThatIsNoKeysetAndAMissingFile() throws Exception {
        Path file = dir.resolve("kek.json");
        KeyEncryptionKey.create(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> KeyEncryptionKey.load(file)).hasMessageContaining("chmod 600");

        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"secret\": \"do not echo me\"}");
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeyEncryptionKey.load(garbage)).hasMessageContaining("not a Tink AEAD keyset")
                .hasMessageNotContaining("do not echo me");
        assertThatThrownBy(() -> KeyEncryptionKey.load(dir.resolve("none.json"))).hasMessageContaining("kek create");
    }
}
