// The agents: a search box and a page of agents with their name, id, last activity and counts.
import { get } from "./api.js";
import { h, time } from "./dom.js";
import { format, replace } from "./state.js";

export function showAgents(view, id, params, page) {
  const query = params.q || "";
  const number = Math.max(1, parseInt(params.page || "1", 10) || 1);
  const search = h("input", { type: "search", name: "q", value: query, placeholder: "name or id", "data-test": "agent-search" });
  const form = h("form", { class: "toolbar", onsubmit: event => {
    event.preventDefault();
    location.hash = format("agents", null, { q: search.value.trim() });
  } }, h("label", {}, "Search ", search), h("button", { type: "submit", "data-test": "agent-search-submit" }, "Search"));
  const table = h("table", { class: "list", "data-test": "agents" });
  const pager = h("div", { class: "pager" });
  view.append(h("h1", {}, "Agents"), form, table, pager);
  // An answer that comes after the page moved on is dropped: it would put this view's URL back over the next one's.
  const shown = location.hash;
  const controller = new AbortController();
  get("/v1/agents", { query, page: number }, { signal: controller.signal }).then(answer => {
    if (controller.signal.aborted || location.hash !== shown) {
      return;
    }
    replace("agents", null, { q: query, page: number > 1 ? number : "" });
    table.append(h("thead", {}, h("tr", {}, ["Name", "Id", "Last activity", "Events", "Messages", "In context", "Blocks"]
        .map(title => h("th", {}, title)))));
    const body = h("tbody");
    for (const agent of answer.agents) {
      body.append(h("tr", { "data-agent-id": agent.agent_id, class: agent.deleted_at ? "deleted" : "" },
          h("td", {}, h("a", { href: format("agent", agent.agent_id), "data-test": "agent-link" }, agent.name ?? "(no name)")),
          h("td", { class: "id" }, agent.agent_id),
          h("td", { class: "time" }, time(agent.last_activity)),
          h("td", { class: "n" }, agent.events), h("td", { class: "n" }, agent.messages),
          h("td", { class: "n" }, agent.in_context), h("td", { class: "n" }, agent.blocks)));
    }
    table.append(body);
    if (answer.agents.length === 0) {
      table.append(h("caption", {}, query ? "No agent's name or id holds \u201c" + query + "\u201d." : "No agents yet."));
    }
    pager.append(number > 1 ? h("a", { href: format("agents", null, { q: query, page: number - 1 }) }, "\u2190 previous") : "",
        h("span", { "data-test": "agents-page" }, " page " + answer.page + " of " + answer.pages + " (" + answer.total
            + " agents) "),
        number < answer.pages ? h("a", { href: format("agents", null, { q: query, page: number + 1 }),
            "data-test": "agents-next" }, "next \u2192") : "");
    document.body.dataset.ready = "agents";
  }).catch(page.report);
  return {
    dispose() {
      controller.abort();
      delete document.body.dataset.ready;
    },
  };
}
