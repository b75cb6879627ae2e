package dev.agentlog.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.AgentRow;
import dev.agentlog.sink.fold.ArchiveRow;
import dev.agentlog.sink.fold.BlockVersionRow;
import dev.agentlog.sink.fold.MessageRow;
import dev.agentlog.sink.fold.PassageRow;
import dev.agentlog.sink.fold.Tables;
import java.time.Instant;
import java.util.List;

/**
 * An agent's whole state at one instant (or now): its {@code agents} row, the blocks attached to it with
 * their value then, its in-context window with each message as it was then, and its archives with their
 * passage count and latest passages. The same shape whether read from the projection tables (now) or
 * produced from the log (a past instant), so the two can be compared. {@link #toJson()} is what
 * {@code agentlog state} prints and {@code GET /v1/agents/{id}} answers.
 *
 * @param at the instant; null for the current state
 * @param agent null when the agent has no {@code agents} row (not created, or created after {@code at})
 * @param blocks by attached label, then block id
 * @param archives by archive id
 * @param surroundings its named conversations, files and links
 */
public record AgentState(String agentId, Instant at, AgentRow agent, List<AttachedBlock> blocks,
        List<ContextEntry> context, List<AttachedArchive> archives, AgentSurroundings surroundings) {

    public AgentState {
        surroundings = surroundings == null ? AgentSurroundings.NONE : surroundings;
        blocks = List.copyOf(blocks);
        context = List.copyOf(context);
        archives = List.copyOf(archives);
    }

    /**
     * A block attached to the agent.
     *
     * @param attachedLabel the label given when it was attached ({@code agent_blocks.label})
     * @param version the block's latest version at the instant ({@code block_versions}): its value, label and who
     *     wrote it; null when the block had none (not created yet)
     * @param deletedAt when the block was deleted, if it was by then
     */
    public record AttachedBlock(String blockId, String attachedLabel, BlockVersionRow version, Instant deletedAt) {}

    /**
     * One place of the in-context window.
     *
     * @param message the message as it was then; null when there was no such message
     */
    public record ContextEntry(int position, String messageId, MessageRow message) {}

    /**
     * An archive attached to the agent.
     *
     * @param archive its {@code archives} row; null when not created (yet)
     * @param passageCount passages in the archive
     * @param latestPassages the newest passages (by created_at, then passage_id), newest first
     */
    public record AttachedArchive(String archiveId, ArchiveRow archive, long passageCount,
            List<PassageRow> latestPassages) {
        public AttachedArchive {
            latestPassages = List.copyOf(latestPassages);
        }
    }

    /** False when nothing at all is known of the agent (then there is nothing to show). */
    public boolean exists() {
        return agent != null || !blocks.isEmpty() || !context.isEmpty() || !archives.isEmpty()
                || !surroundings.conversations().isEmpty() || !surroundings.files().isEmpty()
                || !surroundings.links().isEmpty();
    }

    public long passageCount() {
        return archives.stream().mapToLong(AttachedArchive::passageCount).sum();
    }

    public ObjectNode toJson() {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("agent_id", agentId);
        if (at == null) {
            out.putNull("at");
        } else {
            out.put("at", RowJson.time(at));
        }
        out.set("agent", agent == null ? null : RowJson.of(Tables.AGENTS, agent));
        ArrayNode blockArray = out.putArray("blocks");
        for (AttachedBlock block : blocks) {
            ObjectNode b = blockArray.addObject();
            b.put("block_id", block.blockId());
            b.put("attached_label", block.attachedLabel());
            BlockVersionRow v = block.version();
            RowJson.put(b, "label", v == null ? null : v.label());
            RowJson.put(b, "value", v == null ? null : v.value());
            RowJson.put(b, "version", v == null ? null : v.version());
            RowJson.put(b, "version_at", v == null ? null : v.occurredAt());
            RowJson.put(b, "version_actor", v == null ? null : v.actor());
            RowJson.put(b, "version_event_id", v == null ? null : v.eventId());
            RowJson.put(b, "deleted_at", block.deletedAt());
        }
        ArrayNode contextArray = out.putArray("context");
        for (ContextEntry entry : context) {
            ObjectNode c = contextArray.addObject();
            c.put("position", entry.position());
            c.put("message_id", entry.messageId());
            c.set("message", entry.message() == null ? null : RowJson.of(Tables.MESSAGES, entry.message()));
        }
        out.put("passage_count", passageCount());
        ArrayNode archiveArray = out.putArray("archives");
        for (AttachedArchive archive : archives) {
            ObjectNode a = archiveArray.addObject();
            a.put("archive_id", archive.archiveId());
            a.set("archive", archive.archive() == null ? null : RowJson.of(Tables.ARCHIVES, archive.archive()));
            a.put("passage_count", archive.passageCount());
            ArrayNode passages = a.putArray("latest_passages");
            archive.latestPassages().forEach(p -> passages.add(RowJson.of(Tables.PASSAGES, p)));
        }
        surroundings.writeTo(out);
        return out;
    }
}
