package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;

/**
 * Letta's shapes of a message's JSON fields ({@code letta/schemas/letta_message_content.py},
 * {@code letta/schemas/message.py}), checked so that what the sink stores is what Letta would read back.
 *
 * <ul>
 * <li>{@code content}: an array of parts, each an object with a string {@code type}. Parts of a type Letta
 *     knows are checked for the field that carries them (a {@code text} part's {@code text} is a string) and
 *     for the types of their other fields when present; a part of a type not listed here is kept as it is, so
 *     that a newer Letta's parts pass.</li>
 * <li>{@code tool_calls}: an array of objects (OpenAI's tool calls: {@code id}, {@code type},
 *     {@code function} with {@code name} and {@code arguments} as a string), each field checked when present.</li>
 * <li>{@code tool_returns}: an array of objects (Letta's {@code ToolReturn}: {@code status}, {@code stdout},
 *     {@code stderr}, ...), {@code status} and {@code tool_call_id} checked when present.</li>
 * </ul>
 * Optional fields may be JSON null, as Letta writes an unset optional. Paths are relative to the field:
 * {@code [0].type}, so the reader reports {@code payload.content[0].type}.
 */
final class MessageShapes {
    /** Per known part type: the field that carries it (required, a string unless said), or null when none. */
    private static final Map<String, String> CARRIER = Map.of(
            "text", "text",
            "image", "source",
            "tool_call", "",
            "tool_return", "",
            "reasoning", "reasoning",
            "redacted_reasoning", "data",
            "omitted_reasoning", "",
            "summarized_reasoning", "");

    private MessageShapes() {}

    /** Where a broken rule goes: the path relative to the field, the kind of rule, the rule in words. */
    @FunctionalInterface
    interface Fail {
        void accept(String path, RuleCode code, String rule);
    }

