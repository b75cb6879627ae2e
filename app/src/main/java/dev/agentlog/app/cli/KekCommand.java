package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.SubjectKeyRotation;
import dev.agentlog.support.time.Time;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The key-encryption key of crypto-shredding and the rotation of keys (docs/privacy.md, "Rotation"). */
@Command(name = "kek", mixinStandardHelpOptions = true,
        description = "Manage the key-encryption key (--kek-file) that wraps the subjects' data keys, and rotate keys"
                + " (docs/privacy.md).",
        subcommands = {KekCommand.Create.class, KekCommand.Id.class, KekCommand.Status.class, KekCommand.Rotate.class,
                KekCommand.RotateDataKeys.class})
public final class KekCommand implements Runnable {
    static final Setting<Path> NEW_KEK_FILE = Setting.path("new-kek-file").label("FILE")
            .doc("kek rotate: the new key-encryption key (`agentlog kek create FILE`) that wraps every data key afterwards.");
    static final Setting<Integer> KEYS_PER_TRANSACTION = Setting.count("keys-per-transaction")
            .defaultsTo(SubjectKeyRotation.DEFAULT_BATCH).check(Check.between(1, 100_000))
            .doc("kek rotate, rotate-data-keys: data keys changed per PostgreSQL transaction; each is done or not, so a failure halfway leaves every key readable and running again goes on.");
    static final Setting<String> SUBJECT = Setting.text("subject").label("SUBJECT")
            .doc("kek rotate-data-keys: only this subject (an agent, block or archive id); default: every subject with a key.");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Write a new key-encryption key (a Tink AES-256-GCM keyset, JSON) to FILE, readable by its"
                    + " owner only. Never overwrites a file: the data keys wrapped by the old key would be lost. Keep a"
                    + " copy where the database's backups are not.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the key (must not exist).")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(file)) {
                throw new IllegalArgumentException(file + " exists: a key-encryption key is never overwritten (the data"
                        + " keys it wraps would be lost); choose another file");
            }
            KeyEncryptionKey.create(file);
            spec.commandLine().getOut().println("wrote key-encryption key " + KeyEncryptionKey.load(file).id() + " to "
                    + file + " (mode 600); start every part with --kek-file " + file);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "id", mixinStandardHelpOptions = true,
            description = "Print the id of the key-encryption key in FILE (its Tink key id, not a secret): the id that"
                    + " `kek status` and the error of a part given the wrong --kek-file name.")
    static final class Id implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "A key-encryption key file.")
        Path file;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(KeyEncryptionKey.load(file, "FILE").id());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print how many data keys each key-encryption key wraps (by id) and how many subjects are"
                    + " erased; with --kek-file, which of them that file opens. A KEK rotation is done when every key"
                    + " is wrapped by the new id.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        final PostgresOptions postgres = PostgresOptions.required();
        final PrivacyOptions privacy = new PrivacyOptions();

        @Override
        public Integer call() throws Exception {
            try (HikariDataSource pool = Database.pool(postgres.target(), 1, "agentlog-kek", false)) {
                postgres.ensureSchema(pool);
                printKeys(spec.commandLine().getOut(), new SubjectKeyRotation(pool, postgres.schema(), Time.SYSTEM)
                        .keysByKek(), privacy.enabled() ? privacy.kek() : null);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Re-wrap every subject's data key: open it with the old key-encryption key (--kek-file),"
                    + " wrap it with the new one (--new-kek-file), in transactions of --keys-per-transaction keys."
                    + " Each key records which KEK wraps it, so a failure halfway leaves every key readable with one of"
                    + " the two files, and running the command again goes on where it stopped. Erased subjects stay"
                    + " erased; no event, snapshot or payload changes.",
                    "Afterwards the old file opens nothing any more: parts still started with it fail with a message"
                            + " naming the new key's id once their cached keys expire (30 s). The order of restarts"
                            + " for a running deployment is in docs/privacy.md, Rotation."})
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        final PostgresOptions postgres = PostgresOptions.required();
        final SettingGroup files = new SettingGroup(PrivacyOptions.KEK_FILE, NEW_KEK_FILE, KEYS_PER_TRANSACTION)
                .require(PrivacyOptions.KEK_FILE, NEW_KEK_FILE);

        @Override
        public Integer call() throws Exception {
            KeyEncryptionKey old = KeyEncryptionKey.load(files.get(PrivacyOptions.KEK_FILE));
            KeyEncryptionKey replacement = KeyEncryptionKey.load(files.get(NEW_KEK_FILE), NEW_KEK_FILE.option());
            PrintWriter out = spec.commandLine().getOut();
            try (HikariDataSource pool = Database.pool(postgres.target(), 1, "agentlog-kek-rotate", false)) {
                postgres.ensureSchema(pool);
                SubjectKeyRotation rotation = new SubjectKeyRotation(pool, postgres.schema(), Time.SYSTEM);
                out.println("rotating the key-encryption key of " + postgres.schema() + ".subject_keys from " + old.id()
                        + " to " + replacement.id());
                out.flush();
                SubjectKeyRotation.KekRotated done = rotation.rotateKek(old, replacement, files.get(KEYS_PER_TRANSACTION),
                        (batch, soFar) -> {
                            out.println("  transaction " + batch + " committed: " + soFar + " data keys re-wrapped");
                            out.flush();
                        });
                out.println("re-wrapped " + done.rewrapped() + " data keys with key-encryption key " + done.newKekId()
                        + " in " + done.batches() + " transaction(s); " + done.erasedUntouched() + " erased subject(s)"
                        + " untouched (their keys stay destroyed); no event changed");
                printKeys(out, rotation.keysByKek(), replacement);
                out.println("next: start every part with --kek-file " + files.get(NEW_KEK_FILE) + " (and without "
                        + PrivacyOptions.PREVIOUS_KEK_FILE.option() + "), run this again (it re-wraps keys that parts"
                        + " still on the old file made meanwhile; 0 when none), then retire " + old.id());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rotate-data-keys", mixinStandardHelpOptions = true,
            description = {"Add a new AES-256-GCM key, as the primary, to each subject's data keyset (or to --subject's"
                    + " only): events and snapshots sealed from then on use it; what was sealed before still opens by"
                    + " its key id. Erasure still destroys the whole keyset. Erased subjects are skipped.",
                    "Running parts keep sealing with the old key until their cached keyset expires (at most 30 s);"
                            + " a reader that meets a ciphertext of the new key reads the keyset again at once."})
    static final class RotateDataKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        final PostgresOptions postgres = PostgresOptions.required();
        final PrivacyOptions privacy = new PrivacyOptions();
        final SettingGroup rotation = new SettingGroup(SUBJECT, KEYS_PER_TRANSACTION);

        @Override
        public Integer call() throws Exception {
            if (!privacy.enabled()) {
                throw new IllegalArgumentException(PrivacyOptions.KEK_FILE.option() + " is required: the data keys"
                        + " are opened and wrapped again with it");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (HikariDataSource pool = Database.pool(postgres.target(), 1, "agentlog-kek-rotate", false)) {
                postgres.ensureSchema(pool);
                SubjectKeyRotation.DataKeysRotated done = new SubjectKeyRotation(pool, postgres.schema(), Time.SYSTEM)
                        .rotateDataKeys(privacy.kek(), Optional.ofNullable(rotation.get(SUBJECT)),
                                rotation.get(KEYS_PER_TRANSACTION), (batch, soFar) -> {
                                    out.println("  transaction " + batch + " committed: " + soFar + " keysets rotated");
                                    out.flush();
                                });
                if (rotation.get(SUBJECT) != null) {
                    out.println("subject " + rotation.get(SUBJECT) + ": new primary data key "
                            + done.newKeyIds().get(rotation.get(SUBJECT)));
                }
                out.println("added a new primary data key to " + done.rotated() + " subject(s) in " + done.batches()
                        + " transaction(s)" + (rotation.get(SUBJECT) == null ? "; " + done.erasedUntouched()
                                + " erased subject(s) skipped" : "") + "; running parts seal with it once their cached"
                        + " keys expire (at most 30 s)");
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** The data keys per KEK id; with {@code kek}, which of them it opens. */
    static void printKeys(PrintWriter out, Map<String, Long> byKek, KeyEncryptionKey kek) {
        out.println("data keys by key-encryption key:");
        if (byKek.isEmpty()) {
            out.println("  (none yet)");
        }
        byKek.forEach((id, count) -> {
            String note = switch (id) {
                case "erased" -> "subjects erased: no key";
                case "unrecorded" -> "made before KEK ids were recorded" + (kek == null ? "" : ": tried with " + kek.id());
                default -> kek == null ? "" : kek.ids().contains(id) ? "this file opens them" : "NOT opened by this file";
            };
            out.printf("  %-12s %8d%s%n", id, count, note.isEmpty() ? "" : "  (" + note + ")");
        });
        out.flush();
    }
}
