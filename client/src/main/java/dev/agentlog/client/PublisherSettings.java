package dev.agentlog.client;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@link EventPublisher} talks to Kafka. Immutable; the compact constructor reports every problem
 * at once, named by its command-line option.
 *
 * @param maxEventBytes    the largest serialized event (the record value) that may be published; larger
 *                         ones are refused before they reach Kafka ({@code --max-event-bytes}, default 1 MiB)
 * @param publishTimeoutMs how long a publish may take before it fails as "Kafka unavailable": both the
 *                         producer's {@code max.block.ms} (waiting for metadata or buffer space) and its
 *                         {@code delivery.timeout.ms} (waiting for the acks) ({@code --publish-timeout-ms},
 *                         default 10 s)
 */
public record PublisherSettings(int maxEventBytes, long publishTimeoutMs) {
    public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
    public static final long DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;
    /** Below this the producer cannot fit a linger and one request round trip into the delivery timeout. */
    public static final long MIN_PUBLISH_TIMEOUT_MS = 100;

    public static final PublisherSettings DEFAULT =
            new PublisherSettings(DEFAULT_MAX_EVENT_BYTES, DEFAULT_PUBLISH_TIMEOUT_MS);

    public PublisherSettings {
        List<String> problems = new ArrayList<>();
        check(maxEventBytes, publishTimeoutMs, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    public static void check(int maxEventBytes, long publishTimeoutMs, List<String> problems) {
        if (maxEventBytes < 1) {
            problems.add("--max-event-bytes must be >= 1, was " + maxEventBytes);
        }
        if (maxEventBytes > Integer.MAX_VALUE / 2) {
            problems.add("--max-event-bytes must be <= " + Integer.MAX_VALUE / 2 + ", was " + maxEventBytes);
        }
        if (publishTimeoutMs < MIN_PUBLISH_TIMEOUT_MS) {
            problems.add("--publish-timeout-ms must be >= " + MIN_PUBLISH_TIMEOUT_MS + ", was " + publishTimeoutMs);
        }
        if (publishTimeoutMs > Integer.MAX_VALUE) {
            problems.add("--publish-timeout-ms must be <= " + Integer.MAX_VALUE + ", was " + publishTimeoutMs);
        }
    }
}
