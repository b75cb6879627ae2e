/**
 * Restoring a Letta agent as it was at an instant: the agent's events up to that instant folded back into Letta's rows
 * (the reverse of {@code dev.agentlog.letta.mapping}), then written into a Letta-schema database in one transaction, in
 * Letta's foreign-key order (docs/letta.md, "Restoring an agent").
 */
package dev.agentlog.letta.restore;
