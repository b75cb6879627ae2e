package dev.agentlog.ingest.internal;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.KeysUnavailableException;
import dev.agentlog.events.Violation;
import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.EventTooLargeException;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.client.KafkaUnavailableException;
import dev.agentlog.client.SealingUnavailableException;
import dev.agentlog.client.PublishException;
import dev.agentlog.ingest.RouteHandler;
import dev.agentlog.ingest.internal.EventOutcome.Status;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.kafka.KafkaFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: decode and validate each event, publish the valid ones, wait for Kafka's acks,
 * answer with each event's outcome. The status rules are documented on
 * {@link dev.agentlog.ingest.IngestHttpServer}.
 */
public final class EventsEndpoint implements RouteHandler {
    private static final Logger log = LoggerFactory.getLogger(EventsEndpoint.class);
    /** The summary line lists this many violations; every one is in {@code results} anyway. */
    private static final int MAX_SUMMARISED_VIOLATIONS = 20;
    private static final String READINESS_SOURCE = "POST /v1/events";

    private final IngestSettings settings;
    private final EventPublisher publisher;
    private final EventCodec codec;
    private final Counter accepted;
    private final Counter refusedInvalid;
    private final Counter refusedTooLarge;
    private final Counter refusedRateLimited;
    private final RateLimiter limiter;
    private final Counter unacknowledgedUnavailable;
    private final Counter unacknowledgedFailed;
    private final MeterRegistry registry;
    private final Readiness.Component readiness;

    /** @param limiter the per-key rate limit, or null for none */
    public EventsEndpoint(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            RateLimiter limiter) {
        this(settings, publisher, codec, registry, limiter, new Readiness().component("ingest"));
    }

    /**
     * @param readiness ingest's component: down from the first request Kafka could not take (503) to the first whose
     *     events it acknowledged again
     */
    public EventsEndpoint(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            RateLimiter limiter, Readiness.Component readiness) {
        this.settings = settings;
        this.readiness = readiness;
        this.limiter = limiter;
        this.publisher = publisher;
        this.codec = codec;
        this.registry = registry;
        this.accepted = Counter.builder("agentlog.ingest.events.accepted")
                .description("Events acknowledged by Kafka (acks=all) and answered as accepted").register(registry);
        this.refusedInvalid = refused("invalid");
        this.refusedTooLarge = refused("too_large");
        this.refusedRateLimited = refused("rate_limited");
        this.unacknowledgedUnavailable = unacknowledged("kafka_unavailable");
        this.unacknowledgedFailed = unacknowledged("kafka_error");
    }

    private Counter refused(String reason) {
        return Counter.builder("agentlog.ingest.events.refused").tag("reason", reason)
                .description("Events refused at ingest; the client must fix them").register(registry);
    }

    private Counter unacknowledged(String reason) {
        return Counter.builder("agentlog.ingest.events.unacknowledged").tag("reason", reason)
                .description("Valid events Kafka did not acknowledge; the client may re-send them").register(registry);
    }

    /** As {@link #handle(ApiRequest, String)} for the tenant of the request's API key (none: no tenant). */
    @Override
    public ApiResponse handle(ApiRequest request) {
        return handle(request, request.key() == null ? null : request.key().tenant());
    }

