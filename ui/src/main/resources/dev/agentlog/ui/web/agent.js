// One agent: a time slider and an instant field that show the agent as it was then (snapshot), beside its
// timeline. The URL holds the agent, the instant, the filter and the selected event.
import { get } from "./api.js";
import { h, instantOf, micros } from "./dom.js";
import { replace } from "./state.js";
import { createSnapshot } from "./snapshot.js";
import { createTimeline } from "./timeline.js";

/** Figures the browser tests read (docs/ui.md): milliseconds from request to drawn, per opening and per move. */
const timings = (window.agentlogTimings = window.agentlogTimings || { open: [], move: [] });

export function showAgent(view, agentId, params, page) {
  const filter = { types: params.types ? params.types.split(",").filter(Boolean) : [], from: params.from || "",
    to: params.to || "" };
  let at = params.at || "";
  let selected = params.sel || "";
  let range = null;
  let controller = null;
  let pending = null; // a slider move waiting for the slider to rest
  const snapshot = createSnapshot(agentId);
  const slider = h("input", { type: "range", min: 0, max: 1000, value: 1000, step: 1, class: "slider",
    "data-test": "slider", "aria-label": "instant" });
  const instant = h("input", { type: "text", value: at, placeholder: "now, or an RFC 3339 instant", size: 32,
    "data-test": "instant" });
  const timeline = createTimeline(agentId, filter, {
    selected,
    report: page.report,
    onPick: event => {
      selected = event.event_id;
      moveTo(event.occurred_at);
    },
    onFilter: next => {
      Object.assign(filter, next);
      remember();
      timeline.load().catch(page.report);
    },
  });
  const picker = h("form", { class: "instant", "data-test": "instant-form", onsubmit: e => {
    e.preventDefault();
    const value = instant.value.trim();
    if (value && Number.isNaN(micros(value))) {
      page.report(new Error("The instant must be RFC 3339 with an offset, e.g. 2026-11-24T10:15:30Z"));
      return;
    }
    moveTo(value);
  } }, h("label", {}, "Instant ", instant), h("button", { type: "submit", "data-test": "instant-go" }, "Show"),
    h("button", { type: "button", "data-test": "instant-now", onclick: () => moveTo("") }, "Now"),
    h("button", { type: "button", "data-test": "timeline-here", title: "list the timeline from the instant shown",
      onclick: () => {
        Object.assign(filter, { from: at });
        remember();
        timeline.load().catch(page.report);
      } }, "Timeline from here"));
  const heading = h("h1", { "data-test": "agent-title" }, agentId);
  const rangeLabel = h("p", { class: "range-label", "data-test": "range" });
  view.append(heading, h("div", { class: "time-bar" }, slider, rangeLabel, picker),
    h("div", { class: "columns" }, snapshot.element, timeline.element));

  slider.addEventListener("input", () => {
    if (!range) {
      return;
    }
    const value = Number(slider.value);
    const target = value >= Number(slider.max) ? "" : instantOf(range.first + Math.round((range.last - range.first)
        * value / Number(slider.max)));
    clearTimeout(pending);
    document.body.dataset.moving = "true";
    pending = setTimeout(() => {
      pending = null;
      moveTo(target, true);
    }, 40);
  });

  function remember() {
    replace("agent", agentId, { at, types: filter.types.join(","), from: filter.from, to: filter.to, sel: selected });
  }

  /** Shows the agent at the instant ("" for now), fetching only its state; the timeline stays as it is. */
  async function moveTo(value, fromSlider = false) {
    at = value;
    instant.value = value;
    if (!fromSlider) {
      placeSlider();
    }
    remember();
    timeline.markInstant(at || null);
    if (controller) {
      controller.abort();
    }
    const mine = (controller = new AbortController());
    document.body.dataset.moving = "true";
    const started = performance.now();
    try {
      const state = await get("/v1/agents/" + encodeURIComponent(agentId), { at }, { signal: mine.signal });
      page.clearMessage();
      const drawn = snapshot.show(state);
      timings.move.push({ ms: performance.now() - started, drawn });
    } catch (e) {
      page.report(e);
    } finally {
      if (mine === controller && pending === null) {
        delete document.body.dataset.moving; // the latest move is drawn and none waits: what is shown is settled
      }
    }
  }

  function placeSlider() {
    if (!range) {
      return;
    }
    const value = at ? micros(at) : range.last;
    const share = range.last > range.first ? (value - range.first) / (range.last - range.first) : 1;
    slider.value = String(Math.round(Math.min(1, Math.max(0, share)) * Number(slider.max)));
  }

  const started = performance.now();
  controller = new AbortController();
  Promise.all([timeline.load(), get("/v1/agents/" + encodeURIComponent(agentId), { at }, { signal: controller.signal })])
    .then(([first, state]) => {
      range = { first: micros(first.first_at), last: micros(first.last_at) };
      rangeLabel.textContent = first.first_at + " \u2013 " + first.last_at + " \u00b7 " + first.streams.length
        + " stream(s)";
      heading.textContent = (state.agent && state.agent.name ? state.agent.name + " \u00b7 " : "") + agentId;
      placeSlider();
      timeline.markInstant(at || null);
      const drawn = snapshot.show(state);
      timings.open.push({ ms: performance.now() - started, drawn });
      document.body.dataset.ready = "agent";
    })
    .catch(page.report);
  return {
    dispose() {
      clearTimeout(pending);
      if (controller) {
        controller.abort();
      }
      timeline.dispose();
      delete document.body.dataset.ready;
      delete document.body.dataset.moving;
    },
  };
}
