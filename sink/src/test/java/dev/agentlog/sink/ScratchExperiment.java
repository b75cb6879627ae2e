package dev.agentlog.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

@EnabledIfSystemProperty(named = "agentlog.measure", matches = "true")
class ScratchExperiment {
    static final int N = 40_000;
    static final String CONTENT = "[{\"type\":\"text\",\"text\":\"Sure, I can help with that. Here is what I found about the topic you asked for, with a few more words so that a message is about as long as a real one.\"}]";
    static final String PAYLOAD = "{\"message_id\":\"message-%s\",\"role\":\"assistant\",\"content\":" + CONTENT + ",\"step_id\":\"step-1\",\"run_id\":\"run-1\",\"otid\":\"otid-1\",\"source_sequence\":1}";

    record Row(String id, String stream, long seq, String payload, long offset, String messageId) {}

    @Test
    void experiment() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String m = UUID.randomUUID().toString();
            rows.add(new Row(UUID.randomUUID().toString(), "agent-" + (i % 50), i + 1, PAYLOAD.formatted(m), i, "message-" + m));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.jdbcUrl());
        config.setMaximumPoolSize(1);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            for (int round = 0; round < 2; round++) {
                for (String variant : List.of("E_copy", "E_values_conflict_returning", "E_values_conflict", "E_values_plain", "E_values_nocast",
                        "E_select_then_copy", "M_copy", "M_values_upsert", "M_values_plain", "M_values_upsert_64", "M_values_upsert_1000")) {
                    String schema = TestPostgres.freshSchema("x");
                    try (Connection c = ds.getConnection()) {
                        c.setAutoCommit(false);
                        long pg0 = cpu(c);
                        long t0 = System.nanoTime();
                        for (int from = 0; from < N; from += 2000) {
                            run(variant, c, schema, rows.subList(from, from + 2000));
                            c.commit();
                        }
                        long ns = System.nanoTime() - t0;
                        long pg = cpu(c) - pg0;
                        System.out.printf("round %d %-30s %8.0f rows/s  PG CPU %5.1f us/row%n", round, variant, N / (ns / 1e9), pg / 1e3 / N);
                    }
                }
            }
        }
    }

    static long cpu(Connection c) throws Exception {
        int pid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) { rs.next(); pid = rs.getInt(1); }
        c.commit();
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    static final String ECOLS = "event_id, stream_id, stream_seq, type, schema_version, occurred_at, payload, kafka_topic, kafka_partition, kafka_offset";
    static final String MCOLS = "message_id, agent_id, role, content, step_id, run_id, otid, source_sequence, created_at, updated_at";

    static void run(String variant, Connection c, String schema, List<Row> rows) throws Exception {
        switch (variant) {
            case "E_copy" -> copy(c, "COPY " + schema + ".events (" + ECOLS + ") FROM STDIN", etsv(rows));
            case "M_copy" -> copy(c, "COPY " + schema + ".messages (" + MCOLS + ") FROM STDIN", mtsv(rows));
            case "E_select_then_copy" -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT event_id FROM " + schema + ".events WHERE event_id = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("text", rows.stream().map(Row::id).toArray()));
                    try (ResultSet rs = ps.executeQuery()) { while (rs.next()) rs.getString(1); }
                }
                copy(c, "COPY " + schema + ".events (" + ECOLS + ") FROM STDIN", etsv(rows));
            }
            default -> {
                boolean events = variant.startsWith("E_");
                int chunk = variant.endsWith("_64") ? 64 : variant.endsWith("_1000") ? 1000 : 250;
                String template = events
                        ? (variant.contains("nocast") ? "(?,?,?,?,?,?,?,?,?,?)" : "(?,?,?::bigint,?,?::integer,?::timestamptz,?::jsonb,?,?::integer,?::bigint)")
                        : "(?,?,?,?::jsonb,?,?,?,?::bigint,?::timestamptz,?::timestamptz)";
                String tail = switch (variant) {
                    case "E_values_conflict_returning" -> " ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
                    case "E_values_conflict" -> " ON CONFLICT (event_id) DO NOTHING";
                    case "M_values_upsert", "M_values_upsert_64", "M_values_upsert_1000" -> " ON CONFLICT (message_id) DO UPDATE SET agent_id = EXCLUDED.agent_id, role = EXCLUDED.role, content = EXCLUDED.content, step_id = EXCLUDED.step_id, run_id = EXCLUDED.run_id, otid = EXCLUDED.otid, source_sequence = EXCLUDED.source_sequence, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at";
                    default -> "";
                };
                StringBuilder sql = new StringBuilder("INSERT INTO " + schema + (events ? ".events (" + ECOLS : ".messages (" + MCOLS) + ") VALUES ");
                for (int i = 0; i < chunk; i++) sql.append(i == 0 ? "" : ",").append(template);
                sql.append(tail);
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    for (int from = 0; from + chunk <= rows.size(); from += chunk) {
                        int p = 1;
                        for (Row r : rows.subList(from, from + chunk)) {
                            if (events) {
                                ps.setString(p++, r.id); ps.setString(p++, r.stream); ps.setLong(p++, r.seq); ps.setString(p++, "message.created"); ps.setInt(p++, 2);
                                if (variant.contains("nocast")) ps.setObject(p++, java.time.OffsetDateTime.parse("2026-11-24T10:00:00Z")); else ps.setString(p++, "2026-11-24T10:00:00Z");
                                if (variant.contains("nocast")) { org.postgresql.util.PGobject o = new org.postgresql.util.PGobject(); o.setType("jsonb"); o.setValue(r.payload); ps.setObject(p++, o); } else ps.setString(p++, r.payload);
                                ps.setString(p++, "agentlog.events"); ps.setInt(p++, 0); ps.setLong(p++, r.offset);
                            } else {
                                ps.setString(p++, r.messageId); ps.setString(p++, r.stream); ps.setString(p++, "assistant"); ps.setString(p++, CONTENT);
                                ps.setString(p++, "step-1"); ps.setString(p++, "run-1"); ps.setString(p++, "otid-1"); ps.setLong(p++, r.seq);
                                ps.setString(p++, "2026-11-24T10:00:00Z"); ps.setString(p++, "2026-11-24T10:00:00Z");
                            }
                        }
                        if (variant.endsWith("returning")) { try (ResultSet rs = ps.executeQuery()) { while (rs.next()) rs.getString(1); } }
                        else ps.executeUpdate();
                    }
                }
            }
        }
    }

    static void copy(Connection c, String sql, String data) throws Exception {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(data));
    }

    static String etsv(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) b.append(r.id).append('\t').append(r.stream).append('\t').append(r.seq).append("\tmessage.created\t2\t2026-11-24T10:00:00Z\t").append(r.payload.replace("\\", "\\\\")).append("\tagentlog.events\t0\t").append(r.offset).append('\n');
        return b.toString();
    }

    static String mtsv(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) b.append(r.messageId).append('\t').append(r.stream).append("\tassistant\t").append(CONTENT).append("\tstep-1\trun-1\totid-1\t").append(r.seq).append("\t2026-11-24T10:00:00Z\t2026-11-24T10:00:00Z\n");
        return b.toString();
    }
}
