package dev.agentlog.bench.chaos;

import dev.agentlog.events.EventCodec;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A client of ingest at a steady offered load: every 100 ms the events due by then are posted, in workload order, in
 * one request (at most 1,000), by one client, as a Letta would send its agents' changes. A request answered other than
 * 202, or failing, is sent again (its events are not acknowledged) until it is acknowledged; the events of a 202 are.
 * Latency is from when a request's events were due to its 202, so that a wait behind a slow request counts.
 */
final class ChaosLoad implements Runnable {
    /** One acknowledged request: when its events were due, when the 202 came, how many, how many attempts. */
    record Ack(long dueNanos, long ackNanos, int events, int attempts) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String key;
    private final int eventsPerSecond;
    private final LettaWorkload workload;
    private final Set<String> acknowledged = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile long lastAckNanos;

    ChaosLoad(int port, String key, int eventsPerSecond, long seed) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/v1/events");
        this.key = key;
        this.eventsPerSecond = eventsPerSecond;
        this.workload = new LettaWorkload(seed, Long.MAX_VALUE / 2, 200);
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long sent = 0;
        EventCodec codec = EventCodec.standard();
        while (!stopping) {
            long now = System.nanoTime();
            long due = (now - start) * eventsPerSecond / 1_000_000_000L;
            int count = (int) Math.min(1_000, due - sent);
            if (count > 0) {
                List<WorkloadEvent> events = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    events.add(workload.next());
                }
                long dueAt = start + (sent + count) * 1_000_000_000L / eventsPerSecond;
                int attempts = postUntilAcknowledged(events);
                if (attempts == 0) {
                    return; // stopping before it was acknowledged: not acknowledged
                }
                for (WorkloadEvent event : events) {
                    acknowledged.add(eventId(codec, event));
                }
                lastAckNanos = System.nanoTime();
                acks.add(new Ack(Math.min(dueAt, lastAckNanos), lastAckNanos, count, attempts));
                sent += count;
            }
            pause(100);
        }
    }

    private static String eventId(EventCodec codec, WorkloadEvent event) {
        try {
            return codec.decode(event.json()).eventId();
        } catch (dev.agentlog.events.InvalidEventException e) {
            throw new IllegalStateException("the workload made an event the contract refuses", e);
        }
    }

    /** Attempts it took; 0 when the run stopped first. */
    private int postUntilAcknowledged(List<WorkloadEvent> events) {
        String body = events.stream().map(e -> new String(e.json(), StandardCharsets.UTF_8))
                .collect(Collectors.joining(",", "[", "]"));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        for (int attempt = 1; !stopping || attempt == 1; attempt++) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                    return attempt;
                }
            } catch (java.io.IOException e) {
                // ingest unreachable or the request timed out: not acknowledged, sent again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            pause(200);
        }
        return 0;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the load's pacing, not synchronization
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        stopping = true;
    }

    Set<String> acknowledged() {
        synchronized (acknowledged) {
            return new LinkedHashSet<>(acknowledged);
        }
    }

    List<Ack> acks() {
        synchronized (acks) {
            return new ArrayList<>(acks);
        }
    }

    /** The ids of the last request acknowledged before now, for "has the pipeline caught up with this moment". */
    List<String> lastAcknowledged(int n) {
        synchronized (acknowledged) {
            List<String> all = new ArrayList<>(acknowledged);
            return all.subList(Math.max(0, all.size() - n), all.size());
        }
    }
}
