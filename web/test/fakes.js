// Test doubles for the client module: a WebSocket the test plays the server of, a fetch answering
// from a table of routes, and a clock that moves only when the test says so.

export class FakeClock {
  #now = 0;
  #timers = new Map();
  #next = 1;

  setTimeout = (fn, ms) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms ?? 0), fn });
    return id;
  };
  clearTimeout = (id) => this.#timers.delete(id);
  now = () => this.#now;

  /** Moves time forward, running each timer that comes due, in order, with promises settled between. */
  async advance(ms) {
    const end = this.#now + ms;
    for (;;) {
      await settle();
      let due = null;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && (due === null || t.at < this.#timers.get(due).at)) due = id;
      }
      if (due === null) break;
      const t = this.#timers.get(due);
      this.#timers.delete(due);
      this.#now = t.at;
      t.fn();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets every pending promise callback run. */
export async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export class FakeWebSocket {
  static instances = [];
  sent = [];
  closedWith = null;

  constructor(url) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }
  static reset() {
    FakeWebSocket.instances = [];
  }
  static get last() {
    return FakeWebSocket.instances.at(-1);
  }

  send(text) {
    if (this.closedWith !== null) throw new Error('send on a closed socket');
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000) {
    if (this.closedWith !== null) return;
    this.closedWith = code;
    this.onclose?.({ code, reason: '' });
  }

  // the server's side
  open() {
    this.onopen?.({});
  }
  receive(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.closedWith = code;
    this.onclose?.({ code, reason: '' });
  }
  /** The frames of a type sent so far. */
  frames(type) {
    return this.sent.filter((f) => f.type === type);
  }
}

/**
 * A fetch for `routes`: `{ 'POST /api/v1/ws-tickets': (url, init) => [status, body] }`, matched on
 * method and path (query ignored). Records every call in `calls`.
 */
export function fakeFetch(routes) {
  const calls = [];
  const fetch = async (url, init) => {
    const u = new URL(url);
    const key = `${init.method} ${u.pathname}`;
    calls.push({ key, url: u, init });
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: key } }), { status: 404 });
    const [status, body, headers = {}] = await route(u, init);
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };
  fetch.calls = calls;
  return fetch;
}

let seq = 0;
/** A message as the server sends it. */
export function message(conversationId, s, prev, extra = {}) {
  seq++;
  return {
    id: `m${s}`,
    conversation_id: conversationId,
    seq: s,
    prev_seq: prev,
    sender_id: 'bob',
    type: 'text',
    content: `message ${s}`,
    reply_to_id: null,
    attachments: [],
    reactions: [],
    client_msg_id: null,
    created_at: '2026-01-01T00:00:00Z',
    edited_at: null,
    deleted: false,
    system: null,
    ...extra,
  };
}
