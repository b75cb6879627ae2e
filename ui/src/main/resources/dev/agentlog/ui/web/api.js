// The API as the UI uses it: the key (kept in this tab's session storage, sent as a Bearer token) and GET requests
// to the read routes of the same origin. Every failure becomes an ApiError whose message says what to do.

const KEY = "agentlog.key";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function key() {
  return sessionStorage.getItem(KEY);
}

export function setKey(value) {
  if (value) {
    sessionStorage.setItem(KEY, value);
  } else {
    sessionStorage.removeItem(KEY);
  }
}

/** GET path with the parameters that are set; resolves to the JSON body, rejects with an ApiError. */
export async function get(path, params = {}, options = {}) {
  // encodeURIComponent, not URLSearchParams: the API reads '+' as a plus (an instant's offset), never as a space
  const query = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([name, value]) => encodeURIComponent(name) + "=" + encodeURIComponent(value)).join("&");
  const url = path + (query ? "?" + query : "");
  if (!key()) {
    throw new ApiError(401, "Enter an API key with the state:read scope to see data.");
  }
  let response;
  try {
    response = await fetch(url, { headers: { Authorization: "Bearer " + key() }, signal: options.signal });
  } catch (e) {
    if (e.name === "AbortError") {
      throw e;
    }
    throw new ApiError(0, "The server cannot be reached (" + e.message + ").");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (response.ok) {
    return body;
  }
  const said = body && body.error ? body.error : response.statusText;
  if (response.status === 401) {
    throw new ApiError(401, "The key was not accepted (401): " + said + ". Enter another key.");
  }
  if (response.status === 403) {
    throw new ApiError(403, "This key may not read this (403): " + said);
  }
  throw new ApiError(response.status, said + " (" + response.status + ")");
}
