package dev.agentlog.app.wiring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.client.deadletters.DeadLetterFilter;
import dev.agentlog.client.deadletters.DeadLetters;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.IngestHttpServer;
import dev.agentlog.ingest.Scope;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/dead-letters?reason=&stream=&limit=} (scope {@code state:read}): the dead letters as
 * {@code agentlog dlq list} prints them (reason, rule, source position, the original key and value), the first
 * {@code limit} (default {@value #DEFAULT_LIMIT}) that pass the filter, and how many do. The web UI's dead-letter view.
 *
 * <p>Each request reads the dead-letter topic from its beginning to its end as of the request ({@link DeadLetters}):
 * a dead-letter topic is small in a healthy pipeline, and this keeps nothing in memory between requests. A key with a
 * tenant gets 403: a refused record may be anyone's (a tenant's event refused for naming another tenant's stream is
 * the very case), so only a key of every tenant may read them.
 */
public final class DeadLettersRoute {
    public static final String PATH = "/v1/dead-letters";
    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 2_000;
    private static final Logger log = LoggerFactory.getLogger(DeadLettersRoute.class);

    private final String bootstrapServers;
    private final Map<String, Object> kafkaProperties;
    private final Topics topics;

    private DeadLettersRoute(String bootstrapServers, Map<String, Object> kafkaProperties, Topics topics) {
        this.bootstrapServers = bootstrapServers;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.topics = topics;
    }

    public static void register(IngestHttpServer server, KafkaClients clients, Topics topics) {
        register(server, clients.bootstrapServers(), clients.common(), topics);
    }

    public static void register(IngestHttpServer server, String bootstrapServers, Map<String, Object> kafkaProperties,
            Topics topics) {
        server.route("GET", PATH, Scope.STATE_READ, new DeadLettersRoute(bootstrapServers, kafkaProperties, topics)::list);
    }

    private ApiResponse list(ApiRequest request) {
        if (!request.path().equals(PATH)) {
            return ApiResponse.error(404, "no route for GET " + request.path() + ": use " + PATH);
        }
        if (request.key() != null && request.key().tenant() != null) {
            return ApiResponse.error(403, "dead letters are not kept by tenant: only a key without a tenant may read them");
        }
        int limit;
        Optional<String> limitParam = request.queryParam("limit");
        try {
            limit = limitParam.map(Integer::parseInt).orElse(DEFAULT_LIMIT);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return ApiResponse.error(400, "limit must be an integer between 1 and " + MAX_LIMIT + ", was '"
                    + limitParam.orElse("") + "'");
        }
        DeadLetterFilter filter = DeadLetterFilter.all();
        Optional<String> reason = request.queryParam("reason").filter(r -> !r.isBlank());
        Optional<String> stream = request.queryParam("stream").filter(s -> !s.isBlank());
        if (reason.isPresent()) {
            filter = filter.withReason(reason.get().strip());
        }
        if (stream.isPresent()) {
            filter = filter.withStream(stream.get().strip());
        }
        ObjectNode body = EventCodec.JSON.createObjectNode();
        ArrayNode shown = body.putArray("dead_letters");
        AtomicLong matched = new AtomicLong();
        int max = limit;
        try {
            DeadLetters.list(bootstrapServers, kafkaProperties, topics, filter, line -> {
                if (matched.incrementAndGet() <= max) {
                    shown.add(line);
                }
            });
        } catch (RuntimeException e) {
            log.warn("dead letters: cannot read {}: {}", topics.dlq(), e.toString());
            return ApiResponse.error(503, "the dead-letter topic cannot be read now; try again shortly")
                    .withHeader("Retry-After", "5");
        }
        body.put("matched", matched.get());
        body.put("limit", limit);
        return ApiResponse.ok(body);
    }
}
