package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Values no PostgreSQL column can hold, refused at the codec with their path (issue 19: a NUL or a lone
 * surrogate was accepted and then failed in the sink), and documents nested deeper than the parser allows.
 */
class StorableJsonTest {
    private final EventCodec codec = EventCodec.standard();

    private List<String> violationsOf(String json) {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> codec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("expected a refusal of " + json).isNotNull();
        return e.violations().stream().map(Violation::toString).toList();
    }

    /** The event's JSON text with the payload spliced in as written: escapes stay escapes, depth is not parsed. */
    private static String agentUpdate(String payload) {
        return SampleEvents.event(EventType.AGENT_UPDATED, "{}").toString().replace("\"payload\":{}", "\"payload\":" + payload);
    }

    @Test
    void shouldRefuseNulInAValueAFieldNameAndAnEnvelopeField() {
        assertThat(violationsOf(agentUpdate("{\"name\":\"a\\u0000b\"}")))
                .containsExactly("payload.name: must not contain U+0000 (NUL), at character 1");
        assertThat(violationsOf(agentUpdate("{\"metadata\":{\"k\\u0000\":1}}")))
                .containsExactly("payload.metadata.k\u0000: has a field name that must not contain U+0000 (NUL), at character 1");
        assertThat(violationsOf(SampleEvents.event(EventType.AGENT_DELETED, "{}").put("actor", "\u0000").toString()))
                .containsExactly("actor: must not contain U+0000 (NUL), at character 0");
    }

    @Test
    void shouldRefuseLoneSurrogatesButTakePairs() throws Exception {
        assertThat(violationsOf(agentUpdate("{\"metadata\":{\"list\":[\"ok\",\"x\\ud800\"]}}")))
                .containsExactly("payload.metadata.list[1]: must be valid Unicode: a lone surrogate U+D800 at character 1");
        assertThat(violationsOf(agentUpdate("{\"name\":\"\\udc00\"}")))
                .containsExactly("payload.name: must be valid Unicode: a lone surrogate U+DC00 at character 0");

        Event pair = codec.decode(agentUpdate("{\"name\":\"tea \\ud83c\\udf75\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(((AgentUpdated) pair.payload()).name()).isEqualTo("tea \uD83C\uDF75");
    }

    @Test
    void shouldRefuseNumbersOutsidePostgresNumericRange() throws Exception {
        assertThat(violationsOf(agentUpdate("{\"metadata\":{\"big\":1e999999999}}")))
                .containsExactly("payload.metadata.big: is a number out of range: at most 131072 digits before the decimal "
                        + "point and 16383 after it");
        assertThat(violationsOf(agentUpdate("{\"metadata\":{\"small\":1e-20000}}"))).hasSize(1);

        codec.decode(agentUpdate("{\"metadata\":{\"fine\":1.5e300,\"tiny\":1e-300}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseInvalidUtf8WithTheParserReason() {
        byte[] json = agentUpdate("{\"name\":\"ab\"}").getBytes(StandardCharsets.UTF_8);
        byte[] broken = new String(json, StandardCharsets.ISO_8859_1).replace("\"ab\"", "\"a\u00ffb\"")
                .getBytes(StandardCharsets.ISO_8859_1);

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> codec.decode(broken));

        assertThat(e.violations()).extracting(Violation::toString).singleElement().asString()
                .startsWith("$: is not valid JSON: Invalid UTF-8");
    }

    @Property(tries = 30)
    void shouldRefuseDocumentsNestedDeeperThanTheLimitAndTakeThoseWithin(@ForAll @IntRange(min = 1, max = 5000) int depth) {
        String nested = "[".repeat(depth) + "]".repeat(depth);
        String json = agentUpdate("{\"metadata\":{\"deep\":" + nested + "}}");
        // envelope, payload and metadata are three levels already
        boolean tooDeep = depth + 3 > EventCodec.MAX_NESTING_DEPTH;

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> codec.decode(json.getBytes(StandardCharsets.UTF_8)));

        if (tooDeep) {
            assertThat(e.violations()).extracting(Violation::toString)
                    .containsExactly("$: nests arrays and objects more than 100 levels deep");
        } else {
            assertThat(e).isNull();
        }
    }
}
