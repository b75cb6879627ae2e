package dev.agentlog.sink.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Base64TextNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Sealing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A record value parsed by the sink, and where its {@code payload} value's JSON text lies in the bytes it was parsed
 * from, so that the payload is stored as it came ({@code events.payload}) without writing the tree back to text;
 * likewise the payload's fields that hold an object or an array (a message's {@code content}, an agent's
 * {@code llm_config}) are {@link LocatedJson}, which the sink stores as they came in jsonb columns. The sink's own
 * mapper (the contract's settings, {@link EventCodec#mapperBuilder()}, with a node factory that can carry locations):
 * nothing outside the sink builds or sees these nodes.
 *
 * @param payloadStart the payload's first byte, -1 when the value has no top-level payload field
 * @param payloadEnd one past its last byte
 */
public record LocatedValue(JsonNode tree, byte[] source, int payloadStart, int payloadEnd) {
    private static final ObjectMapper MAPPER = EventCodec.mapperBuilder().nodeFactory(new LocatingNodeFactory()).build();
    /** Reads one value from a parser positioned on it (the mapper's own reader would insist on the end of input). */
    private static final ObjectReader VALUE_READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The payload's JSON text in UTF-8, as it came; null when there is none. */
    public byte[] payloadBytes() {
        return payloadStart < 0 ? null : Arrays.copyOfRange(source, payloadStart, payloadEnd);
    }

    /** Forgets where the payload's values came from: for a payload that may change (upcast). */
    void forgetFieldLocations() {
        JsonNode payload = tree.get("payload");
        if (payload != null) {
            for (JsonNode value : payload) {
                if (value instanceof LocatedJson located) {
                    located.forget();
                }
            }
        }
    }

    /** Like {@link EventCodec#parse}, also locating the payload's text: the same tree, the same errors. */
    public static LocatedValue parse(byte[] bytes) throws InvalidEventException {
        try (JsonParser p = MAPPER.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return unlocated(bytes);
            }
            ObjectNode object = MAPPER.getNodeFactory().objectNode();
            int payloadStart = -1;
            int payloadEnd = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                long start = p.currentTokenLocation().getByteOffset();
                JsonNode value = name.equals("payload") && p.currentToken() == JsonToken.START_OBJECT
                        ? objectLocatingFields(p, bytes) : scalarOrTree(p);
                if (name.equals("payload")) {
                    payloadStart = (int) start;
                    payloadEnd = (int) p.currentLocation().getByteOffset();
                }
                object.set(name, value);
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return unlocated(bytes); // let the plain parser say what is wrong
            }
            return new LocatedValue(object, bytes, payloadStart, payloadEnd);
        } catch (JsonProcessingException e) {
            return unlocated(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An opened payload's plaintext (docs/privacy.md) read like a clear record's payload: its object and array values
     * located in {@code plaintext}, so that they are stored as they came, as a clear event's are. Like
     * {@link EventCodec#parse}: the same tree, the same errors (the codec hands it payloads at their current version
     * only, which no upcaster changes: {@link dev.agentlog.events.PayloadOpener.PlaintextParser}).
     */
    public static JsonNode parsePayload(byte[] plaintext) throws InvalidEventException {
        try (JsonParser p = MAPPER.createParser(plaintext)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                ObjectNode object = objectLocatingFields(p, plaintext);
                if (p.nextToken() == null) {
                    return object;
                }
            }
        } catch (JsonProcessingException e) {
            // the contract's parser words it below
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return EventCodec.parse(MAPPER, plaintext);
    }

    /** Not an object, or not JSON: the contract's parser decides (and words the error). */
    private static LocatedValue unlocated(byte[] bytes) throws InvalidEventException {
        return new LocatedValue(EventCodec.parse(MAPPER, bytes), bytes, -1, -1);
    }

    /** The object at the parser's START_OBJECT, field by field, locating each object or array value. */
    private static ObjectNode objectLocatingFields(JsonParser p, byte[] bytes) throws IOException {
        ObjectNode object = MAPPER.getNodeFactory().objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            long start = p.currentTokenLocation().getByteOffset();
            JsonNode value = name.equals(Sealing.FIELD) && p.currentToken() == JsonToken.START_OBJECT
                    ? sealedObject(p, bytes) : scalarOrTree(p);
            LocatingNodeFactory.locate(value, bytes, (int) start, (int) p.currentLocation().getByteOffset());
            object.set(name, value);
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "payload: expected a field name or '}'");
        }
        return object;
    }

    /**
     * A sealed payload's {@value Sealing#FIELD} object at the parser's START_OBJECT, its {@code ct} decoded from base64
     * straight from {@code bytes} ({@link #base64Text}).
     */
    private static ObjectNode sealedObject(JsonParser p, byte[] bytes) throws IOException {
        ObjectNode object = MAPPER.getNodeFactory().objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            object.set(name, name.equals("ct") && p.currentToken() == JsonToken.VALUE_STRING
                    ? base64Text(p, bytes) : scalarOrTree(p));
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, Sealing.FIELD + ": expected a field name or '}'");
        }
        return object;
    }

    /**
     * The string at the parser's token, decoded from base64 from the bytes between its quotes, without the parser
     * building its text first (then skipping it costs a scan): a {@link Base64TextNode}, whose bytes the opener takes
     * as they are. A string with an escape, or that is not base64, is read as the parser reads it, and the opener
     * then decides about it as it always did.
     */
    private static JsonNode base64Text(JsonParser p, byte[] bytes) throws IOException {
        int quote = (int) p.currentTokenLocation().getByteOffset();
        int end = quote + 1;
        while (end < bytes.length && bytes[end] != '"' && bytes[end] != '\\') {
            end++;
        }
        if (quote < 0 || bytes[quote] != '"' || end >= bytes.length || bytes[end] != '"') {
            return MAPPER.getNodeFactory().textNode(p.getText());
        }
        ByteBuffer decoded;
        try {
            decoded = Base64.getDecoder().decode(ByteBuffer.wrap(bytes, quote + 1, end - quote - 1));
        } catch (IllegalArgumentException notBase64) {
            return MAPPER.getNodeFactory().textNode(p.getText());
        }
        byte[] ciphertext = decoded.arrayOffset() == 0 && decoded.remaining() == decoded.array().length
                ? decoded.array() : Arrays.copyOfRange(decoded.array(), decoded.arrayOffset(),
                        decoded.arrayOffset() + decoded.remaining());
        // the base64 alphabet is ASCII: these bytes are the string's text
        return new Base64TextNode(new String(bytes, quote + 1, end - quote - 1, StandardCharsets.ISO_8859_1),
                ciphertext);
    }

    /** The value at the parser's token: envelope fields are scalars, built here without a reader's context each. */
    private static JsonNode scalarOrTree(JsonParser p) throws IOException {
        JsonNodeFactory nodes = MAPPER.getNodeFactory();
        return switch (p.currentToken()) {
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> VALUE_READER.readTree(p);
            };
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            default -> VALUE_READER.readTree(p);
        };
    }
}
