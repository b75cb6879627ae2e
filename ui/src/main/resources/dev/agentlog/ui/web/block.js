// A block's history: every version in order with its diff to the one before, who made it (actor, the agent whose
// turn it was, the source), and a link to the agent's timeline at that instant.
import { get } from "./api.js";
import { h } from "./dom.js";
import { format } from "./state.js";

export function showBlock(view, blockId, params, page) {
  const list = h("ol", { class: "changes", "data-test": "block-changes" });
  const more = h("button", { type: "button", class: "more", "data-test": "block-more", hidden: true }, "Load more");
  const back = params.agent ? h("a", { href: format("agent", params.agent, {}), "data-test": "back-to-agent" },
    "\u2190 agent " + params.agent) : "";
  view.append(back, h("h1", {}, "Block ", h("span", { class: "id" }, blockId)), list, more);
  let next = 0;
  const controller = new AbortController(); // a view left drops its answer (see agents.js)

  async function load() {
    const answer = await get("/v1/blocks/" + encodeURIComponent(blockId) + "/history", { after_seq: next || "", limit: 500 },
      { signal: controller.signal });
    if (controller.signal.aborted) {
      return;
    }
    for (const change of answer.changes) {
      list.append(item(change, params.agent));
    }
    next = answer.next_after_seq;
    more.hidden = next == null;
    document.body.dataset.ready = "block";
  }
  more.addEventListener("click", () => load().catch(page.report));
  load().catch(page.report);
  return {
    dispose() {
      controller.abort();
      delete document.body.dataset.ready;
    },
  };
}

function item(change, agentFromUrl) {
  const edit = change.block_edit;
  const agent = change.agent_id || agentFromUrl;
  const who = [change.actor ? "by " + change.actor : "", change.agent_id ? "in a turn of agent " + change.agent_id : "",
    change.source ? "via " + change.source : ""].filter(Boolean).join(" \u00b7 ");
  return h("li", { class: "change", "data-test": "block-change", "data-seq": change.stream_seq,
      "data-event-id": change.event_id },
    h("div", { class: "change-head" },
      h("span", { class: "seq" }, "#" + change.stream_seq), " ",
      h("span", { class: "time" }, change.occurred_at), " ",
      h("span", { class: "type" }, change.type), " ",
      edit ? h("span", { class: "version", "data-test": "versions" }, !edit.applied ? "not applied (stale version)"
        : (edit.from_version == null ? "new block" : "v" + edit.from_version) + " \u2192 v" + edit.to_version) : "",
      " ", h("span", { class: "who", "data-test": "who" }, who || "the log does not say who"),
      agent ? h("a", { href: format("agent", agent, { at: change.occurred_at, sel: change.event_id }),
        "data-test": "change-in-timeline" }, "show in timeline") : ""),
    edit ? diff(edit.diff) : h("pre", { class: "payload" }, JSON.stringify(change.payload, null, 2)));
}

/** A unified diff, each line marked as removed, added, a hunk header or context. */
function diff(text) {
  const pre = h("pre", { class: "diff", "data-test": "diff" });
  if (!text) {
    pre.append(h("span", { class: "same" }, "(value unchanged)"));
    return pre;
  }
  for (const line of text.replace(/\n$/, "").split("\n")) {
    const kind = line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("@@") ? "hunk"
      : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "ctx";
    pre.append(h("span", { class: kind }, line + "\n"));
  }
  return pre;
}
