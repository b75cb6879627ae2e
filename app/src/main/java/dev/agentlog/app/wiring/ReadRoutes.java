package dev.agentlog.app.wiring;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestHttpServer;
import dev.agentlog.query.QueryRoutes;
import dev.agentlog.ui.UiRoutes;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What a process that reads adds to the HTTP API: the web UI's files at {@code /ui} (open), the dead letters, and,
 * where the process has PostgreSQL, the query routes (agents, their state then and now, timelines, histories). One
 * place, so that {@code up}, {@code ingest} and the browser tests serve the same UI.
 */
public final class ReadRoutes {
    private ReadRoutes() {}

    /**
     * @param queries a pool of read-only connections for the query routes; null when the process has no PostgreSQL
     *                (then the UI's data views answer 404 and say so)
     */
    public static void register(IngestHttpServer server, String bootstrapServers, Map<String, Object> kafkaProperties,
            Topics topics, DataSource queries, String schema, EventCodec codec) {
        UiRoutes.register(server);
        DeadLettersRoute.register(server, bootstrapServers, kafkaProperties, topics);
        if (queries != null) {
            QueryRoutes.register(server, queries, schema, codec);
        }
    }
}
