package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.events.EventCodec;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.sink.snapshot.StateCipher;
import dev.agentlog.support.time.Time;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Crypto-shredding (docs/privacy.md): the one setting that turns it on. With {@code --kek-file} the edge (ingest, cdc,
 * import) seals the personal fields of every event with its subject's data key before it reaches Kafka, and every
 * reader (sink, rebuild, verify, state, history, export) opens them; the data keys live in the schema's
 * {@code subject_keys}, wrapped by this key-encryption key.
 */
public final class PrivacyOptions extends SettingGroup {
    public static final Setting<Path> KEK_FILE = Setting.path("kek-file").label("FILE")
            .doc("Turns encryption of personal payload fields on: the key-encryption key (a Tink AES-256-GCM keyset, `agentlog kek create FILE`, readable by its owner only) that wraps the subjects' data keys in PostgreSQL. Every part that writes or reads payloads needs the same file (docs/privacy.md).");

    public static final Setting<Path> PREVIOUS_KEK_FILE = Setting.path("previous-kek-file").label("FILE")
            .doc("During a KEK rotation only: the key-encryption key being replaced. Data keys still wrapped by it open with it; new ones are wrapped by --kek-file. Lets every part switch to the new --kek-file before `agentlog kek rotate` runs (docs/privacy.md, Rotation); drop it once the rotation is done.");

    private KeyEncryptionKey kek;

    public PrivacyOptions() {
        super(KEK_FILE, PREVIOUS_KEK_FILE);
    }

    /** Reads the KEKs at start, so that a missing or unsafe file stops the command with the option's name. */
    @Override
    protected void check(List<String> problems) {
        Path file = get(KEK_FILE);
        Path previous = get(PREVIOUS_KEK_FILE);
        if (previous != null && file == null) {
            problems.add(PREVIOUS_KEK_FILE.option() + " is given without " + KEK_FILE.option() + ": it only helps the"
                    + " new key-encryption key open what the old one wrapped during a rotation");
        }
        if (file != null) {
            try {
                kek = KeyEncryptionKey.load(file);
                if (previous != null) {
                    kek = kek.withPrevious(KeyEncryptionKey.load(previous, PREVIOUS_KEK_FILE.option()));
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
    }

    public boolean enabled() {
        return get(KEK_FILE) != null;
    }

    /**
     * The codec of a part with the key store of {@code schema}: it seals what the edge decodes from clients and opens
     * what readers decode; the contract's plain codec when encryption is off (a sealed payload then stops a reader
     * with what to do).
     */
    public EventCodec codec(DataSource dataSource, String schema) {
        return enabled() ? cipher(dataSource, schema).codec() : EventCodec.standard();
    }

    /**
     * How snapshots of {@code schema} are sealed and opened (docs/replay.md): with the subjects' data keys when
     * encryption is on, in clear otherwise.
     */
    public StateCipher stateCipher(DataSource dataSource, String schema) {
        if (!enabled()) {
            return StateCipher.PLAIN;
        }
        PayloadCipher cipher = cipher(dataSource, schema);
        return new StateCipher() {
            @Override
            public boolean seals() {
                return true;
            }

            @Override
            public byte[] seal(String subject, byte[] plain, byte[] associatedData) {
                return cipher.sealBytes(subject, plain, associatedData);
            }

            @Override
            public Optional<byte[]> open(String subject, byte[] sealed, byte[] associatedData) {
                return cipher.openBytes(subject, sealed, associatedData);
            }
        };
    }

    /** The payload cipher over the key store of {@code schema}; encryption must be on. */
    public PayloadCipher cipher(DataSource dataSource, String schema) {
        return new PayloadCipher(new SubjectKeys(dataSource, schema, kek(), Time.SYSTEM));
    }

    /** The key-encryption key of --kek-file (opening also what --previous-kek-file wrapped); encryption must be on. */
    public KeyEncryptionKey kek() {
        if (kek == null) {
            kek = KeyEncryptionKey.load(get(KEK_FILE));
            if (get(PREVIOUS_KEK_FILE) != null) {
                kek = kek.withPrevious(KeyEncryptionKey.load(get(PREVIOUS_KEK_FILE), PREVIOUS_KEK_FILE.option()));
            }
        }
        return kek;
    }
}
