// Parley's JavaScript client: the public API (REST under /api/v1 and the /ws socket) for browsers
// and Node 20+, as one ES module without dependencies. Served by every gateway at
// /parley-client.js; documented in docs/clients.md. The contract it follows: docs/api.md and
// docs/asyncapi.yaml.
//
//   import { ParleyClient } from '/parley-client.js';
//   const client = new ParleyClient({ token });
//   client.on('message.new', (message) => show(message));
//   client.connect();
//   const { acked } = client.send({ conversation_id, content: 'hi' });
//   await acked; // durable: stored and delivered to every member, even if this tab closes now

/** A failed call: the contract's error code, the HTTP status (0 for a WebSocket frame), a retry hint. */
export class ParleyError extends Error {
  constructor(code, message, { status = 0, retryAfterMs = null, dropped = false } = {}) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    /** True when no answer came because the socket was not open or went away: nothing was refused. */
    this.dropped = dropped;
  }
}

/**
 * What a close code of the server means and when to come back (docs/asyncapi.yaml, "Close codes").
 * `reconnect`: 'now' (at once), 'soon' (after a short random delay), 'backoff' (a growing delay
 * with jitter) or false (retrying cannot help without a change on the client).
 */
export const CLOSE_CODES = Object.freeze({
  1001: { reconnect: 'soon', why: 'the gateway is shutting down' },
  1006: { reconnect: 'soon', why: 'the connection was lost' },
  1007: { reconnect: 'backoff', why: 'a frame was not valid UTF-8' },
  1008: { reconnect: false, why: 'the connection broke a rule of the contract' },
  1009: { reconnect: 'backoff', why: 'a frame was over the size limit' },
  4000: { reconnect: 'now', why: 'nothing was heard from the client for too long' },
  4008: { reconnect: 'soon', why: 'the client read too slowly' },
});

export function closeAdvice(code) {
  return CLOSE_CODES[code] ?? { reconnect: 'backoff', why: `closed with ${code}` };
}

/** The n-th (from 0) reconnect delay: doubling from `baseMs` up to `maxMs`, with 50–100 % jitter. */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 10_000 } = {}, random = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * A search hit's `highlight` (the content HTML-escaped, matches in `<mark>…</mark>`) as plain-text
 * pieces: `[{ text, mark }]`. Render each piece as a text node (a marked one inside a `<mark>`
 * element): never assign the highlight to innerHTML.
 */
export function highlightSegments(highlight) {
  const unescape = (s) =>
    s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);
  const out = [];
  const re = /<mark>(.*?)<\/mark>/gs;
  let at = 0;
  for (let m = re.exec(highlight); m; m = re.exec(highlight)) {
    if (m.index > at) out.push({ text: unescape(highlight.slice(at, m.index)), mark: false });
    out.push({ text: unescape(m[1]), mark: true });
    at = re.lastIndex;
  }
  if (at < highlight.length) out.push({ text: unescape(highlight.slice(at)), mark: false });
  return out;
}