    /**
     * Takes the request's events for {@code tenant}: the tenant of the API key that wrote them ({@code null}: a
     * key without one). Every event accepted carries that tenant, whatever the body says.
     */
    public ApiResponse handle(ApiRequest request, String tenant) {
        String contentType = request.header("Content-Type").orElse(null);
        if (!isJson(contentType)) {
            return ApiResponse.error(415, "Content-Type must be application/json, was '" + contentType
                    + "': send the events as a JSON object or array with -H 'Content-Type: application/json'");
        }
        JsonNode root;
        try {
            root = EventCodec.parse(request.body());
        } catch (InvalidEventException e) {
            return ApiResponse.error(400, summary(e.violations()), e.violations());
        }
        boolean batch = root.isArray();
        if (!batch && !root.isObject()) {
            Violation v = new Violation("$", RuleCode.WRONG_TYPE, "must be an event object or an array of event objects, was "
                    + root.getNodeType().name().toLowerCase(Locale.ROOT));
            return ApiResponse.error(400, v.toString(), List.of(v));
        }
        if (batch && root.isEmpty()) {
            Violation v = new Violation("$", RuleCode.EMPTY, "must hold at least one event, was an empty array");
            return ApiResponse.error(400, v.toString(), List.of(v));
        }
        if (batch && root.size() > settings.maxEventsPerRequest()) {
            return ApiResponse.error(413, "the request holds " + root.size() + " events, more than "
                    + settings.maxEventsPerRequest() + " (--max-events-per-request): split it into smaller requests");
        }
        List<JsonNode> elements = new ArrayList<>();
        root.forEach(elements::add);
        if (!batch) {
            elements = List.of(root);
        }
        if (limiter != null) {
            RateLimiter.Decision decision = limiter.tryTake(request.keyName(), elements.size());
            if (!decision.granted()) {
                refusedRateLimited.increment(elements.size());
                return ApiResponse.error(429, "the API key '" + request.keyName() + "' is over its rate of "
                        + settings.rateLimitPerKey() + " events/s (burst " + settings.rateLimitBurst() + ", "
                        + "--rate-limit-per-key): nothing of this request was taken; send it again after "
                        + decision.retryAfterSeconds() + " s").withHeader("Retry-After",
                        String.valueOf(decision.retryAfterSeconds()));
            }
        }
        return answer(batch, elements, publish(elements, "http:" + request.keyName(), tenant));
    }

    /**
     * One element of a request as the event ingest publishes: decoded and validated, owned by {@code tenant}
     * (the key's; {@code null}: none) whatever tenant the client wrote into it, and with {@code source} when
     * the client gave none.
     */
    public static Event stamped(EventCodec codec, JsonNode element, String source, String tenant) throws InvalidEventException {
        Event event = codec.fromClientJson(element, tenant);
        return event.source() == null ? event.withSource(source) : event;
    }

    /** Decodes every element, publishes the valid ones, waits for the acks. Outcomes by index. */
    private EventOutcome[] publish(List<JsonNode> elements, String source, String tenant) {
        EventOutcome[] outcomes = new EventOutcome[elements.size()];
        List<Integer> validIndexes = new ArrayList<>();
        List<Event> valid = new ArrayList<>();
        KeysUnavailableException keysUnavailable = null;
        for (int i = 0; i < elements.size(); i++) {
            JsonNode element = elements.get(i);
            if (keysUnavailable != null) {
                // each attempt would wait out the key store's connection timeout again: the rest are not tried
                outcomes[i] = keysUnavailable(eventIdOf(element), keysUnavailable);
                continue;
            }
            try {
                valid.add(stamped(codec, element, source, tenant));
                validIndexes.add(i);
            } catch (InvalidEventException e) {
                outcomes[i] = EventOutcome.refused(eventIdOf(element), e.violations());
            } catch (KeysUnavailableException e) {
                keysUnavailable = e;
                outcomes[i] = keysUnavailable(eventIdOf(element), e);
            }
        }
        if (valid.isEmpty()) {
            return outcomes;
        }
        Timer.Sample sample = Timer.start(registry);
        List<CompletableFuture<RecordMetadata>> futures = publisher.publishAll(valid);
        awaitAll(futures);
        for (int j = 0; j < futures.size(); j++) {
            outcomes[validIndexes.get(j)] = outcomeOf(valid.get(j).eventId(), futures.get(j));
        }
        String outcome = "acked";
        for (EventOutcome o : outcomes) {
            if (o.status() == Status.UNAVAILABLE || o.status() == Status.KEYS_UNAVAILABLE) {
                outcome = "unavailable";
                break;
            }
            if (o.status() == Status.FAILED) {
                outcome = "failed";
            }
        }
        sample.stop(Timer.builder("agentlog.ingest.publish.latency").tag("outcome", outcome)
                .description("From the first send of a request's events to the last ack (acks=all)")
                .publishPercentileHistogram().register(registry));
        return outcomes;
    }

