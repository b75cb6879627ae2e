package dev.agentlog.sink;

import java.io.StringReader;
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
    static final int N = 100_000;
    static final String PAYLOAD = "{\"message_id\":\"message-%s\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Sure, I can help with that. Here is what I found about the topic you asked for, with a few more words so that a message is about as long as a real one.\"}],\"step_id\":\"step-1\",\"run_id\":\"run-1\",\"otid\":\"otid-1\",\"source_sequence\":1}";

    record Row(String id, String stream, long seq, String payload, long offset) {}

    @Test
    void experiment() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(new Row(UUID.randomUUID().toString(), "agent-" + (i % 50), i + 1, PAYLOAD.formatted(UUID.randomUUID()), i));
        }
        for (int round = 0; round < 2; round++) {
            for (String variant : List.of("copy", "values_conflict_returning", "values_conflict", "values_plain",
                    "unnest_conflict_returning", "temp_copy_insert_select")) {
                String schema = TestPostgres.freshSchema("x");
                long t0 = System.nanoTime();
                try (Connection c = TestPostgres.dataSource().getConnection()) {
                    c.setAutoCommit(false);
                    for (int from = 0; from < N; from += 2000) {
                        run(variant, c, schema, rows.subList(from, from + 2000));
                        c.commit();
                    }
                }
                long ns = System.nanoTime() - t0;
                System.out.printf("round %d %-28s %8.0f rows/s%n", round, variant, N / (ns / 1e9));
            }
        }
    }

    static void run(String variant, Connection c, String schema, List<Row> rows) throws Exception {
        String cols = "event_id, stream_id, stream_seq, type, schema_version, occurred_at, payload, kafka_topic, kafka_partition, kafka_offset";
        switch (variant) {
            case "copy" -> c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + schema + ".events (" + cols + ") FROM STDIN", new StringReader(tsv(rows)));
            case "temp_copy_insert_select" -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMP TABLE IF NOT EXISTS stage_events (LIKE " + schema + ".events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY stage_events (" + cols + ") FROM STDIN", new StringReader(tsv(rows)));
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("INSERT INTO " + schema + ".events SELECT * FROM stage_events ON CONFLICT (event_id) DO NOTHING RETURNING event_id")) {
                    while (rs.next()) rs.getString(1);
                }
            }
            case "unnest_conflict_returning" -> {
                String sql = "INSERT INTO " + schema + ".events (" + cols + ") SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::timestamptz[], ?::jsonb[], ?::text[], ?::int[], ?::bigint[]) ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int n = rows.size();
                    String[] id = new String[n], st = new String[n], ty = new String[n], ts = new String[n], pl = new String[n], tp = new String[n];
                    Long[] seq = new Long[n], off = new Long[n]; Integer[] sv = new Integer[n], part = new Integer[n];
                    for (int i = 0; i < n; i++) { Row r = rows.get(i); id[i] = r.id; st[i] = r.stream; seq[i] = r.seq; ty[i] = "message.created"; sv[i] = 2; ts[i] = "2026-11-24T10:00:00Z"; pl[i] = r.payload; tp[i] = "agentlog.events"; part[i] = 0; off[i] = r.offset; }
                    ps.setArray(1, c.createArrayOf("text", id)); ps.setArray(2, c.createArrayOf("text", st)); ps.setArray(3, c.createArrayOf("int8", seq));
                    ps.setArray(4, c.createArrayOf("text", ty)); ps.setArray(5, c.createArrayOf("int4", sv)); ps.setArray(6, c.createArrayOf("text", ts));
                    ps.setArray(7, c.createArrayOf("text", pl)); ps.setArray(8, c.createArrayOf("text", tp)); ps.setArray(9, c.createArrayOf("int4", part)); ps.setArray(10, c.createArrayOf("int8", off));
                    try (ResultSet rs = ps.executeQuery()) { while (rs.next()) rs.getString(1); }
                }
            }
            default -> {
                String tail = switch (variant) { case "values_conflict_returning" -> " ON CONFLICT (event_id) DO NOTHING RETURNING event_id"; case "values_conflict" -> " ON CONFLICT (event_id) DO NOTHING"; default -> ""; };
                StringBuilder sql = new StringBuilder("INSERT INTO " + schema + ".events (" + cols + ") VALUES ");
                for (int i = 0; i < 250; i++) sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?::timestamptz,?::jsonb,?,?,?)");
                sql.append(tail);
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    for (int from = 0; from < rows.size(); from += 250) {
                        int p = 1;
                        for (Row r : rows.subList(from, from + 250)) {
                            ps.setString(p++, r.id); ps.setString(p++, r.stream); ps.setLong(p++, r.seq); ps.setString(p++, "message.created"); ps.setInt(p++, 2);
                            ps.setString(p++, "2026-11-24T10:00:00Z"); ps.setString(p++, r.payload); ps.setString(p++, "agentlog.events"); ps.setInt(p++, 0); ps.setLong(p++, r.offset);
                        }
                        if (variant.endsWith("returning")) { try (ResultSet rs = ps.executeQuery()) { while (rs.next()) rs.getString(1); } }
                        else ps.executeUpdate();
                    }
                }
            }
        }
    }

    static String tsv(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) b.append(r.id).append('\t').append(r.stream).append('\t').append(r.seq).append("\tmessage.created\t2\t2026-11-24T10:00:00Z\t").append(r.payload.replace("\\", "\\\\")).append("\tagentlog.events\t0\t").append(r.offset).append('\n');
        return b.toString();
    }
}
