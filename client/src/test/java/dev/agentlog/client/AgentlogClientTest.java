package dev.agentlog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Event;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.KeysUnavailableException;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.Violation;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AgentlogClientTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-11-24T10:00:00Z");
    /** A real client pointed at a closed port: anything that reaches Kafka fails as unavailable. */
    private static AgentlogClient client;

    @BeforeAll
    static void startClient() {
        client = AgentlogClient.builder().bootstrapServers(UnreachableKafka.address()).topicPrefix("agentlog")
                .publishTimeoutMs(500).maxEventBytes(2048).build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    private static Event messageWithoutId() {
        MessageCreated payload = new MessageCreated(null, "user", null, null, null, null, null, null, null, null, null,
                null, Map.of());
        return Event.of("e-1", "agent-1", AT, payload);
    }

    @Test
    void shouldRefuseAnIllegalTenantWhenBuilt() {
        assertThatThrownBy(() -> AgentlogClient.builder().bootstrapServers(UnreachableKafka.address())
                .tenant("acme corp").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant must be made of [A-Za-z0-9._-] only");
    }

    @Test
    void shouldRefuseAnInvalidEventAtTheCallerWithFieldAndRule() {
        assertThatThrownBy(() -> client.send(messageWithoutId()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("payload.message_id: is required")
                .satisfies(e -> assertThat(((InvalidEventException) e).violations())
                        .containsExactly(new Violation("payload.message_id", RuleCode.REQUIRED, "is required")));
    }

    @Test
    void shouldRefuseAnInvalidEventOfABatchWithItsIndexAndSendNone() {
        Event valid = Event.of("e-0", "agent-1", AT, new MessageDeleted("message-0", Map.of()));

        assertThatThrownBy(() -> client.sendAll(List.of(valid, messageWithoutId())))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("[1].payload.message_id: is required");
    }

    @Test
    void shouldRefuseAnEventOverTheSizeLimitAtTheCaller() {
        Event big = Event.of("e-big", "agent-1", AT, new MessageDeleted("m".repeat(3000), Map.of()));

        assertThatThrownBy(() -> client.send(big))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("$: is ")
                .hasMessageContaining("over the limit of 2048 bytes");
    }

    @Test
    void shouldThrowKafkaUnavailableFromSendAndWaitWhenNoBrokerAnswers() {
        Event valid = Event.of("e-2", "agent-1", AT, new MessageDeleted("message-2", Map.of()));

        assertThatThrownBy(() -> client.sendAndWait(valid))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("event e-2")
                .satisfies(e -> assertThat(((KafkaUnavailableException) e).eventId()).isEqualTo("e-2"));
    }

    @Test
    void shouldRequireBootstrapServers() {
        assertThatThrownBy(() -> AgentlogClient.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers is required");
    }

    @Test
    void shouldSealBeforeSendingAndFailWithoutSendingWhenTheKeysCannotBeReadOrTheSubjectIsErased() throws Exception {
        Event valid = Event.of("e-3", "agent-3", AT, new MessageDeleted("message-3", Map.of()));
        List<String> sealed = new java.util.ArrayList<>();
        try (AgentlogClient unreadable = AgentlogClient.builder().bootstrapServers(UnreachableKafka.address())
                .publishTimeoutMs(500).sealingWith(e -> {
                    sealed.add(e.eventId());
                    throw new KeysUnavailableException("the key store is away", null);
                }).build();
             AgentlogClient erased = AgentlogClient.builder().bootstrapServers(UnreachableKafka.address())
                .publishTimeoutMs(500).sealingWith(e -> {
                    throw new InvalidEventException("stream_id", RuleCode.NOT_ALLOWED, "agent-3 was erased");
                }).build()) {
            assertThatThrownBy(() -> unreadable.sendAndWait(valid)).isInstanceOf(SealingUnavailableException.class)
                    .hasMessageContaining("event e-3 was not sent");
            List<CompletableFuture<RecordMetadata>> batch = unreadable.sendAll(List.of(valid,
                    Event.of("e-4", "agent-4", AT, new MessageDeleted("message-4", Map.of()))));
            assertThat(batch).allSatisfy(f -> assertThatThrownBy(f::join).hasCauseInstanceOf(
                    SealingUnavailableException.class));
            assertThat(sealed).containsExactly("e-3", "e-3"); // the batch stopped at its first event's outage
            assertThatThrownBy(() -> erased.sendAndWait(valid)).isInstanceOf(PublishException.class)
                    .hasMessageContaining("stream_id").hasMessageContaining("agent-3 was erased");
        }
    }
}
