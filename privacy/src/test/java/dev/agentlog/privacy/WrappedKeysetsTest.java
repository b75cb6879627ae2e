package dev.agentlog.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keysets as the key store keeps them, and the two rotations' pure parts: which KEK opens a wrapped keyset (by the id
 * recorded beside it), what a process given the wrong KEK is told, and that a keyset with a new primary key still opens
 * everything its older keys sealed.
 */
class WrappedKeysetsTest {
    static final byte[] AD = "event e1".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    final KeyEncryptionKey old = KeyEncryptionKey.generate();
    final KeyEncryptionKey replacement = KeyEncryptionKey.generate();

    @Test
    void shouldOpenAKeysetWithTheKekItsRowNamesAndWithAKekCarryingThatOneAsItsPrevious() throws Exception {
        KeysetHandle keyset = KeyEncryptionKey.newAes256GcmKeyset();
        byte[] wrapped = WrappedKeysets.wrap(keyset, old, "agent-a");

        assertThat(WrappedKeysets.unwrap(wrapped, old.id(), old, "agent-a", "t").equalsKeyset(keyset)).isTrue();
        KeyEncryptionKey both = replacement.withPrevious(old);
        assertThat(both.id()).isEqualTo(replacement.id());
        assertThat(both.ids()).containsExactlyInAnyOrder(old.id(), replacement.id());
        assertThat(WrappedKeysets.unwrap(wrapped, old.id(), both, "agent-a", "t").equalsKeyset(keyset)).isTrue();
        // stored before KEK ids were recorded: every KEK the process has is tried
        assertThat(WrappedKeysets.unwrap(wrapped, null, both, "agent-a", "t").equalsKeyset(keyset)).isTrue();
        // a KEK with a previous one still wraps with itself only
        byte[] rewrapped = WrappedKeysets.wrap(keyset, both, "agent-a");
        assertThat(WrappedKeysets.unwrap(rewrapped, replacement.id(), replacement, "agent-a", "t").equalsKeyset(keyset))
                .isTrue();
    }

    @Test
    void shouldNameTheKekARowNeedsWhenTheProcessHasAnotherAndShowNoKeyMaterial() throws Exception {
        Path file = dir.resolve("kek.json");
        KeyEncryptionKey.create(file);
        KeyEncryptionKey fromFile = KeyEncryptionKey.load(file);
        KeysetHandle keyset = KeyEncryptionKey.newAes256GcmKeyset();
        byte[] wrapped = WrappedKeysets.wrap(keyset, replacement, "agent-a");

        assertThatThrownBy(() -> WrappedKeysets.unwrap(wrapped, replacement.id(), fromFile, "agent-a", "s.subject_keys"))
                .isInstanceOfSatisfying(WrongKekException.class,
                        e -> assertThat(e.neededKekId()).isEqualTo(replacement.id()))
                .hasMessageContaining("subject agent-a in s.subject_keys is wrapped by key-encryption key "
                        + replacement.id())
                .hasMessageContaining("given key-encryption key " + fromFile.id())
                .hasMessageContaining("--kek-file whose id is " + replacement.id())
                .satisfies(e -> assertThat(Secrets.of(Files.readString(file))).allSatisfy(secret ->
                        assertThat(e.getMessage()).doesNotContain(secret)));
        // the row names the right KEK but its bytes were changed (or copied from another subject)
        assertThatThrownBy(() -> WrappedKeysets.unwrap(wrapped, replacement.id(), replacement, "agent-b", "t"))
                .isInstanceOf(IllegalStateException.class).isNotInstanceOf(WrongKekException.class)
                .hasMessageContaining("does not open with key-encryption key " + replacement.id());
        assertThatThrownBy(() -> WrappedKeysets.unwrap(wrapped, null, old, "agent-a", "t"))
                .hasMessageContaining("does not open with key-encryption key " + old.id())
                .hasMessageContaining("--kek-file");
    }

    @Test
    void shouldIdentifyAKekFileByItsPrimaryTinkKeyIdStablyAndRefuseToPairAFileWithItself() throws Exception {
        Path file = dir.resolve("kek.json");
        KeyEncryptionKey.create(file);
        KeyEncryptionKey once = KeyEncryptionKey.load(file);
        assertThat(once.id()).matches("[0-9a-f]{8}").isEqualTo(KeyEncryptionKey.load(file).id());
        int tinkId = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get())
                .getPrimary().getId();
        assertThat(Integer.parseUnsignedInt(once.id(), 16)).isEqualTo(tinkId);
        assertThatThrownBy(() -> once.withPrevious(KeyEncryptionKey.load(file)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share key id " + once.id());
        assertThat(KeyEncryptionKey.of("kms-key-1", replacement.aead()).id()).isEqualTo("kms-key-1");
    }

    @Property(tries = 30)
    void shouldOpenEverythingSealedBeforeAnyNumberOfDataKeyRotationsAndSealWithTheNewestKey(
            @ForAll @IntRange(min = 1, max = 5) int rotations) throws Exception {
        KeysetHandle keyset = KeyEncryptionKey.newAes256GcmKeyset();
        List<byte[]> sealed = new ArrayList<>();
        List<String> primaries = new ArrayList<>();
        for (int i = 0; i <= rotations; i++) {
            if (i > 0) {
                keyset = WrappedKeysets.withNewPrimary(keyset);
                // what the key store does with it: wrap, store, unwrap
                keyset = WrappedKeysets.unwrap(WrappedKeysets.wrap(keyset, old, "agent-a"), old.id(), old, "agent-a",
                        "t");
            }
            sealed.add(KeyEncryptionKey.primitive(keyset).encrypt(("text " + i).getBytes(StandardCharsets.UTF_8), AD));
            primaries.add(WrappedKeysets.primaryKeyId(keyset));
        }
        assertThat(keyset.size()).isEqualTo(rotations + 1);
        assertThat(primaries).doesNotHaveDuplicates();
        Aead newest = KeyEncryptionKey.primitive(keyset);
        for (int i = 0; i <= rotations; i++) {
            assertThat(new String(newest.decrypt(sealed.get(i), AD), StandardCharsets.UTF_8)).isEqualTo("text " + i);
            // Tink's prefix: version byte 1, then the id of the key that sealed it
            assertThat(HexFormat.of().formatHex(sealed.get(i), 1, 5)).isEqualTo(primaries.get(i));
        }
        // the keyset of before the last rotation does not have the newest key
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
        builder.getAt(keyset.size() - 2).makePrimary();
        KeysetHandle before = builder.deleteAt(keyset.size() - 1).build();
        byte[] last = sealed.get(rotations);
        assertThatThrownBy(() -> KeyEncryptionKey.primitive(before).decrypt(last, AD))
                .isInstanceOf(GeneralSecurityException.class);
    }

    /** The base64 key values in a Tink JSON keyset file. */
    static final class Secrets {
        static List<String> of(String json) {
            List<String> out = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"value\":\\s*\"([^\"]+)\"").matcher(json);
            while (m.find()) {
                out.add(m.group(1));
            }
            assertThat(out).isNotEmpty();
            return out;
        }
    }
}
