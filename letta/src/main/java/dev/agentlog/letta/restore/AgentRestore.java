package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An agent's Letta rows as they were at an instant, folded from the log: its own stream, then the streams of the
 * blocks and archives attached to it then, then the {@code row.changed} streams of the shared rows its rows point to
 * (and theirs, until nothing new is named). The log is read up to the instant by the caller ({@link EventLog}).
 */
public final class AgentRestore {
    /** The log up to the instant of the restore. */
    public interface EventLog {
        /** The events of these streams up to the instant, each stream in stream order. */
        List<RestoreEvent> read(Collection<String> streamIds) throws Exception;
    }

    /** The agent did not exist at the instant (never created by then, or deleted). */
    public static final class NoSuchAgentException extends RuntimeException {
        public NoSuchAgentException(String message) {
            super(message);
        }
    }

    private AgentRestore() {}

    public static LettaRows fold(String agentId, EventLog log) throws Exception {
        LettaRows rows = new LettaRows();
        AgentStreamFold agent = new AgentStreamFold(agentId, rows);
        for (RestoreEvent event : log.read(List.of(agentId))) {
            agent.apply(event);
        }
        if (rows.get("agents", agentId) == null) {
            throw new NoSuchAgentException("the log has no agent " + agentId + " at that instant (not created yet, or"
                    + " deleted)");
        }
        MemoryFold memory = new MemoryFold(rows);
        Set<String> blocks = new LinkedHashSet<>(rows.texts("blocks_agents", "block_id"));
        blocks.addAll(rows.texts("blocks_conversations", "block_id"));
        for (RestoreEvent event : log.read(blocks)) {
            memory.applyBlock(event);
        }
        for (RestoreEvent event : log.read(rows.texts("archives_agents", "archive_id"))) {
            memory.applyArchive(event);
        }
        SharedRowFold shared = new SharedRowFold(rows);
        Set<String> read = new LinkedHashSet<>();
        while (true) {
            Set<String> streams = referenced(rows);
            streams.removeAll(read);
            if (streams.isEmpty()) {
                return rows;
            }
            read.addAll(streams);
            for (RestoreEvent event : log.read(streams)) {
                shared.apply(event);
            }
        }
    }

    /** The row.changed streams ({@code <table>:<id>}) of the rows the restored rows point to. */
    private static Set<String> referenced(LettaRows rows) {
        Set<String> out = new LinkedHashSet<>();
        for (LettaTables.Reference ref : LettaTables.REFERENCES) {
            for (String id : rows.texts(ref.table(), ref.column())) {
                out.add(ref.target() + ":" + id);
            }
        }
        for (String table : LettaTables.INSERT_ORDER) {
            for (ObjectNode row : new ArrayList<>(rows.rows(table))) {
                if (row.hasNonNull("organization_id")) {
                    out.add("organizations:" + row.get("organization_id").asText());
                }
            }
        }
        return out;
    }

    /** {@code --repair}: see {@link ToolCallRepair}. */
    public static List<ToolCallRepair.Dropped> repair(LettaRows rows, String agentId) {
        return ToolCallRepair.repair(rows, agentId);
    }

    /** {@code --as}: see {@link NewIds}. */
    public static void renameTo(LettaRows rows, String agentId, String newAgentId) {
        NewIds.assign(rows, agentId, newAgentId);
    }
}
