package dev.agentlog.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The processor's byte-level stream_seq ({@link StreamSeqSplice}) against what it replaces, a full decode and encode:
 * for arbitrary events (every envelope field, stream_seq absent, null or set, unknown payload fields of any shape,
 * unicode, escapes, control characters, any whitespace and field order, an old schema_version, a stream_seq given
 * twice, escaped field names) the value of record decodes to the event decoded from the input with that stream_seq,
 * and to what decoding the old path's bytes gives. The fast path is taken exactly when the text is the simple case.
 * jqwik prints the seed of a failing try; the generator draws everything from it.
 */
class StreamSeqSplicePropertyTest {
    private static final EventCodec CODEC = EventCodec.standard();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final String[] WHITESPACE = {"", "", " ", "\n", "\t", "\r\n  "};
    /** Letters a name or text is drawn from: ASCII, JSON's specials, control characters, accents, CJK, an emoji. */
    private static final String[] PIECES = {"a", "b", "Z", "0", "_", "-", " ", ".", "\"", "\\", "/", "\n", "\t", "\u0001",
            "\u001f", "é", "ß", "日本", "\u2028", "😀", "{", "}", "[", "]", ",", ":", "stream_seq", "\\u0000"};

    @Property(tries = 2000)
    void valueOfRecordDecodesToTheInputWithItsPosition(@ForAll long seed,
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long position) throws Exception {
        Random random = new Random(seed);
        Generated generated = generate(random);
        byte[] input = generated.json().getBytes(StandardCharsets.UTF_8);
        Event decoded = CODEC.decode(input);

        byte[] ofRecord = StreamSeqSplice.valueOfRecord(CODEC, decoded, input, position);
        byte[] spliced = StreamSeqSplice.withStreamSeq(input, decoded.type().currentVersion(), position);

        Event expected = decoded.withStreamSeq(position);
        Event oldPath = CODEC.decode(CODEC.encode(expected));
        assertThat(CODEC.toJson(CODEC.decode(ofRecord))).as(generated.json()).isEqualTo(CODEC.toJson(expected))
                .isEqualTo(CODEC.toJson(oldPath));
        assertThat(spliced != null).as("fast path for " + generated.json()).isEqualTo(generated.simple());
    }

