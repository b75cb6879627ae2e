package dev.agentlog.ingest.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key: each key may post {@code ratePerSecond} events a second on average and up to
 * {@code burst} at once. A request of n events takes n tokens, all or none; a request that finds too few waits
 * (answers 429) for {@link Decision#retryAfterSeconds}, the time until enough tokens are back. Time comes from
 * the clock given (a {@link System#nanoTime} source), so tests step it instead of sleeping. Thread-safe.
 */
public final class RateLimiter {
    private final double tokensPerNano;
    private final long burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Whether the request may go on, and if not, in how many whole seconds enough tokens will be back. */
    public record Decision(boolean granted, long retryAfterSeconds) {}

    public RateLimiter(int ratePerSecond, int burst, LongSupplier nanoClock) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a rate and a burst >= 1, were " + ratePerSecond + " and "
                    + burst);
        }
        this.tokensPerNano = ratePerSecond / (double) TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes {@code events} tokens from the key's bucket if it holds that many. A request larger than the burst
     * needs the bucket full and leaves it empty. */
    public Decision tryTake(String keyName, int events) {
        long cost = Math.min(Math.max(events, 1), burst);
        Bucket bucket = buckets.computeIfAbsent(keyName, k -> new Bucket(burst, nanoClock.getAsLong()));
        synchronized (bucket) {
            long now = nanoClock.getAsLong();
            bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.updatedNanos) * tokensPerNano);
            bucket.updatedNanos = now;
            if (bucket.tokens >= cost) {
                bucket.tokens -= cost;
                return new Decision(true, 0);
            }
            double missingNanos = (cost - bucket.tokens) / tokensPerNano;
            return new Decision(false, Math.max(1, (long) Math.ceil(missingNanos / TimeUnit.SECONDS.toNanos(1))));
        }
    }

    private static final class Bucket {
        double tokens; // guarded by this
        long updatedNanos; // guarded by this

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
