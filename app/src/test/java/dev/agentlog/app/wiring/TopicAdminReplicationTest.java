package dev.agentlog.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicAdminReplicationTest {
    @Test
    void shouldKeepThreeReplicasFromThreeBrokersWhateverIsAsked() {
        assertThat(TopicAdmin.replicationFactor((short) 1, 1)).isEqualTo((short) 1);
        assertThat(TopicAdmin.replicationFactor((short) 2, 2)).isEqualTo((short) 2);
        assertThat(TopicAdmin.replicationFactor((short) 1, 3)).isEqualTo((short) 3);
        assertThat(TopicAdmin.replicationFactor((short) 5, 6)).isEqualTo((short) 5);
    }
}