/** A fresh client_msg_id (the idempotency key of a send). */
export function newClientMsgId() {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Error codes after which the same send is tried again (later), rather than given up. */
const RETRYABLE = new Set(['unavailable', 'rate_limited', 'internal']);

export class ParleyClient {
  #base;
  #token;
  #WebSocket;
  #fetch;
  #timers;
  #random;
  #opts;
  #handlers = new Map();

  #ws = null;
  #state = 'idle';
  #wanted = false;
  #attempt = 0;
  #reconnectTimer = null;
  #nextFrameId = 1;
  /** Frames of this socket waiting for their ack: id -> { resolve, reject, timer }. */
  #awaiting = new Map();
  /** Sends not acknowledged yet, in the order they were made: client_msg_id -> entry. */
  #outbox = new Map();
  /** The highest seq delivered (or noted as shown) per conversation: where a resume starts. */
  #last = new Map();
  /** Conversations being caught up with after_seq: id -> live messages held until it is done. */
  #catchingUp = new Map();
  /** Bumped on every new socket: work of an older one (a catch-up, a timer) stops when it changes. */
  #generation = 0;
  #typingOut = new Map();
  #typingIn = new Map();

  /**
   * @param {object} o
   * @param {string} o.token a Parley JWT (dev token or one issued elsewhere)
   * @param {string} [o.baseUrl] the gateway, `http(s)://host:port`; default: the page's origin
   * @param {Function} [o.WebSocket] default: globalThis.WebSocket (Node 20: pass the `ws` package's)
   * @param {Function} [o.fetch] default: globalThis.fetch
   * @param {object} [o.timers] `{ setTimeout, clearTimeout, now }`, for tests
   * @param {number} [o.ackTimeoutMs] a send not acknowledged within this is taken as a dead socket
   * @param {number} [o.typingRenewMs] how often a typing indicator is renewed while typing (the
   *   server lets one lapse after 5 s)
   * @param {number} [o.typingIdleMs] typing stops by itself after this long without a keystroke
   * @param {number} [o.typingLapseMs] someone else's indicator not renewed within this is dropped
   * @param {object} [o.backoff] `{ baseMs, maxMs }` of the reconnect delay
   */
  constructor({
    token,
    baseUrl,
    WebSocket = globalThis.WebSocket,
    fetch = globalThis.fetch?.bind(globalThis),
    timers,
    random = Math.random,
    ackTimeoutMs = 15_000,
    typingRenewMs = 3_000,
    typingIdleMs = 4_000,
    typingLapseMs = 6_000,
    backoff = { baseMs: 500, maxMs: 10_000 },
  } = {}) {
    if (!token) throw new TypeError('a token is required');
    this.#token = token;
    this.#base = (baseUrl ?? globalThis.location?.origin ?? '').replace(/\/+$/, '');
    this.#WebSocket = WebSocket;
    this.#fetch = fetch;
    this.#timers = timers ?? {
      setTimeout: (f, ms) => globalThis.setTimeout(f, ms),
      clearTimeout: (t) => globalThis.clearTimeout(t),
      now: () => Date.now(),
    };
    this.#random = random;
    this.#opts = { ackTimeoutMs, typingRenewMs, typingIdleMs, typingLapseMs, backoff };
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Listens to `type`; returns a function that stops listening. Types: every server event of
   * docs/asyncapi.yaml (`message.new`, `message.updated`, `reaction.added`, `typing.indicator`,
   * `presence.changed`, `conversation.created`, …) with its `data`, and the client's own:
   * `state` `{state, attempt, delayMs, code, reason}`, `resumed` `{conversation_ids}` (after a
   * reconnect's catch-up: refresh lists and details), `typing` `{conversation_id, user_ids}`,
   * `auth.failed` `{reason}` and `error` (an error frame that answered no frame of ours).
   * `message.new` handlers get a second argument `{replayed}`: true when the message came from
   * history after a gap or a reconnect rather than live.
   */
  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return () => this.#handlers.get(type)?.delete(handler);
  }

  #emit(type, data, meta) {
    for (const h of [...(this.#handlers.get(type) ?? [])]) {
      try {
        h(data, meta);
      } catch (e) {
        globalThis.console?.error?.(`a ${type} handler failed`, e);
      }
    }
  }

  /** 'idle', 'connecting', 'open', 'reconnecting' or 'closed'. */
  get state() {
    return this.#state;
  }

  /** Sends waiting for their ack (shown as pending). */
  get pending() {
    return [...this.#outbox.values()].map((e) => e.data);
  }

  #setState(state, extra = {}) {
    this.#state = state;
    this.#emit('state', { state, attempt: this.#attempt, ...extra });
  }

  // ---- REST -----------------------------------------------------------------------------------

  /** One REST call; resolves with the parsed JSON body (null for 204), rejects with ParleyError. */
  async request(method, path, { body, query, form, blob } = {}) {
    const url = new URL(this.#base + path, this.#base || globalThis.location?.href);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    }
    const headers = { Authorization: `Bearer ${this.#token}` };
    let payload;
    if (form) {
      payload = form; // the browser writes the multipart boundary
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res;
    try {
      res = await this.#fetch(url.toString(), { method, headers, body: payload });
    } catch (e) {
      throw new ParleyError('unavailable', `cannot reach the gateway: ${e.message ?? e}`);
    }
    if (res.ok) {
      if (res.status === 204) return null;
      return blob ? res.blob() : res.json();
    }
    let error = { code: 'internal', message: `HTTP ${res.status}` };
    try {
      error = (await res.json()).error ?? error;
    } catch {
      // not JSON: keep the status line
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    const err = new ParleyError(error.code, error.message, {
      status: res.status,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
    });
    if (res.status === 401) this.#emit('auth.failed', { reason: error.message });
    throw err;
  }

  listConversations({ limit, cursor } = {}) {
    return this.request('GET', '/api/v1/conversations', { query: { limit, cursor } });
  }
  getConversation(id) {
    return this.request('GET', `/api/v1/conversations/${enc(id)}`);
  }
  /** `{type: 'group', name, member_ids}` or `{type: 'direct', member_ids: [other]}`. */
  createConversation(body) {
    return this.request('POST', '/api/v1/conversations', { body });
  }
  /** A page of history, oldest first: the newest page, or `{before_seq}` / `{after_seq}`. */
  history(conversationId, { before_seq, after_seq, limit } = {}) {
    return this.request('GET', `/api/v1/conversations/${enc(conversationId)}/messages`, {
      query: { before_seq, after_seq, limit },
    });
  }
  editMessage(id, content) {
    return this.request('PUT', `/api/v1/messages/${enc(id)}`, { body: { content } });
  }
  deleteMessage(id) {
    return this.request('DELETE', `/api/v1/messages/${enc(id)}`);
  }
  addReaction(id, emoji) {
    return this.request('POST', `/api/v1/messages/${enc(id)}/reactions`, { body: { emoji } });
  }
  removeReaction(id, emoji) {
    return this.request('DELETE', `/api/v1/messages/${enc(id)}/reactions/${enc(emoji)}`);
  }
  search(q, { conversation_id, limit } = {}) {
    return this.request('GET', '/api/v1/search/messages', { query: { q, conversation_id, limit } });
  }
  onlineUsers(userIds) {
    return this.request('GET', '/api/v1/users/online', {
      query: { user_ids: userIds?.length ? userIds.join(',') : undefined },
    });
  }
  /** Uploads a Blob or File (multipart field `file`); resolves with `{id, name, size, content_type}`. */
  upload(blob, name = blob.name ?? 'file') {
    const form = new FormData();
    form.append('file', blob, name);
    return this.request('POST', '/api/v1/files', { form });
  }
  /** A file's bytes as a Blob (the request needs the token, so a plain link cannot fetch it). */
  download(fileId) {
    return this.request('GET', `/api/v1/files/${enc(fileId)}`, { blob: true });
  }

  // ---- the socket -----------------------------------------------------------------------------

  /** Opens the socket, and keeps it open (reconnecting with backoff) until close(). */
  connect() {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#attempt = 0;
    this.#open();
  }

  /** Closes the socket for good; sends still waiting are rejected. */
  close() {
    this.#wanted = false;
    this.#timers.clearTimeout(this.#reconnectTimer);
    this.#generation++;
    const ws = this.#ws;
    this.#ws = null;
    this.#dropSocketState();
    ws?.close(1000);
    for (const e of this.#outbox.values()) {
      this.#timers.clearTimeout(e.retryTimer);
      e.reject(new ParleyError('unavailable', 'the client was closed'));
    }
    this.#outbox.clear();
    this.#setState('closed', { reason: 'closed by the client' });
  }

  async #open() {
    const generation = ++this.#generation;
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let ticket;
    try {
      // a single-use ticket keeps the long-lived token out of the URL (docs/api.md, Authentication)
      ticket = (await this.request('POST', '/api/v1/ws-tickets')).ticket;
    } catch (e) {
      if (generation !== this.#generation) return;
      if (e.status === 401) {
        this.#wanted = false;
        this.#setState('closed', { reason: 'the token was refused' });
        return;
      }
      this.#scheduleReconnect('backoff', { reason: e.message });
      return;
    }
    if (generation !== this.#generation) return;
    const url = new URL('/ws', this.#base || globalThis.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket);
    const ws = new this.#WebSocket(url.toString());
    this.#ws = ws;
    ws.onopen = () => generation === this.#generation && this.#opened();
    ws.onmessage = (ev) => generation === this.#generation && this.#frame(ev.data);
    ws.onerror = () => {}; // a close event follows, with the code
    ws.onclose = (ev) => generation === this.#generation && this.#closed(ev.code, ev.reason);
  }

  #opened() {
    this.#attempt = 0;
    this.#setState('open');
    // Resume every conversation from the last seq it had when the old socket ended: these are
    // marked before any frame of the new socket is read, so its live messages wait for the
    // history in between (docs/api.md, "Resuming after a reconnect").
    const ids = [...this.#last.keys()];
    for (const id of ids) this.#catchingUp.set(id, []);
    Promise.all(ids.map((id) => this.#catchUp(id, this.#generation))).then((done) => {
      if (done.every(Boolean)) this.#emit('resumed', { conversation_ids: ids });
    });
    for (const entry of this.#outbox.values()) this.#transmit(entry);
  }

  #closed(code, reason) {
    this.#ws = null;
    this.#generation++;
    this.#dropSocketState();
    if (!this.#wanted) return;
    const advice = closeAdvice(code);
    if (advice.reconnect === false) {
      this.#wanted = false;
      this.#setState('closed', { code, reason: reason || advice.why });
      for (const e of this.#outbox.values()) e.reject(new ParleyError('forbidden', advice.why));
      this.#outbox.clear();
      return;
    }
    this.#scheduleReconnect(advice.reconnect, { code, reason: reason || advice.why });
  }

  #scheduleReconnect(kind, extra) {
    let delayMs;
    if (kind === 'now' && this.#attempt === 0) delayMs = 0;
    else if (kind === 'soon' && this.#attempt === 0) delayMs = Math.round(this.#random() * 1000);
    else delayMs = backoffDelay(this.#attempt, this.#opts.backoff, this.#random);
    this.#attempt++;
    this.#setState('reconnecting', { delayMs, ...extra });
    this.#timers.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = this.#timers.setTimeout(() => this.#wanted && this.#open(), delayMs);
  }

  /** What lived with one socket: answers it owed, catch-ups, typing both ways. */
  #dropSocketState() {
    for (const a of this.#awaiting.values()) {
      this.#timers.clearTimeout(a.timer);
      a.reject(new ParleyError('unavailable', 'the connection closed before the answer', { dropped: true }));
    }
    this.#awaiting.clear();
    this.#catchingUp.clear();
    for (const t of this.#typingOut.values()) this.#timers.clearTimeout(t.idle);
    this.#typingOut.clear();
    for (const [conversationId, users] of this.#typingIn) {
      for (const timer of users.values()) this.#timers.clearTimeout(timer);
      this.#emit('typing', { conversation_id: conversationId, user_ids: [] });
    }
    this.#typingIn.clear();
  }

  /** Sends a client frame; with `answer`, resolves with the ack's data or rejects with its error. */
  #frame_out(type, data, answer) {
    const ws = this.#ws;
    if (!ws || this.#state !== 'open') {
      return answer ? Promise.reject(new ParleyError('unavailable', 'not connected', { dropped: true })) : null;
    }
    if (!answer) {
      ws.send(JSON.stringify({ type, data }));
      return null;
    }
    const id = String(this.#nextFrameId++);
    return new Promise((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        // no answer on an open socket: it is dead without knowing it; a new one resends
        this.#awaiting.delete(id);
        reject(new ParleyError('unavailable', 'no answer in time', { dropped: true }));
        if (this.#ws === ws) ws.close(4001, 'no answer in time');
      }, this.#opts.ackTimeoutMs);
      this.#awaiting.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ type, id, data }));
    });
  }

  #frame(raw) {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    const { type, id, data } = frame;
    if ((type === 'ack' || type === 'error') && id !== undefined) {
      const a = this.#awaiting.get(id);
      if (!a) return;
      this.#awaiting.delete(id);
      this.#timers.clearTimeout(a.timer);
      if (type === 'ack') a.resolve(data ?? {});
      else
        a.reject(
          new ParleyError(data?.code ?? 'internal', data?.message ?? 'error', {
            retryAfterMs: data?.retry_after_ms ?? null,
          }),
        );
      return;
    }
    if (type === 'error') {
      this.#emit('error', data);
      return;
    }
    if (type === 'message.new') {
      this.#live(data);
      return;
    }
    if (type === 'typing.indicator') this.#typingIndicator(data);
    this.#emit(type, data);
  }

  // ---- messages: order, gaps, resume -----------------------------------------------------------

  /**
   * Tells the client that the app shows a conversation up to `seq` (after loading history), so a
   * reconnect resumes it from there. Only ever moves forward.
   */
  noteSeen(conversationId, seq) {
    if (typeof seq !== 'number') return;
    if (!(this.#last.get(conversationId) >= seq)) this.#last.set(conversationId, seq);
  }

  /** The highest seq delivered of a conversation, or undefined. */
  lastSeq(conversationId) {
    return this.#last.get(conversationId);
  }

  #live(m) {
    const cid = m.conversation_id;
    const held = this.#catchingUp.get(cid);
    if (held) {
      held.push(m);
      return;
    }
    const last = this.#last.get(cid);
    if (last !== undefined && m.seq <= last) return; // already delivered
    if (last !== undefined && m.prev_seq !== null && m.prev_seq > last) {
      // a message in between never arrived: read it from history, holding this one meanwhile
      this.#catchingUp.set(cid, [m]);
      this.#catchUp(cid, this.#generation);
      return;
    }
    this.#deliver(m, false);
  }

  #deliver(m, replayed) {
    this.#last.set(m.conversation_id, m.seq);
    this.#emit('message.new', m, { replayed });
  }

  /** Reads history after the last delivered seq, then the held live messages; true when done. */
  async #catchUp(cid, generation) {
    for (let attempt = 0; ; attempt++) {
      try {
        for (;;) {
          const page = await this.history(cid, { after_seq: this.#last.get(cid) ?? 0, limit: 100 });
          if (generation !== this.#generation) return false;
          for (const m of page.items) {
            if (!(m.seq <= this.#last.get(cid))) this.#deliver(m, true);
          }
          if (!page.has_more || page.items.length === 0) break;
        }
        break;
      } catch (e) {
        if (generation !== this.#generation) return false;
        if (e.status === 404) break; // no longer a member, or deleted: nothing to resume
        await this.#sleep(e.retryAfterMs ?? backoffDelay(attempt, this.#opts.backoff, this.#random));
        if (generation !== this.#generation) return false;
      }
    }
    const held = this.#catchingUp.get(cid) ?? [];
    this.#catchingUp.delete(cid);
    held.sort((a, b) => a.seq - b.seq);
    for (const m of held) this.#live(m);
    return true;
  }

  #sleep(ms) {
    return new Promise((resolve) => this.#timers.setTimeout(resolve, ms));
  }

  // ---- sending --------------------------------------------------------------------------------

  /**
   * Sends a message. Returns at once `{client_msg_id, acked}`: show it as pending under that id;
   * `acked` resolves with the stored message once it is durable. Until then the client sends it
   * again, with the same client_msg_id (so never twice stored), after a reconnect, an
   * `unavailable` or a `rate_limited` answer; it rejects on an answer retrying cannot fix.
   */
  send({ conversation_id, content, client_msg_id = newClientMsgId(), reply_to_id, attachment_ids }) {
    const data = { conversation_id, client_msg_id };
    if (content !== undefined) data.content = content;
    if (reply_to_id) data.reply_to_id = reply_to_id;
    if (attachment_ids?.length) data.attachment_ids = attachment_ids;
    const existing = this.#outbox.get(client_msg_id);
    if (existing) return { client_msg_id, acked: existing.acked };
    let resolve, reject;
    const acked = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry = { data, resolve, reject, acked, attempts: 0, retryTimer: null, inFlight: false };
    this.#outbox.set(client_msg_id, entry);
    this.stopTyping(conversation_id);
    if (this.#state === 'open') this.#transmit(entry);
    return { client_msg_id, acked };
  }

  #transmit(entry) {
    if (entry.inFlight || !this.#outbox.has(entry.data.client_msg_id)) return;
    entry.inFlight = true;
    entry.attempts++;
    this.#frame_out('message.send', entry.data, true).then(
      (message) => {
        this.#outbox.delete(entry.data.client_msg_id);
        entry.resolve(message);
      },
      (err) => {
        entry.inFlight = false;
        if (err.dropped) return; // sent again, same client_msg_id, once a socket is open
        if (RETRYABLE.has(err.code) && entry.attempts < 10) {
          const wait = err.retryAfterMs ?? backoffDelay(entry.attempts - 1, this.#opts.backoff, this.#random);
          entry.retryTimer = this.#timers.setTimeout(() => this.#state === 'open' && this.#transmit(entry), wait);
          return;
        }
        this.#outbox.delete(entry.data.client_msg_id);
        entry.reject(err);
      },
    );
  }

  /** Moves the caller's read position to a message (a receipt goes to the members). */
  markRead(conversationId, messageId) {
    const data = { conversation_id: conversationId, message_id: messageId };
    if (this.#state === 'open') return this.#frame_out('message.read', data, true);
    return this.request('POST', `/api/v1/messages/${enc(messageId)}/read`);
  }

  /** `online`, `away` or `busy`; resolves with the caller's state. */
  setPresence(status) {
    return this.#frame_out('presence.update', { status }, true);
  }

  // ---- typing ---------------------------------------------------------------------------------

  /**
   * Call on every keystroke: sends `typing.start` when not typing yet, and renews it at most once
   * per `typingRenewMs` (so the server's 5 s lapse never ends it while someone types); stops by
   * itself after `typingIdleMs` without a keystroke.
   */
  typing(conversationId) {
    if (this.#state !== 'open') return;
    const now = this.#timers.now();
    let t = this.#typingOut.get(conversationId);
    if (!t) {
      t = { sentAt: -Infinity, idle: null };
      this.#typingOut.set(conversationId, t);
    }
    if (now - t.sentAt >= this.#opts.typingRenewMs) {
      t.sentAt = now;
      this.#frame_out('typing.start', { conversation_id: conversationId }, false);
    }
    this.#timers.clearTimeout(t.idle);
    t.idle = this.#timers.setTimeout(() => this.stopTyping(conversationId), this.#opts.typingIdleMs);
  }

  /** Ends the caller's typing indicator (when it was on). */
  stopTyping(conversationId) {
    const t = this.#typingOut.get(conversationId);
    if (!t) return;
    this.#timers.clearTimeout(t.idle);
    this.#typingOut.delete(conversationId);
    this.#frame_out('typing.stop', { conversation_id: conversationId }, false);
  }

  /** Others' indicators: each lapses on its own when not renewed (a dead gateway sends no false). */
  #typingIndicator({ conversation_id: cid, user_id: user, typing }) {
    let users = this.#typingIn.get(cid);
    if (!users) {
      users = new Map();
      this.#typingIn.set(cid, users);
    }
    this.#timers.clearTimeout(users.get(user));
    if (typing) {
      users.set(
        user,
        this.#timers.setTimeout(
          () => this.#typingIndicator({ conversation_id: cid, user_id: user, typing: false }),
          this.#opts.typingLapseMs,
        ),
      );
    } else {
      users.delete(user);
    }
    this.#emit('typing', { conversation_id: cid, user_ids: [...users.keys()] });
  }
}

function enc(s) {
  return encodeURIComponent(s);
}
