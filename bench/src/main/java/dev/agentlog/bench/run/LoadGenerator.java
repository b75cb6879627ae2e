package dev.agentlog.bench.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The open-loop HTTP load of the latency runs: {@code message.created} events of 100 agents, {@value #REQUESTS_PER_SECOND}
 * requests per second at most, each of {@code rate / REQUESTS_PER_SECOND} events (one below that rate), at send times
 * fixed in advance and dealt round-robin to {@value #SENDERS} threads, each posting over its own kept-alive
 * connection. A sender that falls behind sends late: the achieved rate says so.
 */
public final class LoadGenerator {
    /** Requests per second at most: loads above it go in batches (rate / this many events per request). */
    static final int REQUESTS_PER_SECOND = 500;
    /** Sender threads, each with its own connection: enough for 500 requests/s at up to 120 ms per request. */
    static final int SENDERS = 64;

    private LoadGenerator() {}

    /** Told when the measured part of a load starts and when its last answer is in (to read counters at both ends). */
    public interface MeasuredPart {
        MeasuredPart NONE = new MeasuredPart() {
            @Override
            public void started() {}

            @Override
            public void ended() {}
        };

        void started();

        void ended();
    }

    /** Tells the caller of each acknowledged event (for the ack-to-row bookkeeping). */
    public interface AckListener {
        void acked(String eventId, long ackNanos, boolean measured);
    }

    /**
     * What one offered load sent.
     *
     * @param batchSize        events per request
     * @param failed           requests not answered 202
     * @param measuredEvents   events offered in the measured part (after the warm-up seconds)
     * @param ackedEvents      of those, events answered 202
     * @param measuredSeconds  from the start of the measured part to the last answer
     * @param requestAckNanos  each measured request's time from its send to the status line of its 202, sorted
     */
    public record Offered(int batchSize, int failed, long measuredEvents, long ackedEvents, double measuredSeconds,
            long[] requestAckNanos) {}

    /**
     * Sends {@code rate} events per second for {@code seconds} to {@code target}; the first {@code warmUpSeconds} are not
     * measured. {@code part} is told (on the calling thread) when the measured part starts and when the last answer is
     * in; {@code progress} is shown once a second with {@code note}.
     */
    public static Offered offer(HttpTarget target, AckListener listener, int rate, int seconds, int warmUpSeconds,
            MeasuredPart part, Progress progress, Supplier<String> note) throws InterruptedException {
        int batchSize = Math.max(1, rate / REQUESTS_PER_SECOND);
        double requestsPerSecond = (double) rate / batchSize;
        long interval = (long) (1e9 / requestsPerSecond);
        long requests = (long) (requestsPerSecond * seconds);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measuredFrom = start + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        AtomicInteger failed = new AtomicInteger();
        AtomicLong measuredEvents = new AtomicLong();
        AtomicLong ackedEvents = new AtomicLong();
        long[][] ackNanos = new long[SENDERS][];
        int[] ackCounts = new int[SENDERS];
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            int first = t;
            Random random = new Random(rate * 31L + t);
            ackNanos[t] = new long[(int) (requests / SENDERS + 1)];
            Thread sender = new Thread(() -> {
                for (long i = first; i < requests; i += SENDERS) {
                    long at = start + i * interval;
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean measured = at >= measuredFrom;
                    List<String> ids = new ArrayList<>(batchSize);
                    StringBuilder body = new StringBuilder(batchSize * 520).append('[');
                    for (int e = 0; e < batchSize; e++) {
                        String id = UUID.randomUUID().toString();
                        ids.add(id);
                        body.append(e == 0 ? "" : ",").append(event(id, random));
                    }
                    body.append(']');
                    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                    if (measured) {
                        measuredEvents.addAndGet(batchSize);
                    }
                    long sentAt = System.nanoTime();
                    long ackedAt = target.post(first, bytes);
                    if (ackedAt >= 0) {
                        ids.forEach(id -> listener.acked(id, ackedAt, measured));
                        if (measured) {
                            ackedEvents.addAndGet(batchSize);
                            ackNanos[first][ackCounts[first]++] = ackedAt - sentAt;
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                    if (first == 0) {
                        progress.update(Math.max(0, (System.nanoTime() - start) / 1_000_000_000L), note.get());
                    }
                }
            }, "bench-http-" + t);
            sender.setDaemon(true);
            senders.add(sender);
            sender.start();
        }
        long untilMeasured = measuredFrom - System.nanoTime();
        if (untilMeasured > 0) {
            LockSupport.parkNanos(untilMeasured);
        }
        part.started();
        for (Thread sender : senders) {
            sender.join();
        }
        part.ended();
        double measuredSeconds = Math.max(1e-9, (System.nanoTime() - measuredFrom) / 1e9);
        long[] all = new long[Arrays.stream(ackCounts).sum()];
        int at = 0;
        for (int t = 0; t < SENDERS; t++) {
            System.arraycopy(ackNanos[t], 0, all, at, ackCounts[t]);
            at += ackCounts[t];
        }
        Arrays.sort(all);
        return new Offered(batchSize, failed.get(), measuredEvents.get(), ackedEvents.get(), measuredSeconds, all);
    }

    /** A {@code message.created} of one of 100 agents with a 300-character text. */
    static String event(String id, Random random) {
        StringBuilder text = new StringBuilder(300);
        while (text.length() < 300) {
            text.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                text.append(' ');
            }
        }
        return "{\"event_id\":\"" + id + "\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"agent-lat-"
                + random.nextInt(100) + "\",\"occurred_at\":\"" + java.time.Instant.now() + "\",\"source\":\"bench\","
                + "\"payload\":{\"message_id\":\"message-" + id + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + text + "\"}]}}";
    }
}
