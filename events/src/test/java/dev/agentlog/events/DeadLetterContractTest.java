package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The dead-letter contract: reasons from rule codes, never from words, and one way to write the headers. */
class DeadLetterContractTest {
    private static final EventCodec CODEC = EventCodec.standard();

    @Test
    void shouldGiveAnUnknownTypeItsReasonBeforeAnyOtherBrokenRule() {
        InvalidEventException e = refused("{\"type\":\"x.y\",\"schema_version\":9}");

        assertThat(e.codes()).contains(RuleCode.REQUIRED, RuleCode.UNKNOWN_TYPE);
        assertThat(DeadLetterReason.of(e)).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
    }

    @Test
    void shouldGiveAVersionThisBuildCannotReadItsReasonAndTheRestInvalid() {
        String newer = "{\"event_id\":\"e\",\"type\":\"agent.created\",\"schema_version\":9,\"stream_id\":\"agent-1\","
                + "\"occurred_at\":\"2026-12-06T10:00:00Z\",\"payload\":{}}";
        assertThat(DeadLetterReason.of(refused(newer))).isEqualTo(DeadLetterReason.UNSUPPORTED_VERSION);
        assertThat(DeadLetterReason.of(refused(newer.replace("\"schema_version\":9", "\"schema_version\":99999999999"))))
                .isEqualTo(DeadLetterReason.UNSUPPORTED_VERSION);
        assertThat(DeadLetterReason.of(refused(newer.replace("\"schema_version\":9", "\"schema_version\":0"))))
                .isEqualTo(DeadLetterReason.INVALID);
        assertThat(DeadLetterReason.of(refused("{not json"))).isEqualTo(DeadLetterReason.INVALID);
    }

    @Test
    void shouldDecideTheReasonByCodeWhateverTheWords() {
        // the words of a rule may change freely: only its code classifies it
        InvalidEventException reworded = new InvalidEventException(List.of(
                new Violation("type", RuleCode.UNKNOWN_TYPE, "is not a type we know"),
                new Violation("schema_version", RuleCode.UNSUPPORTED_VERSION, "unknown event type")));
        InvalidEventException misleading = new InvalidEventException("schema_version", RuleCode.OUT_OF_RANGE,
                "is newer than the newest known");

        assertThat(DeadLetterReason.of(reworded)).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
        assertThat(DeadLetterReason.of(misleading)).isEqualTo(DeadLetterReason.INVALID);
    }

