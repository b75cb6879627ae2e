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

    private KeyEncryptionKey kek;

    public PrivacyOptions() {
        super(KEK_FILE);
    }

    /** Reads the KEK at start, so that a missing or unsafe file stops the command with the option's name. */
    @Override
    protected void check(List<String> problems) {
        Path file = get(KEK_FILE);
        if (file != null) {
            try {
                kek = KeyEncryptionKey.load(file);
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
        if (kek == null) {
            kek = KeyEncryptionKey.load(get(KEK_FILE));
        }
        return new PayloadCipher(new SubjectKeys(dataSource, schema, kek, Time.SYSTEM));
    }
}