    /** {@code fail} gets a path relative to the field ({@code [0].type}) and the rule broken. */
    static void content(JsonNode parts, Fail fail) {
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            String at = "[" + i + "]";
            if (!part.isObject()) {
                fail.accept(at, RuleCode.WRONG_TYPE, "must be an object with a string type (a content part), was " + kind(part));
                continue;
            }
            JsonNode type = part.get("type");
            if (type == null || type.isNull()) {
                fail.accept(at + ".type", RuleCode.REQUIRED, "is required");
                continue;
            }
            if (!type.isTextual()) {
                fail.accept(at + ".type", RuleCode.WRONG_TYPE, "must be a string, was " + kind(type));
                continue;
            }
            String carrier = CARRIER.get(type.textValue());
            if (carrier == null) {
                continue; // a part type this version does not know: kept as it came
            }
            if (!carrier.isEmpty()) {
                requireField(part, carrier, at, fail);
            }
            checkKnownPart(type.textValue(), part, at, fail);
        }
    }

    private static void requireField(JsonNode part, String name, String at, Fail fail) {
        JsonNode value = part.get(name);
        if (value == null || value.isNull()) {
            fail.accept(at + "." + name, RuleCode.REQUIRED, "is required in a " + part.get("type").textValue() + " part");
        }
    }

    private static void checkKnownPart(String type, JsonNode part, String at, Fail fail) {
        switch (type) {
            case "text" -> strings(part, at, fail, "text", "signature");
            case "image" -> image(part.get("source"), at + ".source", fail);
            case "tool_call" -> {
                strings(part, at, fail, "id", "name", "signature");
                object(part, "input", at, fail);
            }
            case "tool_return" -> {
                strings(part, at, fail, "tool_call_id", "content");
                bool(part, "is_error", at, fail);
            }
            case "reasoning" -> {
                strings(part, at, fail, "reasoning", "signature");
                bool(part, "is_native", at, fail);
            }
            case "redacted_reasoning" -> strings(part, at, fail, "data");
            case "omitted_reasoning" -> strings(part, at, fail, "signature");
            case "summarized_reasoning" -> {
                strings(part, at, fail, "id", "encrypted_content");
                JsonNode summary = part.get("summary");
                if (present(summary) && !summary.isArray()) {
                    fail.accept(at + ".summary", RuleCode.WRONG_TYPE, "must be an array of {index, text} objects, was " + kind(summary));
                } else if (present(summary)) {
                    for (int j = 0; j < summary.size(); j++) {
                        JsonNode item = summary.get(j);
                        String itemAt = at + ".summary[" + j + "]";
                        if (!item.isObject()) {
                            fail.accept(itemAt, RuleCode.WRONG_TYPE, "must be an object with index and text, was " + kind(item));
                        } else {
                            strings(item, itemAt, fail, "text");
                            integer(item, "index", itemAt, fail);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException("no rules for the known part type " + type);
        }
    }

    /** Letta's image sources: {@code url} (url), {@code base64} (media_type, data), {@code letta} (file_id). */
    private static void image(JsonNode source, String at, Fail fail) {
        if (!present(source)) {
            return; // reported as required
        }
        if (!source.isObject()) {
            fail.accept(at, RuleCode.WRONG_TYPE, "must be an object with a string type (url, base64 or letta), was " + kind(source));
            return;
        }
        JsonNode type = source.get("type");
        if (type == null || !type.isTextual()) {
            fail.accept(at + ".type", type == null || type.isNull() ? RuleCode.REQUIRED : RuleCode.WRONG_TYPE,
                    type == null || type.isNull() ? "is required" : "must be a string, was " + kind(type));
            return;
        }
        String required = switch (type.textValue()) {
            case "url" -> "url";
            case "base64" -> "data";
            case "letta" -> "file_id";
            default -> null;
        };
        if (required != null && !present(source.get(required))) {
            fail.accept(at + "." + required, RuleCode.REQUIRED, "is required in a " + type.textValue() + " image source");
        }
        strings(source, at, fail, "url", "media_type", "data", "file_id", "detail");
    }

    static void toolCalls(JsonNode calls, Fail fail) {
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String at = "[" + i + "]";
            if (!call.isObject()) {
                fail.accept(at, RuleCode.WRONG_TYPE, "must be an object (a tool call with id, type and function), was " + kind(call));
                continue;
            }
            strings(call, at, fail, "id", "type");
            JsonNode function = call.get("function");
            if (present(function) && !function.isObject()) {
                fail.accept(at + ".function", RuleCode.WRONG_TYPE, "must be an object with name and arguments, was " + kind(function));
            } else if (present(function)) {
                strings(function, at + ".function", fail, "name", "arguments");
            }
        }
    }

    static void toolReturns(JsonNode returns, Fail fail) {
        if (!returns.isArray()) {
            fail.accept("", RuleCode.WRONG_TYPE, "must be a JSON array of tool returns, was " + kind(returns));
            return;
        }
        for (int i = 0; i < returns.size(); i++) {
            JsonNode item = returns.get(i);
            String at = "[" + i + "]";
            if (!item.isObject()) {
                fail.accept(at, RuleCode.WRONG_TYPE, "must be an object (a tool return with status), was " + kind(item));
            } else {
                strings(item, at, fail, "tool_call_id", "status", "func_response");
            }
        }
    }

    private static void strings(JsonNode object, String at, Fail fail, String... names) {
        for (String name : names) {
            JsonNode value = object.get(name);
            if (present(value) && !value.isTextual()) {
                fail.accept(at + "." + name, RuleCode.WRONG_TYPE, "must be a string, was " + kind(value));
            }
        }
    }

    private static void object(JsonNode parent, String name, String at, Fail fail) {
        JsonNode value = parent.get(name);
        if (present(value) && !value.isObject()) {
            fail.accept(at + "." + name, RuleCode.WRONG_TYPE, "must be a JSON object, was " + kind(value));
        }
    }

    private static void bool(JsonNode parent, String name, String at, Fail fail) {
        JsonNode value = parent.get(name);
        if (present(value) && !value.isBoolean()) {
            fail.accept(at + "." + name, RuleCode.WRONG_TYPE, "must be true or false, was " + kind(value));
        }
    }

    private static void integer(JsonNode parent, String name, String at, Fail fail) {
        JsonNode value = parent.get(name);
        if (present(value) && !value.isIntegralNumber()) {
            fail.accept(at + "." + name, RuleCode.WRONG_TYPE, "must be an integer, was " + kind(value));
        }
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }

    /** The JSON kind of a value, for messages: null, array, object, string, number, boolean. */
    static String kind(JsonNode value) {
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
