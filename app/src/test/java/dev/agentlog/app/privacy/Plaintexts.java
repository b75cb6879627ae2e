package dev.agentlog.app.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Sealing;
import dev.agentlog.workload.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The personal plaintext of some streams of a workload (every text of their payloads, ids and the other clear fields
 * aside), and where it shows: the bytes a test looks through for it after an erasure.
 */
final class Plaintexts {
    /**
     * Shorter texts could be part of another agent's: "summary of turns to 15" is in "summary of turns to 150", and
     * every agent's type is "memgpt_v2_agent". The workload's message, passage and block texts are longer.
     */
    static final int MIN_CHARS = 40;

    private Plaintexts() {}

    static Set<String> of(List<WorkloadEvent> log, Collection<String> streams) throws Exception {
        Set<String> out = new LinkedHashSet<>();
        for (WorkloadEvent e : log) {
            if (streams.contains(e.streamId())) {
                JsonNode payload = EventCodec.JSON.readTree(e.json()).get("payload");
                payload.fields().forEachRemaining(f -> {
                    if (!Sealing.CLEAR_FIELDS.contains(f.getKey())) {
                        texts(f.getValue(), out);
                    }
                });
            }
        }
        return out;
    }

    private static void texts(JsonNode node, Set<String> out) {
        if (node.isTextual() && node.textValue().length() >= MIN_CHARS) {
            out.add(node.textValue());
        }
        node.forEach(child -> texts(child, out));
    }

    /** The first of {@code texts} found in {@code bytes} (UTF-8), or null. */
    static String foundIn(byte[] bytes, Set<String> texts) {
        return foundIn(new String(bytes, StandardCharsets.UTF_8), texts);
    }

    static String foundIn(String text, Set<String> texts) {
        for (String t : texts) {
            if (text.contains(t)) {
                return t;
            }
        }
        return null;
    }
}
