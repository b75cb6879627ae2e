package dev.agentlog.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One short line per event for a history: what changed, without the whole payload. */
final class Summaries {
    private static final int SNIPPET_CHARS = 60;

    private Summaries() {}

    static String of(String type, JsonNode payload) {
        return switch (type) {
            case "agent.created" -> "name=" + text(payload, "name");
            case "agent.updated", "block.updated", "message.updated" -> fields(payload);
            case "message.created" -> text(payload, "role") + " " + text(payload, "message_id") + ": "
                    + snippet(contentText(payload.get("content")));
            case "message.deleted" -> text(payload, "message_id");
            case "context.updated" -> {
                JsonNode ids = payload.get("message_ids");
                yield (ids == null ? 0 : ids.size()) + " message(s) in context";
            }
            case "block.attached" -> text(payload, "block_id") + " as " + text(payload, "label");
            case "block.detached" -> text(payload, "block_id");
            case "archive.attached", "archive.detached" -> text(payload, "archive_id");
            case "block.created" -> "label=" + text(payload, "label");
            case "archive.created" -> "name=" + text(payload, "name");
            case "passage.inserted" -> text(payload, "passage_id") + ": " + snippet(text(payload, "text"));
            case "passage.deleted" -> text(payload, "passage_id");
            case "row.changed" -> text(payload, "table") + " " + text(payload, "op");
            default -> "";
        };
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload == null ? null : payload.get(field);
        return value == null || value.isNull() ? "-" : value.isTextual() ? value.textValue() : value.toString();
    }

    /** The names of the fields an update sets (null = cleared). */
    private static String fields(JsonNode payload) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("message_id") && !name.equals("version")) {
                names.add(payload.get(name).isNull() ? name + " cleared" : name);
            }
        }
        return names.isEmpty() ? "" : "sets " + String.join(", ", names);
    }

    /** The text parts of Letta's content array, joined. */
    private static String contentText(JsonNode content) {
        if (content == null || !content.isArray()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual()) {
                out.append(out.length() == 0 ? "" : " ").append(text.textValue());
            }
        }
        return out.toString();
    }

    private static String snippet(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= SNIPPET_CHARS ? oneLine : oneLine.substring(0, SNIPPET_CHARS - 1) + "…";
    }
}
