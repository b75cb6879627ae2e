// The page: the key form, the message line, and the router that shows one view per URL hash.
import { ApiError, key, setKey } from "./api.js";
import { parse } from "./state.js";
import { showAgents } from "./agents.js";
import { showAgent } from "./agent.js";
import { showBlock } from "./block.js";
import { showDeadLetters } from "./deadletters.js";

const views = { agents: showAgents, agent: showAgent, block: showBlock, deadletters: showDeadLetters };
const view = document.getElementById("view");
const message = document.getElementById("message");
const keyForm = document.getElementById("key-form");
let current = null;

/** Shows an error (an ApiError's message says what to do); a 401 also asks for a key. */
export function report(error) {
  if (error && error.name === "AbortError") {
    return;
  }
  console.error(error);
  message.textContent = error instanceof ApiError ? error.message : "Something went wrong: " + error;
  message.dataset.status = error instanceof ApiError ? String(error.status) : "";
  message.hidden = false;
  if (error instanceof ApiError && error.status === 401) {
    keyForm.hidden = false;
  }
}

export function clearMessage() {
  message.hidden = true;
  message.textContent = "";
  message.dataset.status = "";
}

function route() {
  clearMessage();
  if (current && current.dispose) {
    current.dispose();
  }
  const { view: name, id, params } = parse(location.hash);
  const show = views[name] || showAgents;
  view.replaceChildren();
  document.querySelectorAll("header nav a").forEach(a => a.classList.toggle("active", a.hash.startsWith("#/" + name)));
  if (!key()) {
    keyForm.hidden = false;
    report(new ApiError(401, "Enter an API key with the state:read scope to see data."));
    current = null;
    return;
  }
  current = show(view, id, params, { report, clearMessage }) || null;
}

keyForm.addEventListener("submit", event => {
  event.preventDefault();
  setKey(new FormData(keyForm).get("key").trim());
  keyForm.reset();
  keyForm.hidden = true;
  route();
});
document.getElementById("change-key").addEventListener("click", () => {
  keyForm.hidden = !keyForm.hidden;
});
window.addEventListener("hashchange", route);
route();
