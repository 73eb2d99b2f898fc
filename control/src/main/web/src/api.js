// The operator REST API, with the admin token the person signed in with. The token lives in sessionStorage: it goes
// with the tab, never into a cookie, so no other site can make the browser use it.
const KEY = "fogline.adminToken";

export class Unauthorized extends Error {}

/** Takes a token handed over in the address's fragment (#token=...), which never reaches a server, then hides it. */
export function adoptTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

async function send(method, path) {
  const answer = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token()}`, Accept: "application/json" },
    cache: "no-store",
  });
  if (answer.status === 401 || answer.status === 403) {
    throw new Unauthorized(await errorOf(answer));
  }
  if (!answer.ok) {
    throw new Error(`${method} ${path}: ${answer.status} ${await errorOf(answer)}`);
  }
  return answer;
}

const call = async (method, path) => (await send(method, path)).json();

/** A paged list: its items, how many there are in all (X-Total-Count), and the cursor of the next page (Link). */
export async function page(path) {
  const answer = await send("GET", path);
  const next = /<([^>]*)>;\s*rel="next"/.exec(answer.headers.get("Link") ?? "");
  return {
    items: await answer.json(),
    total: Number(answer.headers.get("X-Total-Count")),
    next: next ? new URL(next[1], location.href).searchParams.get("after") : null,
  };
}

async function errorOf(answer) {
  try {
    return (await answer.json()).error ?? answer.statusText;
  } catch {
    return answer.statusText;
  }
}

export const get = (path) => call("GET", path);
export const post = (path) => call("POST", path);