    @Example
    void shouldReplaceAStreamSeqInPlaceAndKeepEveryOtherByte() {
        String json = "{ \"event_id\" : \"e-1\", \"stream_seq\" :  7 ,\"x\":1}";

        byte[] out = StreamSeqSplice.withStreamSeq(withVersion(json), 1, 12);

        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"schema_version\":1,\"stream_id\":\"s\", \"event_id\" : \"e-1\", \"stream_seq\" :  12 ,\"x\":1}");
    }

    @Example
    void shouldInsertAMissingStreamSeqAfterTheStreamId() {
        byte[] out = StreamSeqSplice.withStreamSeq(
                "{\"schema_version\":1,\"stream_id\":\"a\\\"b\" ,\"payload\":{\"stream_seq\":1}}".getBytes(StandardCharsets.UTF_8),
                1, 3);

        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"schema_version\":1,\"stream_id\":\"a\\\"b\",\"stream_seq\":3 ,\"payload\":{\"stream_seq\":1}}");
    }

    @Example
    void shouldLeaveToTheEncoderWhatIsNotTheSimpleCase() {
        for (String json : List.of(
                "{\"schema_version\":1,\"stream_id\":\"s\",\"stream\\u005fseq\":1}", // an escaped name
                "{\"schema_version\":1,\"stream_id\":\"s\",\"stream_seq\":1,\"stream_seq\":2}", // twice
                "{\"schema_version\":2,\"stream_id\":\"s\"}", // another version: upcast
                "{\"schema_version\":1,\"schema_version\":1,\"stream_id\":\"s\"}",
                "\uFEFF{\"schema_version\":1,\"stream_id\":\"s\"}", // a byte-order mark
                "{\"schema_version\":1}", // no stream_id
                "{\"schema_version\":1,\"stream_id\":\"s\"} x", "[1]", "", "{}", "{\"schema_version\":1,\"stream_id\":\"s\"")) {
            assertThat(StreamSeqSplice.withStreamSeq(json.getBytes(StandardCharsets.UTF_8), 1, 5)).as(json).isNull();
        }
    }

    private static byte[] withVersion(String json) {
        return json.replaceFirst("\\{", "{\"schema_version\":1,\"stream_id\":\"s\",").getBytes(StandardCharsets.UTF_8);
    }

    /** An event's JSON text, and whether it is the simple case the splice handles itself. */
    record Generated(String json, boolean simple) {}

    private static Generated generate(Random random) throws InvalidEventException {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        int kind = random.nextInt(4);
        boolean oldVersion = kind == 3 && random.nextBoolean();
        String type = switch (kind) {
            case 0 -> "block.attached";
            case 1 -> "row.changed";
            case 2 -> "agent.updated";
            default -> "message.created";
        };
        int version = kind == 3 ? (oldVersion ? 1 : 2) : 1;
        fields.add(Map.entry("event_id", NODES.textNode(text(random, 1, 12))));
        fields.add(Map.entry("type", NODES.textNode(type)));
        fields.add(Map.entry("schema_version", NODES.numberNode(version)));
        fields.add(Map.entry("stream_id", NODES.textNode(text(random, 1, 12))));
        switch (random.nextInt(3)) {
            case 0 -> fields.add(Map.entry("stream_seq", NODES.numberNode(1 + (random.nextLong() >>> 1) % Long.MAX_VALUE)));
            case 1 -> fields.add(Map.entry("stream_seq", NODES.nullNode()));
            default -> { } // absent: the processor assigns it
        }
        fields.add(Map.entry("occurred_at", NODES.textNode(timestamp(random))));
        for (String optional : List.of("agent_id", "organization_id", "source", "actor")) {
            if (random.nextInt(3) == 0) {
                fields.add(Map.entry(optional, random.nextInt(4) == 0 ? NODES.nullNode() : NODES.textNode(text(random, 0, 8))));
            }
        }
        if (random.nextInt(3) == 0) {
            fields.add(Map.entry("tenant", NODES.textNode("t-" + random.nextInt(1000))));
        }
        fields.add(Map.entry("payload", payload(random, kind, oldVersion)));
        Collections.shuffle(fields, random);
        boolean twice = random.nextInt(10) == 0 && fields.stream().anyMatch(f -> f.getKey().equals("stream_seq"));
        if (twice) {
            // Jackson keeps the last: only a full decode knows which one counts
            fields.add(Map.entry("stream_seq", NODES.numberNode(1 + random.nextInt(1000))));
        }
        Writer writer = new Writer(random, random.nextInt(8) == 0);
        String json = writer.topLevel(fields);
        return new Generated(json, !writer.escapedTopLevelName && !twice && !oldVersion);
    }

    private static ObjectNode payload(Random random, int kind, boolean oldVersion) {
        ObjectNode payload = NODES.objectNode();
        switch (kind) {
            case 0 -> payload.put("block_id", "block-" + text(random, 1, 6)).put("label", text(random, 0, 6));
            case 1 -> {
                payload.put("table", "t" + text(random, 1, 6)).put("op", List.of("c", "u", "d").get(random.nextInt(3)));
                payload.set("before", random.nextBoolean() ? NODES.nullNode() : object(random, 3));
                payload.set("after", object(random, 3));
            }
            case 2 -> payload.put("name", text(random, 0, 10)).put("description", text(random, 0, 10));
            default -> {
                payload.put("message_id", "message-" + text(random, 1, 6)).put("role", "user");
                if (oldVersion) {
                    payload.put("text", text(random, 0, 20)); // version 1: legacy text, upcast to content parts
                } else {
                    payload.putArray("content").addObject().put("type", "text").put("text", text(random, 0, 20));
                }
            }
        }
        int unknown = random.nextInt(4);
        for (int i = 0; i < unknown; i++) {
            payload.set("x_" + text(random, 1, 6), value(random, 3));
        }
        return payload;
    }

    private static JsonNode value(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 9 : 7)) {
            case 0 -> NODES.textNode(text(random, 0, 10));
            case 1 -> NODES.numberNode(random.nextLong());
            case 2 -> NODES.numberNode(new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(5)));
            case 3 -> NODES.numberNode(new BigDecimal("1.50"));
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 7 -> object(random, depth - 1);
            default -> {
                ArrayNode array = NODES.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(value(random, depth - 1));
                }
                yield array;
            }
        };
    }

    private static ObjectNode object(Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            object.set(text(random, 0, 6), value(random, Math.max(depth - 1, 0)));
        }
        return object;
    }

    /** Text of {@code min}..{@code max} pieces, storable (no NUL, no lone surrogate). */
    private static String text(Random random, int min, int max) {
        StringBuilder out = new StringBuilder();
        int n = min + random.nextInt(max - min + 1);
        for (int i = 0; i < n; i++) {
            out.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return out.toString();
    }

    private static String timestamp(Random random) {
        String[] offsets = {"Z", "+02:00", "-05:30", "+00:00"};
        String[] fractions = {"", ".1", ".123", ".123456", ".123456789"};
        return String.format("20%02d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(100), 1 + random.nextInt(12),
                1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60),
                fractions[random.nextInt(fractions.length)], offsets[random.nextInt(offsets.length)]);
    }

    /** JSON text with random whitespace and random escapes (of any character, names included when asked). */
    private static final class Writer {
        private final Random random;
        private final boolean escapeTopLevelNames;
        private final StringBuilder out = new StringBuilder();
        boolean escapedTopLevelName;

        Writer(Random random, boolean escapeTopLevelNames) {
            this.random = random;
            this.escapeTopLevelNames = escapeTopLevelNames;
        }

        String topLevel(List<Map.Entry<String, JsonNode>> fields) {
            space();
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                space();
                int before = out.length();
                string(fields.get(i).getKey(), escapeTopLevelNames, true);
                escapedTopLevelName |= out.indexOf("\\", before) >= 0;
                space();
                out.append(':');
                space();
                value(fields.get(i).getValue());
                space();
                if (i < fields.size() - 1) {
                    out.append(',');
                }
            }
            out.append('}');
            space();
            return out.toString();
        }

        private void value(JsonNode node) {
            if (node.isTextual()) {
                string(node.textValue(), true, false);
            } else if (node.isObject()) {
                out.append('{');
                var it = node.fields();
                boolean first = true;
                while (it.hasNext()) {
                    var field = it.next();
                    out.append(first ? "" : ",");
                    first = false;
                    space();
                    string(field.getKey(), true, true);
                    space();
                    out.append(':');
                    space();
                    value(field.getValue());
                    space();
                }
                out.append('}');
            } else if (node.isArray()) {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    space();
                    value(node.get(i));
                    space();
                }
                out.append(']');
            } else {
                out.append(node.toString()); // numbers, true, false, null as Jackson writes them
            }
        }

        /**
         * @param name a field name: Jackson's UTF-8 parser refuses an escaped surrogate pair in a name ("Invalid UTF-8:
         *     Illegal surrogate character"), so a pair in a name is never escaped
         */
        private void string(String text, boolean mayEscape, boolean name) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    // a pair is escaped whole or not at all: half of it in UTF-8 is no character
                    String pair = text.substring(i, i + 2);
                    out.append(mayEscape && !name && random.nextBoolean()
                            ? String.format("\\u%04x\\u%04x", (int) pair.charAt(0), (int) pair.charAt(1)) : pair);
                    i++;
                    continue;
                }
                boolean must = c == '"' || c == '\\' || c < 0x20;
                if (must || mayEscape && random.nextInt(6) == 0) {
                    switch (must ? random.nextInt(2) : 1) {
                        case 0 -> out.append(switch (c) {
                            case '"' -> "\\\"";
                            case '\\' -> "\\\\";
                            case '\n' -> "\\n";
                            case '\t' -> "\\t";
                            default -> String.format("\\u%04x", (int) c);
                        });
                        default -> out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                    }
                } else if (c == '/' && mayEscape && random.nextBoolean()) {
                    out.append("\\/");
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }

        private void space() {
            out.append(WHITESPACE[random.nextInt(WHITESPACE.length)]);
        }
    }
}
