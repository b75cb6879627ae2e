// What the URL holds: the view and its selection, in the hash (#/agent/<id>?at=...&types=...), so that a link
// opens the same view in the same state. The key is never put in the URL.

/** The route of a hash: {view, id, params}. */
export function parse(hash) {
  const text = (hash || "").replace(/^#\/?/, "");
  const [path, query = ""] = text.split("?", 2);
  const [view, ...rest] = path.split("/");
  return {
    view: view || "agents",
    id: rest.length > 0 ? decodeURIComponent(rest.join("/")) : null,
    params: Object.fromEntries(new URLSearchParams(query)),
  };
}

/** The hash of a route; parameters that are empty are left out. */
export function format(view, id, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") {
      query.set(name, value);
    }
  }
  return "#/" + view + (id ? "/" + encodeURIComponent(id) : "") + (query.size > 0 ? "?" + query : "");
}

/** Replaces the URL's hash without a new history entry or a route change (a slider move, a filter edit). */
export function replace(view, id, params) {
  const hash = format(view, id, params);
  if (location.hash !== hash) {
    history.replaceState(null, "", hash);
  }
}
