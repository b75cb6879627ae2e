package dev.agentlog.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.support.retry.FailureClass;
import dev.agentlog.support.retry.Retry;
import dev.agentlog.support.retry.RetryPolicy;
import dev.agentlog.support.time.ManualTime;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaFailuresTest {
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new TimeoutException("Topic t not present in metadata after 500 ms."), FailureClass.RETRIABLE),
                Arguments.of(new NotEnoughReplicasException("too few in-sync replicas"), FailureClass.RETRIABLE),
                Arguments.of(new NotLeaderOrFollowerException("leader moved"), FailureClass.RETRIABLE),
                Arguments.of(new NetworkException("disconnected"), FailureClass.RETRIABLE),
                Arguments.of(new UnknownTopicOrPartitionException("not yet"), FailureClass.RETRIABLE),
                Arguments.of(new java.util.concurrent.TimeoutException("no ack in 150 s"), FailureClass.RETRIABLE),
                Arguments.of(new InterruptException(new InterruptedException()), FailureClass.RETRIABLE),
                Arguments.of(new ExecutionException(new NotEnoughReplicasException("x")), FailureClass.RETRIABLE),
                Arguments.of(new CompletionException(new ExecutionException(new NetworkException("x"))), FailureClass.RETRIABLE),
                Arguments.of(new RecordTooLargeException("2 MB"), FailureClass.POISON),
                Arguments.of(new TopicAuthorizationException(Set.of("agentlog.events.dlq")), FailureClass.FATAL),
                Arguments.of(new ClusterAuthorizationException("no IdempotentWrite"), FailureClass.FATAL),
                Arguments.of(new SaslAuthenticationException("bad password"), FailureClass.FATAL),
                Arguments.of(new SslAuthenticationException("PKIX path building failed"), FailureClass.FATAL),
                Arguments.of(new KafkaException("metadata", new TopicAuthorizationException(Set.of("t"))), FailureClass.FATAL),
                Arguments.of(new IllegalStateException("a bug"), FailureClass.FATAL));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void shouldClassifyByExceptionType(Throwable failure, FailureClass expected) {
        assertThat(KafkaFailures.classify(failure)).isEqualTo(expected);
    }

    @Test
    void shouldNeverReadTheMessage() {
        // what a closing producer throws: its owner knows it is closing, the text means nothing here
        assertThat(KafkaFailures.classify(new KafkaException("Producer is closed forcefully."))).isEqualTo(FailureClass.FATAL);
        assertThat(KafkaFailures.classify(new IllegalStateException("Cannot perform operation after producer has been closed")))
                .isEqualTo(FailureClass.FATAL);
        assertThat(KafkaFailures.classify(new KafkaException("timeout, retriable, not authorized")))
                .isEqualTo(FailureClass.FATAL);
    }

    @Test
    void shouldNameARefusalOfAgentlogItselfAndWhatToDo() {
        KafkaException wrapped = new KafkaException("send failed", new TopicAuthorizationException(Set.of("agentlog.events.dlq")));

        assertThat(KafkaFailures.refusal(wrapped)).hasValueSatisfying(refusal -> {
            assertThat(refusal.access()).isEqualTo(KafkaFailures.Access.AUTHORIZATION);
            assertThat(refusal.cause()).isSameAs(wrapped.getCause());
        });
        assertThat(KafkaFailures.refusal(new SaslAuthenticationException("x")))
                .map(KafkaFailures.Refusal::access).contains(KafkaFailures.Access.AUTHENTICATION);
        assertThat(KafkaFailures.refusal(new SslAuthenticationException("x")))
                .map(KafkaFailures.Refusal::access).contains(KafkaFailures.Access.TLS_HANDSHAKE);
        assertThat(KafkaFailures.refusal(new NetworkException("x"))).isEmpty();
        assertThat(KafkaFailures.describe(new ExecutionException(wrapped)))
                .startsWith("Kafka does not allow it (TopicAuthorizationException: Not authorized to access topics:")
                .contains("grant agentlog's user the ACLs of docs/kafka.md")
                .endsWith("no retry will pass before that");
        assertThat(KafkaFailures.describe(new ExecutionException(new NetworkException("disconnected"))))
                .isEqualTo("NetworkException: disconnected");
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void shouldRetryALostConnectionButNeverAnAuthorizationFailure() throws Exception {
        ManualTime time = new ManualTime();
        Retry retry = Retry.of("[test]", RetryPolicy.attempts(5, 100, 1_000)).with(time, time);
        int[] calls = {0};

        String sent = retry.run("sending", KafkaFailures.CLASSIFIER, () -> {
            if (++calls[0] < 3) {
                throw new ExecutionException(new NetworkException("disconnected"));
            }
            return "acknowledged";
        });
        assertThat(sent).isEqualTo("acknowledged");
        assertThat(time.sleeps()).hasSize(2);

        ExecutionException refused = new ExecutionException(new TopicAuthorizationException(Set.of("t")));
        assertThatThrownBy(() -> retry.run("sending", KafkaFailures.CLASSIFIER, () -> {
            throw refused;
        })).isSameAs(refused);
        assertThat(time.sleeps()).as("no back-off after the refusal").hasSize(2);
    }
}