    /**
     * Waits for every future. Each completes within the producer's delivery.timeout.ms (= the publish
     * timeout) of its send; the extra second is a guard, and a future still open then counts as unavailable.
     */
    private void awaitAll(List<CompletableFuture<RecordMetadata>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(settings.publishTimeoutMs() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Inspected one by one below.
        }
    }

    private EventOutcome outcomeOf(String eventId, CompletableFuture<RecordMetadata> future) {
        if (!future.isDone()) {
            return EventOutcome.unavailable(eventId, "Kafka did not acknowledge event " + eventId + " within "
                    + settings.publishTimeoutMs() + " ms (--publish-timeout-ms); send it again later");
        }
        if (!future.isCompletedExceptionally()) {
            return EventOutcome.accepted(eventId, future.join());
        }
        Throwable failure = KafkaFailures.unwrap(future.handle((m, e) -> e).join());
        if (failure instanceof EventTooLargeException tooLarge) {
            return EventOutcome.tooLarge(eventId, tooLarge.violation());
        }
        if (failure instanceof PublishException p && p.getCause() instanceof RecordTooLargeException) {
            return EventOutcome.tooLarge(eventId, new Violation("$", RuleCode.TOO_LARGE, "is larger than Kafka accepts on topic "
                    + publisher.topic() + " (the topic's max.message.bytes): make it smaller, or raise that limit"));
        }
        if (failure instanceof KafkaUnavailableException) {
            return EventOutcome.unavailable(eventId, failure.getMessage());
        }
        if (failure instanceof SealingUnavailableException) {
            // the key store's own error (a driver's message, KEK ids) stays in the server log, not in the answer
            return EventOutcome.keysUnavailable(eventId, failure.getMessage(), failure.getCause());
        }
        return EventOutcome.failed(eventId, failure.getMessage());
    }

