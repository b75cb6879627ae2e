package dev.agentlog.app.wiring;

import dev.agentlog.support.health.Readiness;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** One Prometheus registry per process, with the JVM's own meters. */
public final class Metrics {
    private Metrics() {}

    public static PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    /**
     * The component {@code name} of {@code readiness}, with its gauge {@code agentlog.ready} (tag {@code component}):
     * 1 while the part can work, 0 while it waits out an outage of PostgreSQL or Kafka, or stopped.
     */
    public static Readiness.Component readiness(MeterRegistry registry, Readiness readiness, String name) {
        Readiness.Component component = readiness.component(name);
        Gauge.builder("agentlog.ready", component, c -> c.ready() ? 1 : 0).tag("component", name)
                .description("1 while the part can work, 0 while it waits out an outage (PostgreSQL or Kafka) or stopped")
                .register(registry);
        return component;
    }
}
