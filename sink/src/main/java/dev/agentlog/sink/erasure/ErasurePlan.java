package dev.agentlog.sink.erasure;

import java.util.ArrayList;
import java.util.List;

/**
 * What one erasure erases (docs/privacy.md, "Erase"): agents, and the blocks and archives that belong to them (no other
 * agent ever attached them); {@code keptShared} names the blocks and archives the agents shared with another agent,
 * which stay.
 */
public record ErasurePlan(List<String> agents, List<String> blocks, List<String> archives, List<String> keptShared) {
    public ErasurePlan {
        agents = List.copyOf(agents);
        blocks = List.copyOf(blocks);
        archives = List.copyOf(archives);
        keptShared = List.copyOf(keptShared);
    }

    /** Every subject erased: the agents, blocks and archives, each a subject of its own. */
    public List<String> subjects() {
        List<String> out = new ArrayList<>(agents);
        out.addAll(blocks);
        out.addAll(archives);
        return out;
    }

    public boolean isEmpty() {
        return agents.isEmpty() && blocks.isEmpty() && archives.isEmpty();
    }
}
