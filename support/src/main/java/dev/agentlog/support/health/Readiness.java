package dev.agentlog.support.health;

import dev.agentlog.support.time.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the parts of one process (the sink, the processor, ingest, cdc) can do their work now: each part is a
 * {@link Component} that the code meeting an outage marks down (PostgreSQL unreachable, Kafka not taking events) and
 * up again when the work passes. {@code /readyz} answers from {@link #ready()}, the {@code agentlog.ready} gauge from
 * each component. A component is down while any of its sources (a sink worker, ...) is down.
 *
 * <p>What a component says about itself is shown on the open {@code /readyz}: a kind of failure (a SQLSTATE, an
 * exception type), never a failure's message, which may hold a statement with event data or an address.
 *
 * <p>An outage is logged twice, whatever its length: when the component goes down (with why) and when it is ready
 * again (with how long it was not). Thread-safe.
 */
public final class Readiness {
    private static final Logger log = LoggerFactory.getLogger(Readiness.class);

    private final Map<String, Component> components = new ConcurrentSkipListMap<>();
    private final Time time;

    public Readiness() {
        this(Time.SYSTEM);
    }

    public Readiness(Time time) {
        this.time = Objects.requireNonNull(time, "time");
    }

    /** The component of that name, made ready on first use. */
    public Component component(String name) {
        return components.computeIfAbsent(name, n -> new Component(n, time));
    }

    /** Every component made so far, by name. */
    public List<Component> components() {
        return List.copyOf(components.values());
    }

    /** True while every component is ready. */
    public boolean ready() {
        return components.values().stream().allMatch(Component::ready);
    }

    /** What is not ready, one line per component ("sink: PostgreSQL ..."); empty when ready. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Component c : components.values()) {
            String why = c.why();
            if (why != null) {
                problems.add(c.name() + ": " + why);
            }
        }
        return problems;
    }

    /** One part of the process; ready until a source marks it down. */
    public static final class Component {
        private final String name;
        private final Time time;
        private final Map<String, String> down = new ConcurrentHashMap<>();
        private long downSince; // guarded by this

        Component(String name, Time time) {
            this.name = name;
            this.time = time;
        }

        public String name() {
            return name;
        }

        /** {@code source} (a worker, a route) cannot work now, because of {@code why}; logged when the component goes down. */
        public synchronized void down(String source, String why) {
            boolean wasReady = down.isEmpty();
            down.put(source, why);
            if (wasReady) {
                downSince = time.nanoTime();
                log.warn("[{}] not ready: {} ({}); it keeps trying and resumes by itself", name, why, source);
            }
        }

        /** {@code source} works again; when it was the last one down, the end of the outage is logged. */
        public void up(String source) {
            if (down.isEmpty()) {
                return; // the common case, once per 202 or committed batch: no lock
            }
            upAfterOutage(source);
        }

        private synchronized void upAfterOutage(String source) {
            if (down.remove(source) != null && down.isEmpty()) {
                log.info("[{}] ready again after {} ms", name,
                        TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - downSince));
            }
        }

        public boolean ready() {
            return down.isEmpty();
        }

        /** Why it is not ready (one source's reason), or null when it is. */
        public String why() {
            return down.values().stream().findFirst().orElse(null);
        }
    }
}
