package dev.agentlog.support.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The one source of time: every deadline, cache age and timestamp of agentlog reads it here, so that a test can
 * give a part a {@code ManualTime} instead of waiting for the real one. Two readings, for two uses: {@link #nanoTime()}
 * is monotonic (durations and deadlines, never a date), {@link #currentTimeMillis()} is the wall clock (timestamps
 * written down). How to wait is a {@link Sleeper}, given beside it.
 *
 * <p>Not Kafka's {@code org.apache.kafka.common.utils.Time}: that package is not part of Kafka's public API, and its
 * {@code sleep} swallows interrupts. Implementations are thread-safe.
 */
public interface Time {
    /** The machine's clocks. */
    Time SYSTEM = of(System::nanoTime, System::currentTimeMillis);

    /** A time read from these two sources (a test's stepped clock for one of them, say). */
    static Time of(LongSupplier nanoTime, LongSupplier currentTimeMillis) {
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(currentTimeMillis, "currentTimeMillis");
        return new Time() {
            @Override
            public long nanoTime() {
                return nanoTime.getAsLong();
            }

            @Override
            public long currentTimeMillis() {
                return currentTimeMillis.getAsLong();
            }
        };
    }

    /** Monotonic nanoseconds from an arbitrary origin ({@link System#nanoTime()}): only differences mean anything. */
    long nanoTime();

    /** Milliseconds since the epoch, UTC ({@link System#currentTimeMillis()}). */
    long currentTimeMillis();

    /** The wall clock now. */
    default Instant instant() {
        return Instant.ofEpochMilli(currentTimeMillis());
    }

    /** The wall clock as a {@link Clock} in UTC, for the {@code java.time} calls that take one. */
    default Clock clock() {
        Time time = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("agentlog's clock is UTC; convert the instant instead");
            }

            @Override
            public Instant instant() {
                return time.instant();
            }

            @Override
            public long millis() {
                return time.currentTimeMillis();
            }
        };
    }
}
