// A few DOM helpers: elements from a tag, attributes and children; text that is never parsed as HTML.

/** An element: h("a", {href: "#"}, "text", child, ...). An attribute on<event> becomes a listener, never inline code. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === "class") {
      element.className = value;
    } else if (name.startsWith("on")) {
      element.addEventListener(name.substring(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : value);
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
}

/**
 * Brings the children of parent in line with items, keyed: an item whose key and signature are unchanged keeps its
 * element (nothing is redrawn), a changed one is rendered anew, a gone one removed. Returns how many were rendered.
 */
export function reconcile(parent, items, keyOf, signatureOf, render) {
  const existing = new Map();
  for (const child of Array.from(parent.children)) {
    existing.set(child.dataset.key, child);
  }
  let rendered = 0;
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    const signature = signatureOf(item);
    let element = existing.get(key);
    if (!element || element.dataset.signature !== signature) {
      const fresh = render(item);
      fresh.dataset.key = key;
      fresh.dataset.signature = signature;
      if (element) {
        element.replaceWith(fresh);
        fresh.classList.add("changed");
      }
      element = fresh;
      rendered++;
    }
    existing.delete(key);
    const expectedPlace = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (expectedPlace !== element) {
      parent.insertBefore(element, expectedPlace);
    }
    previous = element;
  }
  for (const gone of existing.values()) {
    gone.remove();
  }
  return rendered;
}

/** "2026-11-24T00:00:01.234567Z" as it is: the log's instants are shown exactly, in UTC. */
export function time(value) {
  return value ?? "—";
}

/** Letta's typed content as plain text. */
export function contentText(content) {
  if (!Array.isArray(content)) {
    return content == null ? "" : JSON.stringify(content);
  }
  return content.map(part => (part && typeof part.text === "string") ? part.text : JSON.stringify(part)).join(" ");
}

/** An RFC 3339 instant as microseconds since the epoch (exact, unlike Date.parse's milliseconds); NaN if it is none. */
export function micros(instant) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(instant || "");
  if (!m) {
    return NaN;
  }
  return Date.parse(m[1] + m[3]) * 1000 + Number(((m[2] || "") + "000000").substring(0, 6));
}

/** Microseconds since the epoch as RFC 3339 in UTC with six fraction digits. */
export function instantOf(micros) {
  const millis = Math.floor(micros / 1000);
  const base = new Date(millis).toISOString().substring(0, 19);
  const fraction = String(micros - Math.floor(micros / 1e6) * 1e6).padStart(6, "0");
  return base + "." + fraction + "Z";
}
