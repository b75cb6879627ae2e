package dev.agentlog.app.wiring;

import dev.agentlog.support.time.Time;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers /readyz: is Kafka reachable now? The answer is cached for a second so that a load balancer
 * polling readiness does not turn into a metadata storm.
 */
public final class KafkaReadiness implements BooleanSupplier, AutoCloseable {
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final Admin admin;
    private final Time time = Time.SYSTEM;
    private volatile long checkedAt;
    private volatile boolean ready;

    public KafkaReadiness(String bootstrapServers) {
        this(KafkaClients.plain(bootstrapServers));
    }

    public KafkaReadiness(KafkaClients kafka) {
        Properties props = new Properties();
        props.putAll(kafka.common());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // Readiness must answer fast: a broker that does not answer in 2 s is not ready.
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        this.admin = Admin.create(props);
    }

    @Override
    public synchronized boolean getAsBoolean() {
        long now = time.nanoTime();
        if (checkedAt != 0 && now - checkedAt < CACHE_NANOS) {
            return ready;
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(2, TimeUnit.SECONDS);
            ready = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = false;
        } catch (Exception e) {
            ready = false;
        }
        checkedAt = time.nanoTime();
        return ready;
    }

    @Override
    public void close() {
        admin.close();
    }
}
