// The dead letters: each refused record with its reason and rule, where it came from, and the original record.
import { get } from "./api.js";
import { h } from "./dom.js";
import { format } from "./state.js";

export function showDeadLetters(view, id, params, page) {
  const reason = h("input", { type: "text", name: "reason", value: params.reason || "", placeholder: "reason",
    "data-test": "dlq-reason" });
  const stream = h("input", { type: "text", name: "stream", value: params.stream || "", placeholder: "stream id",
    "data-test": "dlq-stream" });
  const form = h("form", { class: "toolbar", onsubmit: e => {
    e.preventDefault();
    location.hash = format("deadletters", null, { reason: reason.value.trim(), stream: stream.value.trim() });
  } }, reason, " ", stream, " ", h("button", { type: "submit" }, "Filter"));
  const list = h("ol", { class: "dead-letters", "data-test": "dead-letters" });
  const count = h("p", { class: "count", "data-test": "dlq-count" });
  view.append(h("h1", {}, "Dead letters"), form, count, list);
  const controller = new AbortController(); // a view left drops its answer (see agents.js)
  get("/v1/dead-letters", { reason: params.reason, stream: params.stream }, { signal: controller.signal }).then(answer => {
    if (controller.signal.aborted) {
      return;
    }
    count.textContent = answer.matched + " dead letter(s)" + (answer.matched > answer.dead_letters.length
      ? "; showing the first " + answer.dead_letters.length : "");
    for (const letter of answer.dead_letters) {
      list.append(item(letter));
    }
    document.body.dataset.ready = "deadletters";
  }).catch(page.report);
  return {
    dispose() {
      controller.abort();
      delete document.body.dataset.ready;
    },
  };
}

function item(letter) {
  const original = h("pre", { class: "original", "data-test": "dlq-original", hidden: true }, pretty(letter));
  const toggle = h("button", { type: "button", "data-test": "dlq-show" }, "original record");
  toggle.addEventListener("click", () => {
    original.hidden = !original.hidden;
  });
  return h("li", { "data-test": "dead-letter", "data-reason": letter.reason },
    h("div", {}, h("strong", { class: "reason" }, letter.reason), " ", h("span", { class: "rule" }, letter.rule ?? ""),
      " ", h("span", { class: "id" }, "key " + (letter.key ?? "(none)")), " ",
      h("span", { class: "time" }, "refused " + (letter.refused_at ?? "")), " ",
      h("span", { class: "id" }, letter.source_topic + "-" + letter.source_partition + "@" + letter.source_offset),
      " ", toggle),
    original);
}

/** The original record: its value as indented JSON when it is JSON, as it is otherwise. */
function pretty(letter) {
  if (letter.value_encoding === "utf8") {
    try {
      return JSON.stringify(JSON.parse(letter.value), null, 2);
    } catch (e) {
      return letter.value;
    }
  }
  return "(" + letter.value_encoding + ") " + letter.value;
}
