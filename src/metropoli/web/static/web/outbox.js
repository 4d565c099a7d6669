// The outbox on the device: writes made without signal wait here (IndexedDB, through the
// vendored idb-keyval) and go out in the order they were made once there is signal. Used by the
// tree capture and by Participa's touch table (decision 0058).
//
// Every request carries its Idempotency-Key from the moment it is queued, and keeps it on every
// retry: when an answer is lost the retry gets the first answer back instead of a second record,
// so a request is applied exactly once even though it may be sent more than once.
//
//   - 2xx: sent; the entry leaves the queue (or is replaced, in the same transaction, by the
//     request that must follow it, e.g. a tree's photo once the tree exists);
//   - no answer (no signal, lost answer), 408/409/425/429 and 5xx: kept, and the queue stops there
//     so that later requests do not overtake it; the next try waits longer each time (exponential
//     back-off with jitter, or the server's Retry-After), except when the signal comes back or the
//     person asks to send now;
//   - another 4xx: refused for good; the entry stays in the queue marked "refused" with the
//     server's message, so the page shows it and the person discards it.
// Pages listen to the events "change", "sent", "refused" and "waiting".
import { createStore, promisifyRequest } from "../vendor/idb-keyval/idb-keyval.js";

const BACKOFF_MS = 10_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Worth trying again later: the server may take it then (the caller may add e.g. 401/403,
// which a person fixes by logging in again).
export function isTransient(status) {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

let lastSeq = 0;
function nextSeq(at = Date.now()) {
  lastSeq = Math.max(at, lastSeq + 0.001);
  return lastSeq;
}

function retryAfterMs(response) {
  const value = response && response.headers.get("Retry-After");
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at - Date.now() : 0;
}

function backoffMs(attempts) {
  const plain = Math.min(BACKOFF_MAX_MS, BACKOFF_MS * 2 ** Math.max(attempts - 1, 0));
  return plain / 2 + Math.random() * (plain / 2); // jitter: devices do not retry in step
}

function body(entry) {
  if (entry.json !== undefined) return JSON.stringify(entry.json);
  if (entry.form) {
    const data = new FormData();
    for (const [name, value, filename] of entry.form) {
      if (filename) data.append(name, value, filename);
      else data.append(name, value);
    }
    return data;
  }
  return undefined;
}

export class Outbox extends EventTarget {
  // name: the queue (one IndexedDB database per queue); group: only this group's entries are
  // listed and sent (e.g. one proceeding's); headers(): added when sending (tokens that may
  // change while a request waits); keep(status): statuses to retry; followUp(entry, body): the
  // request that replaces a sent one, or null.
  constructor(name, options = {}) {
    super();
    this.name = name;
    this.group = options.group ?? "";
    this.credentials = options.credentials ?? "same-origin";
    this.headers = options.headers ?? (() => ({}));
    this.keep = options.keep ?? isTransient;
    this.followUp = options.followUp ?? (() => null);
    this.store = createStore(`metropoli-outbox-${name}`, "requests");
    this.running = null;
    this.timer = null;
  }

  // Queue a request: {url, method = "POST", json | form: [[name, value, filename?]], headers,
  // meta, key}. A key already queued is not queued twice (a double press of "Save").
  async add(request) {
    const entry = {
      key: request.key || newKey(),
      group: request.group ?? this.group,
      seq: nextSeq(request.at),
      url: request.url,
      method: request.method || "POST",
      headers: request.headers || {},
      json: request.json,
      form: request.form,
      meta: request.meta || {},
      state: "waiting",
      attempts: 0,
      retryAt: 0,
      message: "",
    };
    // Look up and add in one transaction, by callbacks: a transaction does not outlive them.
    const added = await this.store("readwrite", (store) => new Promise((resolve, reject) => {
      const found = store.get(entry.key);
      found.onerror = () => reject(found.error);
      found.onsuccess = () => {
        if (found.result) { resolve(found.result); return; }
        store.add(entry, entry.key);
        store.transaction.oncomplete = () => resolve(entry);
        store.transaction.onerror = () => reject(store.transaction.error);
      };
    }));
    this.changed();
    return added;
  }

  async list() {
    const all = await this.store("readonly", (store) => promisifyRequest(store.getAll()));
    return all.filter((e) => e.group === this.group).sort((a, b) => a.seq - b.seq);
  }

  async discard(key) {
    await this.store("readwrite", (store) => {
      store.delete(key);
      return promisifyRequest(store.transaction);
    });
    this.changed();
  }

  async put(entry, replaces = null) {
    await this.store("readwrite", (store) => {
      if (replaces && replaces !== entry.key) store.delete(replaces);
      store.put(entry, entry.key);
      return promisifyRequest(store.transaction);
    });
  }

  changed() {
    this.dispatchEvent(new CustomEvent("change"));
  }

  // Send when online now, when the signal comes back, and when a waiting entry is due.
  start() {
    window.addEventListener("online", () => this.flush({ now: true }));
    return this.flush();
  }

  // Send the waiting entries in order, one at a time; a second call while one runs waits for it
  // rather than sending anything twice. now: ignore the back-off (the person asked, or the
  // signal came back).
  flush({ now = false } = {}) {
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.running = this.sendAll(now).finally(() => {
      this.running = null;
      this.changed();
      this.schedule();
    });
    return this.running;
  }

  async sendAll(now) {
    if (!navigator.onLine) return;
    for (const entry of await this.list()) {
      if (entry.state === "refused") continue;
      if (!now && entry.retryAt > Date.now() + 50) return;
      if (!(await this.sendOne(entry))) return;
    }
  }

  async schedule() {
    const waiting = (await this.list()).filter((e) => e.state !== "refused");
    if (!waiting.length) return;
    const delay = Math.max(waiting[0].retryAt - Date.now(), BACKOFF_MS);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delay);
  }

  // True when the queue may go on to the next entry.
  async sendOne(entry) {
    let response;
    let answer = null;
    try {
      const headers = {
        Accept: "application/json",
        ...(entry.json !== undefined ? { "Content-Type": "application/json" } : {}),
        ...entry.headers,
        ...this.headers(entry),
        "Idempotency-Key": entry.key,
      };
      response = await fetch(entry.url, {
        method: entry.method, headers, body: body(entry), credentials: this.credentials,
      });
      answer = await response.json().catch(() => null);
    } catch (error) {
      // No signal, or the answer was lost on the way: the same key makes the retry safe.
      return this.wait(entry, null, null, error);
    }
    if (response.ok) {
      const next = this.followUp(entry, answer);
      if (next) {
        const following = { ...entry, ...next, key: next.key, meta: next.meta || entry.meta,
                            headers: next.headers || {}, attempts: 0, retryAt: 0 };
        if (!("json" in next)) delete following.json;
        if (!("form" in next)) delete following.form;
        await this.put(following, entry.key);
        this.dispatchEvent(new CustomEvent("sent", { detail: { entry, body: answer, next } }));
        return this.sendOne(following);
      }
      await this.discard(entry.key);
      this.dispatchEvent(new CustomEvent("sent", { detail: { entry, body: answer, next } }));
      return true;
    }
    if (this.keep(response.status)) return this.wait(entry, response, answer);
    entry.state = "refused";
    entry.status = response.status;
    entry.message = (answer && answer.message) || String(response.status);
    await this.put(entry);
    this.dispatchEvent(new CustomEvent("refused", { detail: { entry, body: answer } }));
    return true;
  }

  async wait(entry, response, answer, error = null) {
    entry.attempts += 1;
    entry.retryAt = Date.now() + Math.max(retryAfterMs(response), backoffMs(entry.attempts));
    await this.put(entry);
    const status = response ? response.status : 0;
    this.dispatchEvent(new CustomEvent("waiting", { detail: { entry, status, body: answer, error } }));
    return false;
  }

  // Take over the entries an older, page-specific queue left on the device (a database with a
  // store keyed by "key"): convert(record) gives the request to queue ({..., refused: message}
  // for one the server had refused), or null for a record with nothing left to send. The old
  // database is deleted afterwards; it is never created.
  async adopt(dbName, storeName, convert) {
    const db = await new Promise((resolve) => {
      const request = indexedDB.open(dbName);
      request.onupgradeneeded = () => request.transaction.abort(); // it did not exist
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    });
    if (!db) return;
    try {
      if (!db.objectStoreNames.contains(storeName)) return;
      const read = db.transaction(storeName, "readonly").objectStore(storeName).getAll();
      const records = await promisifyRequest(read);
      for (const record of records) {
        const request = convert(record);
        if (!request) continue;
        const entry = await this.add(request);
        if (request.refused) await this.put({ ...entry, state: "refused", message: request.refused });
      }
      db.close();
      indexedDB.deleteDatabase(dbName); // not awaited: an old page still open keeps it a while
    } finally {
      db.close();
    }
  }
}
