package dev.agentlog.app.wiring;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.ingest.IngestHttpServer;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.EventProcessor;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.SinkWorker;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.time.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of agentlog in one process: any of ingest (HTTP), processor and sink, against
 * one Kafka and one PostgreSQL. `up` starts all three; `ingest`, `processor` and `sink` one each;
 * the end-to-end tests start it against the test broker and database. Closing stops the parts in
 * reverse order of start: first stop taking events, then finish processing, then finish writing.
 *
 * <p>Readiness: each part started is a component of the pipeline's {@link Readiness} ({@code sink},
 * {@code processor}, {@code ingest}), down while it waits out an outage of PostgreSQL or Kafka. Ingest's
 * {@code /readyz} answers for all of them; the gauge {@code agentlog.ready} (tag {@code component}) is 1 while a
 * component is ready, 0 while not.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final KafkaClients kafka;
    private final String bootstrapServers;
    private final Topics topics;
    private final MeterRegistry registry;
    private IngestHttpServer http;
    private EventCodec codec = EventCodec.standard();
    private EventProcessor processor;
    private final Readiness readiness = new Readiness();
    private Consumer<String> whenPartFailed = reason -> { };

    public Pipeline(String bootstrapServers, Topics topics, MeterRegistry registry) {
        this(KafkaClients.plain(bootstrapServers), topics, registry);
    }

    /** @param kafka where Kafka is and the client settings of every Kafka client the parts create */
    public Pipeline(KafkaClients kafka, Topics topics, MeterRegistry registry) {
        this.kafka = kafka;
        this.bootstrapServers = kafka.bootstrapServers();
        this.topics = topics;
        this.registry = registry;
    }

    /**
     * The codec of the parts started from now on: with encryption on (docs/privacy.md) ingest seals with it and the
     * sink opens with it. The plain codec by default.
     */
    public Pipeline withCodec(EventCodec value) {
        this.codec = java.util.Objects.requireNonNull(value, "codec");
        return this;
    }

    /**
     * Told, from the failing part's thread, when the processor or a sink worker stopped on a failure it cannot pass
     * (the rest of the pipeline would run on without it): set it before the parts start.
     */
    public Pipeline onPartFailed(Consumer<String> listener) {
        this.whenPartFailed = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Starts the sink workers first so that nothing waits on them; each runs on its own thread. */
    public Pipeline startSink(SinkSettings settings, DataSource dataSource, int workers) {
        return startSink(settings, dataSource, workers, null);
    }

    /**
     * @param groupInstanceId static group membership: worker i is {@code <id>-<i>}, so a restarted worker takes
     *     its partitions back at once instead of waiting for the session timeout and a rebalance; null for none
     */
    public Pipeline startSink(SinkSettings settings, DataSource dataSource, int workers, String groupInstanceId) {
        Readiness.Component sinkReadiness = component("sink");
        for (int i = 0; i < workers; i++) {
            Map<String, Object> properties = new java.util.HashMap<>(kafka.forGroupMember());
            if (groupInstanceId != null) {
                properties.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId + "-" + i);
            }
            SinkWorker worker = new SinkWorker(bootstrapServers, topics, settings, dataSource, registry, properties,
                    codec, sinkReadiness);
            Thread thread = new Thread(worker, "agentlog-sink-" + i);
            Consumer<String> failed = whenPartFailed;
            thread.setUncaughtExceptionHandler((t, e) -> {
                log.error("[sink] worker {} stopped", t.getName(), e);
                failed.accept("the sink worker " + t.getName() + " stopped (" + e.getMessage() + ")");
            });
            thread.start();
            started.push(() -> {
                worker.close();
                thread.join(30_000);
            });
        }
        return this;
    }

    public Pipeline startProcessor(ProcessorSettings settings) {
        processor = new EventProcessor(bootstrapServers, topics, settings, registry, kafka.forGroupMember(),
                component("processor")).whenFailed(whenPartFailed);
        started.push(processor);
        processor.start();
        return this;
    }

    /**
     * Waits until the processor's first rebalance is over and it is processing, so that "up" means events
     * posted now flow through at once (a first start initializes transactions and can take several seconds).
     */
    public Pipeline awaitProcessorRunning(Duration timeout) throws InterruptedException {
        boolean running = Poll.every(Duration.ofMillis(50)).until(timeout, () -> {
            if (processor.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!processor.isRunning()) {
                throw new IllegalStateException("the processor stopped while starting: " + processor.state());
            }
            return false;
        });
        if (!running) {
            throw new IllegalStateException("the processor is not running after " + timeout.toSeconds()
                    + " s (state " + processor.state() + "); is Kafka reachable?");
        }
        return this;
    }

    /** Starts the HTTP API; {@code routes} lets the caller add more routes before it listens. */
    public Pipeline startIngest(IngestSettings settings, Supplier<String> metricsScrape, KafkaReadiness readiness,
            Consumer<IngestHttpServer> routes) {
        EventPublisher publisher = new EventPublisher(bootstrapServers, topics, settings.publisherSettings(),
                kafka.common()).sealingWith(codec::seal);
        started.push(publisher);
        component(IngestHttpServer.READINESS_COMPONENT);
        http = new IngestHttpServer(settings, publisher, codec, registry, metricsScrape, readiness, this.readiness);
        routes.accept(http);
        started.push(http);
        http.start();
        return this;
    }

    /** Whether each part started can work now (what {@code /readyz} answers from, beside Kafka's reachability). */
    public Readiness readiness() {
        return readiness;
    }

    /** The part's readiness component, with its {@code agentlog.ready} gauge. */
    private Readiness.Component component(String name) {
        return Metrics.readiness(registry, readiness, name);
    }

    /** The HTTP port actually bound (useful with port 0). */
    public int httpPort() {
        if (http == null) {
            throw new IllegalStateException("ingest is not running in this process");
        }
        return http.port();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("error while stopping {}", part, e);
            }
        }
    }
}
