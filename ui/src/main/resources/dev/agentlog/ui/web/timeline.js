// An agent's timeline: every event of its streams in time order, a page at a time, filtered by type and time.
import { get } from "./api.js";
import { contentText, h, micros } from "./dom.js";

/** The type filter's groups: what an auditor asks for, each the event types that answer it. */
export const GROUPS = [
  ["Messages", ["message.created", "message.updated", "message.deleted"]],
  ["Context", ["context.updated"]],
  ["Memory edits", ["block.created", "block.updated", "block.deleted"]],
  ["Attachments", ["block.attached", "block.detached", "archive.attached", "archive.detached", "tool.attached",
    "tool.detached", "source.attached", "source.detached", "identity.attached", "identity.detached", "file.attached",
    "file.updated", "file.detached", "group.joined", "group.left", "tag.added", "tag.removed"]],
  ["Passages", ["archive.created", "passage.inserted", "passage.deleted", "archive.deleted"]],
  ["Agent", ["agent.created", "agent.updated", "agent.deleted"]],
  ["Conversations", ["conversation.created", "conversation.updated", "conversation.deleted",
    "conversation.message.added", "conversation.message.updated", "conversation.message.removed",
    "conversation.block.attached", "conversation.block.detached"]],
];

/**
 * The timeline of one agent. filter: {types: [..], from, to}; onPick(event) when an event is chosen. load() fetches
 * the first page (resolves to the page's answer: total, first_at, last_at), more() the next.
 */
export function createTimeline(agentId, filter, handlers) {
  const list = h("ol", { class: "timeline", "data-test": "timeline" });
  const more = h("button", { type: "button", class: "more", "data-test": "timeline-more", hidden: true }, "Load more");
  const count = h("p", { class: "count", "data-test": "timeline-count" });
  const form = filterForm(filter, handlers.onFilter);
  const element = h("section", { class: "timeline-panel" }, form, count, list, more);
  let next = null;
  let selected = handlers.selected || null;
  let instant = null;
  let controller = null;

  async function page(after) {
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const answer = await get("/v1/agents/" + encodeURIComponent(agentId) + "/timeline", {
      types: filter.types.join(","), from: filter.from, to: filter.to, after, limit: 200,
    }, { signal: controller.signal });
    if (!after) {
      list.replaceChildren();
      form.elements.from.value = filter.from || ""; // the range may have been set from outside ("Timeline from here")
      form.elements.to.value = filter.to || "";
    }
    for (const event of answer.events) {
      list.append(row(event));
    }
    next = answer.next_after;
    more.hidden = !next;
    count.textContent = answer.total + " event(s)" + (filter.types.length > 0 || filter.from || filter.to
        ? " match the filter" : "") + "; showing " + list.children.length;
    markInstant(instant);
    return answer;
  }

  function row(event) {
    const item = h("li", { "data-event-id": event.event_id, "data-type": event.type, "data-at": event.occurred_at,
        class: "event " + event.type.replace(/\./g, "-") + (event.event_id === selected ? " selected" : "")
          + (event.payload && event.payload.role === "summary" ? " summary" : ""),
        tabindex: "0" },
      h("span", { class: "time" }, event.occurred_at),
      h("span", { class: "type" }, event.type),
      h("span", { class: "stream" }, event.stream_id + " #" + event.stream_seq),
      h("span", { class: "what" }, describe(event)),
      event.actor ? h("span", { class: "actor" }, "by " + event.actor) : "");
    item.addEventListener("click", () => pick(event, item));
    item.addEventListener("keydown", e => {
      if (e.key === "Enter") {
        pick(event, item);
      }
    });
    return item;
  }

  function pick(event, item) {
    selected = event.event_id;
    list.querySelectorAll(".selected").forEach(e => e.classList.remove("selected"));
    item.classList.add("selected");
    handlers.onPick(event);
  }

  /** Dims the events after the instant shown: they had not happened yet. */
  function markInstant(at) {
    instant = at;
    const limit = at ? micros(at) : null;
    for (const item of list.children) {
      item.classList.toggle("future", limit !== null && micros(item.dataset.at) > limit);
    }
  }

  more.addEventListener("click", () => page(next).catch(handlers.report));
  return {
    element,
    load: () => page(null),
    markInstant,
    dispose: () => controller && controller.abort(),
  };
}

function describe(event) {
  const p = event.payload || {};
  if (event.type === "message.created" || event.type === "message.updated") {
    const text = contentText(p.content);
    const calls = Array.isArray(p.tool_calls) ? " [tool calls: " + p.tool_calls.map(c => c.function ? c.function.name
        : c.name).join(", ") + "]" : "";
    return (p.role ? p.role + ": " : "") + (text.length > 140 ? text.substring(0, 139) + "\u2026" : text) + calls;
  }
  return event.summary || "";
}

function filterForm(filter, onFilter) {
  const boxes = GROUPS.map(([label, types]) => h("label", { class: "check" },
    h("input", { type: "checkbox", value: types.join(","), "data-test": "filter-" + label.toLowerCase().replace(/ /g, "-"),
      checked: types.some(t => filter.types.includes(t)) }), " " + label));
  const from = h("input", { type: "text", name: "from", value: filter.from || "", placeholder: "from (RFC 3339)",
    "data-test": "filter-from", size: 28 });
  const to = h("input", { type: "text", name: "to", value: filter.to || "", placeholder: "to (RFC 3339)",
    "data-test": "filter-to", size: 28 });
  const form = h("form", { class: "filters", "data-test": "timeline-filter" },
    h("fieldset", {}, h("legend", {}, "Show only"), boxes),
    h("div", { class: "range" }, from, " \u2013 ", to,
      h("button", { type: "submit", "data-test": "filter-apply" }, "Apply"),
      h("button", { type: "button", "data-test": "filter-clear", onclick: () => onFilter({ types: [], from: "", to: "" }) },
        "Clear")));
  form.addEventListener("submit", event => {
    event.preventDefault();
    const types = boxes.map(b => b.firstChild).filter(b => b.checked).flatMap(b => b.value.split(","));
    onFilter({ types, from: from.value.trim(), to: to.value.trim() });
  });
  return form;
}
