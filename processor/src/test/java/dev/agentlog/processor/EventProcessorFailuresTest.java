package dev.agentlog.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which stream-thread failures the processor waits out (a new thread) and which stop it. */
class EventProcessorFailuresTest {
    @Test
    void shouldWaitOutKafkaTimeoutsAndMissingReplicasWrappedByStreams() {
        assertThat(EventProcessor.passing(new StreamsException("task timed out",
                new TimeoutException("Expiring 3 record(s): 120000 ms has passed")))).isTrue();
        assertThat(EventProcessor.passing(new StreamsException(new KafkaException("send failed",
                new NotEnoughReplicasException("2 < 3"))))).isTrue();
    }

    @Test
    void shouldStopOnARefusalOrAnythingElse() {
        assertThat(EventProcessor.passing(new StreamsException(new TimeoutException("x",
                new TopicAuthorizationException("no ACL"))))).isFalse();
        assertThat(EventProcessor.passing(new StreamsException(new IllegalStateException("a bug")))).isFalse();
    }
}
