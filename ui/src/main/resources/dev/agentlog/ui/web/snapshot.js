// The agent as it was at one instant: its in-context window in order, its blocks with their values, its newest
// passages. Each part is reconciled by key, so a new instant redraws only the entries that differ.
import { contentText, h, reconcile } from "./dom.js";
import { format } from "./state.js";

export function createSnapshot(agentId) {
  const title = h("p", { class: "as-of", "data-test": "state-at" });
  const agentLine = h("p", { class: "agent-line", "data-test": "agent-line" });
  const windowList = h("ol", { class: "window", "data-test": "window" });
  const blocks = h("ul", { class: "blocks", "data-test": "blocks" });
  const passages = h("ul", { class: "passages", "data-test": "passages" });
  const passageCount = h("span", { "data-test": "passage-count" });
  const element = h("section", { class: "snapshot" }, title, agentLine,
    h("h2", {}, "In-context window"), windowList,
    h("h2", {}, "Memory blocks"), blocks,
    h("h2", {}, "Recent passages ", passageCount), passages);

  /** Shows a state (GET /v1/agents/{id}[?at=]); returns how many entries were drawn anew. */
  function show(state) {
    title.textContent = state.at ? "As it was at " + state.at : "As it is now";
    title.dataset.at = state.at || "";
    const agent = state.agent;
    agentLine.textContent = agent ? (agent.name ?? "(no name)") + " \u00b7 " + (agent.agent_type ?? "")
        + (agent.deleted_at ? " \u00b7 deleted at " + agent.deleted_at : "") : "not created yet at this instant";
    let drawn = 0;
    // keyed by message, not by place: when the window shifts (a new turn, a compaction) only new messages are drawn
    const seen = new Map();
    const context = state.context.map(e => {
      const nth = (seen.get(e.message_id) || 0) + 1;
      seen.set(e.message_id, nth);
      return { ...e, key: e.message_id + "#" + nth };
    });
    drawn += reconcile(windowList, context, e => e.key, e => JSON.stringify(e.message), entry);
    drawn += reconcile(blocks, state.blocks, b => b.block_id, b => JSON.stringify(b), block);
    const recent = state.archives.flatMap(a => a.latest_passages.map(p => ({ ...p, archive: a.archive_id })))
      .sort((a, b) => (b.created_at || "").localeCompare(a.created_at || "")).slice(0, 10);
    drawn += reconcile(passages, recent, p => p.passage_id, p => JSON.stringify(p), passage);
    passageCount.textContent = "(" + state.passage_count + " in all)";
    return drawn;
  }

  function block(b) {
    return h("li", { "data-block-id": b.block_id, class: b.deleted_at ? "deleted" : "" },
      h("div", { class: "block-head" },
        h("strong", { class: "label" }, b.attached_label ?? b.label ?? "(no label)"),
        h("span", { class: "version" }, b.version == null ? " not created yet" : " version " + b.version),
        b.version_actor ? h("span", { class: "actor" }, " by " + b.version_actor) : "",
        h("a", { href: format("block", b.block_id, { agent: agentId }), class: "history", "data-test": "block-history-link" },
          "history"),
        h("span", { class: "id" }, b.block_id)),
      h("pre", { class: "value" }, b.value ?? ""));
  }

  return { element, show };
}

function entry(e) {
  const m = e.message;
  const role = m ? m.role : "missing";
  return h("li", { "data-message-id": e.message_id, "data-role": role, class: "role-" + role },
    h("span", { class: "role" }, role),
    h("span", { class: "text" }, m ? contentText(m.content) : "(no such message at this instant)"),
    m && m.tool_calls ? h("span", { class: "calls" }, " [tool calls " + JSON.stringify(m.tool_calls) + "]") : "",
    h("span", { class: "id" }, e.message_id));
}

function passage(p) {
  return h("li", { "data-passage-id": p.passage_id },
    h("span", { class: "time" }, p.created_at ?? ""), " ", h("span", { class: "text" }, p.text ?? ""),
    h("span", { class: "id" }, p.archive + " / " + p.passage_id));
}
