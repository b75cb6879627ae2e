package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

/** The worker without a broker: its consumer settings and its lifecycle (the app's tests run it against Kafka). */
class SinkWorkerTest {
    /** Nothing listens here: the clients are built but never get a connection. */
    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void shouldConsumeCommittedRecordsOnlyWithOffsetsInPostgresAndOneBatchPerPoll() {
        Properties props = SinkWorker.consumerProperties(NO_BROKER, SinkSettings.defaults().withBatchMaxEvents(500),
                Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "mine", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true));

        assertThat(props)
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "agentlog-sink")
                .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        CooperativeStickyAssignor.class.getName())
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "mine");
    }

    @Test
    void shouldStopPromptlyWhenClosedWhileWaitingForABroker() throws Exception {
        SinkWorker worker = new SinkWorker(NO_BROKER, Topics.DEFAULT, SinkSettings.defaults()
                .withSchema(TestPostgres.freshSchema("worker")), TestPostgres.dataSource(), new SimpleMeterRegistry());
        CompletableFuture<Void> running = CompletableFuture.runAsync(worker);

        worker.close();

        running.get(30, TimeUnit.SECONDS);
        assertThat(worker.failure()).isNull();
    }

    @Test
    void shouldNotRunAfterItWasClosed() {
        SinkWorker worker = new SinkWorker(NO_BROKER, Topics.DEFAULT, SinkSettings.defaults(),
                TestPostgres.dataSource(), new SimpleMeterRegistry());
        worker.close();

        worker.run();

        assertThat(worker.failure()).isNull();
    }
}