    /**
     * The status: 503 when any event met an unavailable Kafka; else 500 when Kafka refused one for another
     * reason; else 202 when every event is accepted; else 413 when nothing was accepted and every refusal is
     * a size refusal; else 400.
     */
    private ApiResponse answer(boolean batch, List<JsonNode> elements, EventOutcome[] outcomes) {
        int acceptedCount = 0;
        int refusedCount = 0;
        int tooLargeCount = 0;
        int unavailableCount = 0;
        int failedCount = 0;
        List<Violation> violations = new ArrayList<>();
        ArrayNode results = EventCodec.JSON.createArrayNode();
        for (int i = 0; i < outcomes.length; i++) {
            EventOutcome o = outcomes[i];
            ObjectNode result = results.addObject();
            result.put("index", i);
            if (o.eventId() != null) {
                result.put("event_id", o.eventId());
            } else {
                result.putNull("event_id");
            }
            result.put("status", o.status().wire);
            switch (o.status()) {
                case ACCEPTED -> {
                    acceptedCount++;
                    result.put("partition", o.metadata().partition());
                    result.put("offset", o.metadata().offset());
                }
                case REFUSED, TOO_LARGE -> {
                    refusedCount++;
                    tooLargeCount += o.status() == Status.TOO_LARGE ? 1 : 0;
                    ArrayNode errors = result.putArray("errors");
                    for (Violation v : o.violations()) {
                        ApiResponse.addError(errors, v);
                        violations.add(batch ? v.inElement(i) : v);
                    }
                }
                case UNAVAILABLE, KEYS_UNAVAILABLE -> {
                    unavailableCount++;
                    result.put("error", o.error());
                }
                case FAILED -> {
                    failedCount++;
                    result.put("error", o.error());
                }
            }
        }
        accepted.increment(acceptedCount);
        refusedInvalid.increment(refusedCount - tooLargeCount);
        refusedTooLarge.increment(tooLargeCount);
        unacknowledgedUnavailable.increment(unavailableCount);
        unacknowledgedFailed.increment(failedCount);

        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("accepted", acceptedCount);
        body.put("refused", refusedCount);
        int total = outcomes.length;
        int status;
        if (unavailableCount > 0) {
            status = 503;
            // Kafka's outage is named first when both met the request: it is the one every event waits on
            boolean keys = java.util.Arrays.stream(outcomes).noneMatch(o -> o.status() == Status.UNAVAILABLE);
            Status unavailable = keys ? Status.KEYS_UNAVAILABLE : Status.UNAVAILABLE;
            body.put("error", (keys ? "the data keys of these events' subjects cannot be read now (encryption is on): "
                    : "Kafka cannot take events now: ") + unavailableCount + " of " + total + " not acknowledged"
                    + " (" + firstError(outcomes, unavailable) + "). Send the request again after "
                    + settings.retryAfterSeconds() + " s; events listed as accepted are in Kafka, and re-sending "
                    + "them is safe (duplicates are dropped by event_id)");
            // the outage's start and end are logged once each by the readiness component; each request at debug
            boolean outageStarts = readiness.ready();
            readiness.down(READINESS_SOURCE, keys
                    ? "the data keys cannot be read (PostgreSQL unreachable, or a key-encryption key this process was"
                            + " not given: see the log); requests are answered 503 with Retry-After"
                    : "Kafka cannot take events (not acknowledged within " + settings.publishTimeoutMs()
                            + " ms); requests are answered 503 with Retry-After");
            if (keys) {
                // the /readyz reason stays generic (an open route); the key store's own error is logged here, once
                // when the outage starts
                Throwable cause = keyStoreError(outcomes);
                if (outageStarts) {
                    log.warn("ingest: {} of {} events not sent: their data keys cannot be read", unavailableCount,
                            total, cause);
                } else {
                    log.debug("ingest: {} of {} events not sent: their data keys cannot be read: {}", unavailableCount,
                            total, String.valueOf(cause));
                }
            } else {
                log.debug("ingest: Kafka unavailable, {} of {} events not acknowledged: {}", unavailableCount, total,
                        firstError(outcomes, Status.UNAVAILABLE));
            }
        } else if (failedCount > 0) {
            status = 500;
            body.put("error", "Kafka refused " + failedCount + " of " + total + " events ("
                    + firstError(outcomes, Status.FAILED) + ")");
        } else if (acceptedCount == total) {
            status = 202;
            readiness.up(READINESS_SOURCE);
        } else {
            status = acceptedCount == 0 && tooLargeCount == refusedCount ? 413 : 400;
            body.put("error", refusedCount + " of " + total + " events refused, " + acceptedCount + " accepted: "
                    + summary(violations));
        }
        body.set("results", results);
        ApiResponse response = ApiResponse.json(status, body);
        return status == 503 ? response.withHeader("Retry-After", String.valueOf(settings.retryAfterSeconds())) : response;
    }

    private static EventOutcome keysUnavailable(String eventId, KeysUnavailableException e) {
        return EventOutcome.keysUnavailable(eventId, "event " + eventId + " was not sent: its subject's data key cannot"
                + " be read now (encryption is on)", e);
    }

    private static Throwable keyStoreError(EventOutcome[] outcomes) {
        for (EventOutcome o : outcomes) {
            if (o.status() == Status.KEYS_UNAVAILABLE) {
                return o.cause();
            }
        }
        return null;
    }

    private static String firstError(EventOutcome[] outcomes, Status status) {
        for (EventOutcome o : outcomes) {
            if (o.status() == status) {
                return o.error();
            }
        }
        return "";
    }

    private static String summary(List<Violation> violations) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < violations.size() && i < MAX_SUMMARISED_VIOLATIONS; i++) {
            out.append(i == 0 ? "" : "; ").append(violations.get(i));
        }
        if (violations.size() > MAX_SUMMARISED_VIOLATIONS) {
            out.append("; and ").append(violations.size() - MAX_SUMMARISED_VIOLATIONS).append(" more (see results)");
        }
        return out.toString();
    }

    private static String eventIdOf(JsonNode element) {
        JsonNode id = element.get("event_id");
        return id != null && id.isTextual() ? id.textValue() : null;
    }

    /** application/json (any parameters, e.g. charset), application/*+json, or no Content-Type at all. */
    static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || mediaType.startsWith("application/") && mediaType.endsWith("+json");
    }
}
