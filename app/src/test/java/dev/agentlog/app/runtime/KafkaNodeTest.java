package dev.agentlog.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaNodeTest {
    static final String THREE = "1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093";

    @Test
    void shouldGiveAClusterOfThreeThreeReplicasAndTwoInSync() {
        Properties props = KafkaBrokerProperties.of(Path.of("logs"), Path.of("meta"), 29092, 29093, 3,
                new KafkaNode(2, "127.0.0.1", THREE));

        assertThat(props).containsEntry("node.id", "2").containsEntry("controller.quorum.voters", THREE)
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("default.replication.factor", "3").containsEntry("min.insync.replicas", "2");
    }

    @Test
    void shouldKeepOneReplicaOnASingleNode() {
        Properties props = KafkaBrokerProperties.of(Path.of("logs"), Path.of("meta"), 9092, 9093, 3);

        assertThat(props).containsEntry("node.id", "1").containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1");
    }

    @Test
    void shouldRefuseANodeOutsideTheQuorumAndAVoterTwice() {
        assertThatThrownBy(() -> new KafkaNode(4, "127.0.0.1", THREE))
                .hasMessageContaining("node id 4 is not among the controller quorum voters");
        assertThatThrownBy(() -> KafkaNode.parse("1@h:1,1@h:2")).hasMessageContaining("node id 1 is twice");
        assertThatThrownBy(() -> KafkaNode.parse("1@h")).hasMessageContaining("must be id@host:port, was '1@h'");
    }
}
