package dev.agentlog.app.cli;

import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.MetricsHttpServer;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.ingest.IngestSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** One processor instance; instances with the same --application-id share the partitions. */
@Command(name = "processor", mixinStandardHelpOptions = true,
        description = "Run the Kafka Streams processor alone: <prefix>.events.in -> <prefix>.events (+ .dlq).")
public final class ProcessorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = KafkaOptions.required();
    final ProcessorOptions processor = new ProcessorOptions();
    final DataDirOptions data = new DataDirOptions();
    final MetricsOptions metrics = new MetricsOptions();

    @Override
    public Integer call() throws Exception {
        KafkaClients clients = kafka.clients();
        var settings = processor.settings(data.dataDir(), kafka.replicationFactor());
        TopicAdmin.ensureTopics(clients, kafka.topics(), kafka.partitions(), kafka.replicationFactor(),
                TimeUnit.DAYS.toMillis(7), IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        try (Running running = new Running()) {
            PrometheusMeterRegistry registry = Metrics.prometheus();
            if (metrics.enabled()) {
                running.add(new MetricsHttpServer(metrics.host(), metrics.port(), registry::scrape));
            }
            running.add(new Pipeline(clients, kafka.topics(), registry)).onPartFailed(running::fail).startProcessor(settings);
            spec.commandLine().getOut().println("processor " + settings.applicationId() + " running against " + clients.bootstrapServers());
            spec.commandLine().getOut().flush();
            return running.awaitStop();
        }
    }
}
