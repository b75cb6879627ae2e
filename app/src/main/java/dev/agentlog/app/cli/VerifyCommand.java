package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.settings.Settings;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.replay.Verifier;
import dev.agentlog.sink.replay.VerifyReport;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Folds the log and compares the result with the tables. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Prove the projection tables: fold the log of record up to the sink's offsets (read in the same"
                + " snapshot as the tables, so the live sink may keep writing) and compare with the tables, table by"
                + " table, with a checksum per table and the first differing rows named. The fold starts from the"
                + " newest snapshot at or before those offsets (--whole-log: from the log's beginning).",
                "With --from-table the projections are checked against the schema's own audit trail (events), which is"
                + " then not checked itself.",
                "Exit code 0 when every table equals the fold of the log, 3 when one differs."})
public final class VerifyCommand implements Callable<Integer>, Settings.CrossChecked {
    public static final Setting<Integer> MAX_DIFFERENCES = Setting.count("max-differences").defaultsTo(20)
            .check(Check.atLeast(0)).doc("How many differing rows to name at most.");

    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = new KafkaOptions();
    final PostgresOptions postgres = PostgresOptions.required();
    final SettingGroup verify = new SettingGroup(SinkOptions.GROUP_ID, RebuildCommand.FROM_TABLE,
            RebuildCommand.WHOLE_LOG, MAX_DIFFERENCES);
    final PrivacyOptions privacy = new PrivacyOptions();

    /** The log comes from Kafka unless --from-table. */
    @Override
    public void checkSettings(List<String> problems) {
        if (!verify.get(RebuildCommand.FROM_TABLE) && kafka.bootstrapServers() == null) {
            problems.add(KafkaOptions.BOOTSTRAP_SERVERS.option() + " is required unless "
                    + RebuildCommand.FROM_TABLE.option() + " (or set "
                    + KafkaOptions.BOOTSTRAP_SERVERS.environmentVariable() + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        String topic = kafka.topics().events();
        String schema = postgres.schema();
        VerifyReport report;
        try (HikariDataSource pool = Database.pool(postgres.target(), 2, "agentlog-verify", true)) {
            Verifier verifier = new Verifier(pool, schema, verify.get(SinkOptions.GROUP_ID), verify.get(MAX_DIFFERENCES))
                    .withCodec(privacy.codec(pool, schema));
            if (!verify.get(RebuildCommand.WHOLE_LOG)) {
                verifier.fromSnapshot(privacy.stateCipher(pool, schema));
            }
            if (verify.get(RebuildCommand.FROM_TABLE)) {
                report = verifier.againstTable(topic);
            } else {
                KafkaClients clients = kafka.clients();
                KafkaAccess.check(clients);
                try (KafkaLogSource source = new KafkaLogSource(clients.bootstrapServers(), topic, clients.common())) {
                    report = verifier.againstLog(source); // read-only: a reader role may run it (log_start is not written)
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("verify of " + schema + " failed in PostgreSQL: " + e.getMessage(), e);
        }
        print(spec.commandLine().getOut(), report);
        return report.equal() ? ExitCodes.OK : ExitCodes.DIFFERENT;
    }

    static void print(PrintWriter out, VerifyReport report) {
        Map<Integer, Long> offsets = new TreeMap<>();
        report.offsets().forEach((tp, offset) -> offsets.put(tp.partition(), offset));
        out.printf("verify %s against %s up to offsets %s: %d records, %d events folded%s%n", report.schema(),
                report.source(), offsets, report.recordsRead(), report.eventsFolded(),
                report.recordsNotDecodable() > 0 ? ", " + report.recordsNotDecodable() + " not decodable (dead-lettered)"
                        : "");
        out.printf("%-16s %10s %10s  %-32s  %-32s  %s%n", "table", "log rows", "table rows", "log checksum",
                "table checksum", "");
        for (VerifyReport.TableCheck t : report.tables()) {
            out.printf("%-16s %10d %10d  %-32s  %-32s  %s%n", t.table(), t.logRows(), t.tableRows(), t.logChecksum(),
                    t.tableChecksum(), t.equal() ? "equal" : "DIFFERENT (" + t.differingRows() + " rows)");
        }
        if (report.equal()) {
            out.println("EQUAL: every table equals the fold of the log");
        } else {
            long tables = report.tables().stream().filter(t -> !t.equal()).count();
            out.println("DIFFERENT: " + tables + " table(s) differ from the fold of the log; first differences:");
            report.differences().forEach(d -> out.println("  " + d));
            out.println("Rebuild the tables from the log with `agentlog rebuild`.");
        }
        out.flush();
    }
}