    @Test
    void shouldTellNestingTooDeepFromOtherParserLimitsByCodeAndDepth() {
        InvalidEventException deep = refused("[".repeat(EventCodec.MAX_NESTING_DEPTH + 1)
                + "]".repeat(EventCodec.MAX_NESTING_DEPTH + 1));
        InvalidEventException longNumber = refused("{\"n\":" + "9".repeat(2_000) + "}");

        assertThat(deep.violations()).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(RuleCode.TOO_LARGE);
            assertThat(v.rule()).isEqualTo("nests arrays and objects more than 100 levels deep");
        });
        assertThat(longNumber.violations()).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(RuleCode.TOO_LARGE);
            assertThat(v.rule()).startsWith("holds a value larger than the parser allows");
        });
    }

    @Test
    void shouldCodeTheBrokenRulesOfConversationFileAndLinkPayloadsAsOfEveryOther() {
        String envelope = "{\"event_id\":\"e\",\"type\":\"%s\",\"schema_version\":1,\"stream_id\":\"agent-1\","
                + "\"occurred_at\":\"2026-12-06T10:00:00Z\",\"payload\":%s}";

        assertThat(refused(envelope.formatted("conversation.created", "{\"summary\":\"s\"}")).violations())
                .containsExactly(new Violation("payload.conversation_id", RuleCode.REQUIRED, "is required"));
        assertThat(refused(envelope.formatted("conversation.message.added", "{\"conversation_message_id\":\"cm\","
                + "\"conversation_id\":\"c\",\"message_id\":\"m\",\"position\":\"first\"}")).codes())
                .containsExactly(RuleCode.WRONG_TYPE);
        assertThat(refused(envelope.formatted("file.attached", "{\"file_agent_id\":\"fa\",\"file_id\":\"f\","
                + "\"last_accessed_at\":\"yesterday\"}")).codes()).containsExactly(RuleCode.NOT_A_TIMESTAMP);
        InvalidEventException emptyTool = refused(envelope.formatted("tool.attached", "{\"tool_id\":\"\"}"));
        assertThat(emptyTool.codes()).containsExactly(RuleCode.EMPTY);
        assertThat(DeadLetterReason.of(emptyTool)).isEqualTo(DeadLetterReason.INVALID);
    }

    @Test
    void shouldKeepEveryWireNameDistinct() {
        assertThat(Arrays.stream(RuleCode.values()).map(RuleCode::wireName)).doesNotHaveDuplicates()
                .allMatch(name -> name.matches("[a-z_]+"));
        assertThat(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::wireName)).doesNotHaveDuplicates();
        for (RuleCode code : RuleCode.values()) {
            assertThat(RuleCode.fromWireName(code.wireName())).contains(code);
        }
    }

    @Test
    void shouldWriteTheHeadersAsUtf8TextKeepingTheRecordsOwnAndDroppingAnEarlierRefusals() {
        Headers own = new RecordHeaders();
        own.add("traceparent", utf8("00-abc"));
        own.add(DeadLetterHeaders.RULE_CODES, utf8("stale")); // from an earlier refusal of a replayed record
        own.add(DeadLetterHeaders.REASON, utf8("gap"));
        Refusal refusal = Refusal.of(refused("{\"event_id\":1}"));

        Headers headers = DeadLetterHeaders.of(own, refusal, new RecordPosition("agentlog.events.in", 2, 40),
                Instant.parse("2026-12-06T10:00:00.5Z"), RefusedBy.PROCESSOR);

        assertThat(names(headers)).containsExactly("traceparent", DeadLetterHeaders.REASON, DeadLetterHeaders.RULE,
                DeadLetterHeaders.RULE_CODES, DeadLetterHeaders.SOURCE_TOPIC, DeadLetterHeaders.SOURCE_PARTITION,
                DeadLetterHeaders.SOURCE_OFFSET, DeadLetterHeaders.REFUSED_AT, DeadLetterHeaders.REFUSED_BY);
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.REASON)).isEqualTo("invalid");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.RULE)).isEqualTo(refusal.rule());
        assertThat(DeadLetterHeaders.ruleCodes(headers)).containsExactly("wrong_type", "required");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.REFUSED_AT)).isEqualTo("2026-12-06T10:00:00.5Z");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.REFUSED_BY)).isEqualTo("processor");
        assertThat(DeadLetterHeaders.get(own, DeadLetterHeaders.REASON)).as("the original is not changed").isEqualTo("gap");
    }

    @Test
    void shouldNameNoSourceForARecordOfUnknownOriginAndNoCodesForAReasonThatIsNoBrokenRule() {
        Headers headers = DeadLetterHeaders.of(null, Refusal.of(DeadLetterReason.GAP, null), RecordPosition.UNKNOWN,
                Instant.EPOCH, RefusedBy.PROCESSOR);

        assertThat(names(headers)).containsExactly(DeadLetterHeaders.REASON, DeadLetterHeaders.RULE,
                DeadLetterHeaders.REFUSED_AT, DeadLetterHeaders.REFUSED_BY);
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.RULE)).isEqualTo("(no rule given)");
        assertThat(DeadLetterHeaders.ruleCodes(headers)).isEmpty();
    }

    @Test
    void shouldNameTheElementOfAListInAViolationKeepingItsCode() {
        Violation whole = new Violation("$", RuleCode.NOT_JSON, "is not valid JSON");
        Violation field = new Violation("payload.label", RuleCode.WRONG_TYPE, "must be a string");

        assertThat(whole.inElement(3)).isEqualTo(new Violation("[3]", RuleCode.NOT_JSON, "is not valid JSON"));
        assertThat(field.inElement(3)).isEqualTo(new Violation("[3].payload.label", RuleCode.WRONG_TYPE,
                "must be a string"));
        assertThatThrownBy(() -> new Violation("x", null, "y")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldEncodeOnceAndReadBackWhatItSends() throws Exception {
        Event event = CODEC.decode(utf8("{\"event_id\":\"e-1\",\"type\":\"block.attached\",\"schema_version\":1,"
                + "\"stream_id\":\"agent-1\",\"occurred_at\":\"2026-12-06T10:00:00Z\",\"payload\":{\"block_id\":\"b\"}}"));

        EncodedEvent encoded = CODEC.encodeChecked(event);

        assertThat(encoded.bytes()).isEqualTo(CODEC.encode(event));
        assertThat(encoded.event()).isEqualTo(event);
    }

    private static InvalidEventException refused(String json) {
        try {
            CODEC.decode(utf8(json));
        } catch (InvalidEventException e) {
            return e;
        }
        throw new AssertionError("the codec takes " + json);
    }

    private static List<String> names(Headers headers) {
        return Arrays.stream(headers.toArray()).map(Header::key).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
