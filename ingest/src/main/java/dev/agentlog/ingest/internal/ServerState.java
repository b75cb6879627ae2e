package dev.agentlog.ingest.internal;

import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every exchange of one server shares: settings, routes, its clock, and the count of requests in flight. Thread-safe. */
public final class ServerState {
    private static final Logger log = LoggerFactory.getLogger(ServerState.class);
    final IngestSettings settings;
    final MeterRegistry registry;
    final Routes routes;
    final Supplier<String> metricsScrape;
    final Time time;
    private final int maxInFlight;
    private final Object inFlightLock = new Object();
    private int inFlight; // guarded by inFlightLock
    private volatile boolean closing;

    /**
     * @param maxInFlight requests taken at once; one more is answered 503
     * @param time        the server's clock: request deadlines and durations
     */
    public ServerState(IngestSettings settings, MeterRegistry registry, Routes routes, Supplier<String> metricsScrape,
            int maxInFlight, Time time) {
        this.settings = settings;
        this.time = time;
        this.maxInFlight = maxInFlight;
        this.registry = registry;
        this.routes = routes;
        this.metricsScrape = metricsScrape;
    }

    public boolean closing() {
        return closing;
    }

    /** From now on requests are answered 503; false when it was closing already. */
    public boolean beginClosing() {
        if (closing) {
            return false;
        }
        closing = true;
        return true;
    }

    /** Waits until no request is in flight, or the timeout passed. */
    public void awaitIdle(long timeoutMs) {
        long deadline = time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - time.nanoTime());
                if (remainingMs <= 0) {
                    log.warn("ingest: closing with {} requests still in flight after {} ms", inFlight, timeoutMs);
                    return;
                }
                try {
                    inFlightLock.wait(remainingMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Counts the request in; false when too many are in already (it is counted in all the same). */
    boolean enter() {
        synchronized (inFlightLock) {
            inFlight++;
            return inFlight <= maxInFlight;
        }
    }

    void leave() {
        synchronized (inFlightLock) {
            inFlight--;
            inFlightLock.notifyAll();
        }
    }
}
