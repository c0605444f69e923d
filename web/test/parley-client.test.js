// Unit tests of the JavaScript client module (the protocol logic, against fakes of the socket,
// fetch and the clock). The same module against real gateways and a real browser: web/e2e/.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  ParleyClient,
  ParleyError,
  backoffDelay,
  closeAdvice,
  highlightSegments,
} from '../../gateway-node/src/main/resources/webroot/parley-client.js';
import { FakeClock, FakeWebSocket, fakeFetch, message, settle } from './fakes.js';

const BASE = 'http://gw.test:8080';
let clock;
let tickets;
let history;

beforeEach(() => {
  FakeWebSocket.reset();
  clock = new FakeClock();
  tickets = 0;
  history = new Map(); // conversation id -> messages the server holds
});

function routes(extra = {}) {
  return {
    'POST /api/v1/ws-tickets': () => [201, { ticket: `t${++tickets}`, expires_in: 30 }],
    ...extra,
  };
}

/** Serves history pages from `history`, oldest first, `limit` at most, as the gateway does. */
function historyRoute(limitCap = 100) {
  return (url) => {
    const cid = url.pathname.split('/')[4];
    const after = Number(url.searchParams.get('after_seq') ?? 0);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), limitCap);
    const newer = (history.get(cid) ?? []).filter((m) => m.seq > after);
    return [200, { items: newer.slice(0, limit), has_more: newer.length > limit }];
  };
}

function client(fetch, extra = {}) {
  return new ParleyClient({
    token: 'secret-token',
    baseUrl: BASE,
    WebSocket: FakeWebSocket,
    fetch,
    timers: clock,
    random: () => 0.5,
    ...extra,
  });
}

async function connected(c) {
  c.connect();
  await settle();
  FakeWebSocket.last.open();
  await settle();
  return FakeWebSocket.last;
}

test('connects with a single-use ticket: the token goes in a header, never in the URL', async () => {
  const fetch = fakeFetch(routes());
  const c = client(fetch);
  const states = [];
  c.on('state', (s) => states.push(s.state));
  const ws = await connected(c);
  assert.equal(fetch.calls[0].key, 'POST /api/v1/ws-tickets');
  assert.equal(fetch.calls[0].init.headers.Authorization, 'Bearer secret-token');
  assert.equal(ws.url, 'ws://gw.test:8080/ws?ticket=t1');
  assert.ok(!ws.url.includes('secret-token'));
  assert.deepEqual(states, ['connecting', 'open']);
});

test('a send is pending at once and acknowledged by its ack', async () => {
  const c = client(fakeFetch(routes()));
  const ws = await connected(c);
  const { client_msg_id, acked } = c.send({ conversation_id: 'c1', content: 'hi' });
  assert.equal(c.pending.length, 1);
  const [frame] = ws.frames('message.send');
  assert.deepEqual(frame.data, { conversation_id: 'c1', client_msg_id, content: 'hi' });
  ws.receive({ type: 'ack', id: frame.id, data: message('c1', 3, null, { client_msg_id }) });
  assert.equal((await acked).seq, 3);
  assert.equal(c.pending.length, 0);
});

test('a send made while disconnected goes out once the socket opens', async () => {
  const c = client(fakeFetch(routes()));
  const { client_msg_id } = c.send({ conversation_id: 'c1', content: 'early' });
  const ws = await connected(c);
  assert.deepEqual(
    ws.frames('message.send').map((f) => f.data.client_msg_id),
    [client_msg_id],
  );
});

test('a send the connection dropped before its ack is sent again with the same client_msg_id', async () => {
  const c = client(fakeFetch(routes()));
  const first = await connected(c);
  const { client_msg_id, acked } = c.send({ conversation_id: 'c1', content: 'hi' });
  first.drop(1006);
  await clock.advance(1000);
  const second = FakeWebSocket.last;
  assert.notEqual(second, first);
  second.open();
  await settle();
  const [resent] = second.frames('message.send');
  assert.equal(resent.data.client_msg_id, client_msg_id);
  assert.notEqual(resent.id, first.frames('message.send')[0].id); // a new frame, the same message
  second.receive({ type: 'ack', id: resent.id, data: message('c1', 4, null, { client_msg_id }) });
  assert.equal((await acked).seq, 4);
  assert.equal(second.frames('message.send').length, 1);
});

test('unavailable and rate_limited answers are retried later; other errors reject', async () => {
  const c = client(fakeFetch(routes()));
  const ws = await connected(c);
  const a = c.send({ conversation_id: 'c1', content: 'a' });
  let [frame] = ws.frames('message.send');
  ws.receive({ type: 'error', id: frame.id, data: { code: 'rate_limited', message: 'slow', retry_after_ms: 700 } });
  await clock.advance(699);
  assert.equal(ws.frames('message.send').length, 1);
  await clock.advance(1);
  frame = ws.frames('message.send')[1];
  assert.equal(frame.data.client_msg_id, a.client_msg_id);
  ws.receive({ type: 'ack', id: frame.id, data: message('c1', 5, null) });
  await a.acked;

  const b = c.send({ conversation_id: 'c1', content: '' });
  frame = ws.frames('message.send')[2];
  ws.receive({ type: 'error', id: frame.id, data: { code: 'invalid_argument', message: 'content must not be empty' } });
  await assert.rejects(b.acked, (e) => e instanceof ParleyError && e.code === 'invalid_argument');
  assert.equal(c.pending.length, 0);
});

test('a send with no answer in time is taken as a dead socket: reconnect and resend', async () => {
  const c = client(fakeFetch(routes()), { ackTimeoutMs: 5000 });
  const first = await connected(c);
  const { client_msg_id } = c.send({ conversation_id: 'c1', content: 'hi' });
  await clock.advance(5000);
  assert.notEqual(first.closedWith, null);
  await clock.advance(10_000);
  FakeWebSocket.last.open();
  await settle();
  assert.equal(FakeWebSocket.last.frames('message.send')[0].data.client_msg_id, client_msg_id);
});

test('after a reconnect, missed messages come from after_seq, live ones wait, none twice', async () => {
  const fetch = fakeFetch(routes({ 'GET /api/v1/conversations/c1/messages': historyRoute(2) }));
  const c = client(fetch);
  const seen = [];
  c.on('message.new', (m, meta) => seen.push([m.seq, meta.replayed]));
  const resumed = [];
  c.on('resumed', (r) => resumed.push(r.conversation_ids));
  const first = await connected(c);
  first.receive({ type: 'message.new', data: message('c1', 10, null) });
  first.drop(1001);
  // meanwhile three messages are sent
  history.set('c1', [message('c1', 10, null), message('c1', 12, 10), message('c1', 15, 12), message('c1', 20, 15)]);
  await clock.advance(1000);
  const second = FakeWebSocket.last;
  second.open();
  // a live message on the new socket before the history read answers: held, then merged
  second.receive({ type: 'message.new', data: message('c1', 20, 15) });
  second.receive({ type: 'message.new', data: message('c1', 21, 20) });
  await settle();
  assert.deepEqual(seen, [[10, false], [12, true], [15, true], [20, true], [21, false]]);
  const afters = fetch.calls.filter((k) => k.key.endsWith('/messages')).map((k) => k.url.searchParams.get('after_seq'));
  assert.deepEqual(afters, ['10', '15']); // pages of 2, following has_more
  assert.deepEqual(resumed, [[], ['c1']]); // the first open had nothing to resume
});

test('a live message whose prev_seq was never seen triggers a read of the gap', async () => {
  const fetch = fakeFetch(routes({ 'GET /api/v1/conversations/c1/messages': historyRoute() }));
  const c = client(fetch);
  const seen = [];
  c.on('message.new', (m) => seen.push(m.seq));
  const ws = await connected(c);
  await settle();
  c.noteSeen('c1', 5);
  history.set('c1', [message('c1', 5, null), message('c1', 7, 5), message('c1', 9, 7)]);
  ws.receive({ type: 'message.new', data: message('c1', 9, 7) });
  await settle();
  ws.receive({ type: 'message.new', data: message('c1', 9, 7) }); // a repeat is dropped
  assert.deepEqual(seen, [7, 9]);
});

test('typing.start is sent at most once per renew interval and stops after idling', async () => {
  const c = client(fakeFetch(routes()), { typingRenewMs: 3000, typingIdleMs: 4000 });
  const ws = await connected(c);
  for (let i = 0; i < 10; i++) {
    c.typing('c1');
    await clock.advance(250);
  }
  // 2.5 s of keystrokes: one start
  assert.equal(ws.frames('typing.start').length, 1);
  c.typing('c1');
  await clock.advance(500);
  c.typing('c1'); // 3.0 s after the first: renewed
  assert.equal(ws.frames('typing.start').length, 2);
  assert.equal(ws.frames('typing.stop').length, 0);
  await clock.advance(4000);
  assert.equal(ws.frames('typing.stop').length, 1);
  assert.deepEqual(ws.frames('typing.stop')[0].data, { conversation_id: 'c1' });
});

test("sending stops one's typing indicator", async () => {
  const c = client(fakeFetch(routes()));
  const ws = await connected(c);
  c.typing('c1');
  c.send({ conversation_id: 'c1', content: 'done' });
  assert.equal(ws.frames('typing.stop').length, 1);
});

test("someone else's indicator lapses when not renewed, and on a drop", async () => {
  const c = client(fakeFetch(routes()), { typingLapseMs: 6000 });
  const events = [];
  c.on('typing', (t) => events.push(t.user_ids));
  const ws = await connected(c);
  ws.receive({ type: 'typing.indicator', data: { conversation_id: 'c1', user_id: 'bob', typing: true } });
  await clock.advance(4000);
  ws.receive({ type: 'typing.indicator', data: { conversation_id: 'c1', user_id: 'bob', typing: true } });
  await clock.advance(5999);
  assert.deepEqual(events.at(-1), ['bob']);
  await clock.advance(1);
  assert.deepEqual(events.at(-1), []);
  ws.receive({ type: 'typing.indicator', data: { conversation_id: 'c1', user_id: 'carol', typing: true } });
  ws.drop(1006);
  assert.deepEqual(events.at(-1), []);
});

test('close codes: 1008 stops, 4000 reconnects at once, 1001 soon, then the delay grows', async () => {
  const c = client(fakeFetch(routes()));
  const states = [];
  c.on('state', (s) => states.push(s));
  let ws = await connected(c);
  ws.drop(4000);
  assert.equal(states.at(-1).delayMs, 0);
  await clock.advance(0);
  ws = FakeWebSocket.last;
  ws.open();
  await settle();
  ws.drop(1001);
  assert.ok(states.at(-1).delayMs <= 1000);
  await clock.advance(1000);
  FakeWebSocket.last.drop(1006); // never opened: the next delays back off
  const d1 = states.at(-1).delayMs;
  await clock.advance(d1);
  FakeWebSocket.last.drop(1006);
  assert.ok(states.at(-1).delayMs > d1, `${states.at(-1).delayMs} > ${d1}`);
  await clock.advance(states.at(-1).delayMs);
  FakeWebSocket.last.open();
  await settle();
  FakeWebSocket.last.drop(1008);
  assert.equal(c.state, 'closed');
  const count = FakeWebSocket.instances.length;
  await clock.advance(60_000);
  assert.equal(FakeWebSocket.instances.length, count);
});

test('a refused token stops the client and says so', async () => {
  const c = client(
    fakeFetch({ 'POST /api/v1/ws-tickets': () => [401, { error: { code: 'unauthenticated', message: 'token expired' } }] }),
  );
  const failed = [];
  c.on('auth.failed', (f) => failed.push(f.reason));
  c.connect();
  await clock.advance(60_000);
  assert.equal(c.state, 'closed');
  assert.deepEqual(failed, ['token expired']);
  assert.equal(FakeWebSocket.instances.length, 0);
});

test('REST errors carry the code, the status and Retry-After', async () => {
  const c = client(
    fakeFetch({
      'POST /api/v1/conversations': () => [429, { error: { code: 'rate_limited', message: 'too many' } }, { 'retry-after': '3' }],
    }),
  );
  await assert.rejects(c.createConversation({ type: 'group', name: 'x', member_ids: [] }), (e) => {
    assert.equal(e.code, 'rate_limited');
    assert.equal(e.status, 429);
    assert.equal(e.retryAfterMs, 3000);
    return true;
  });
});

test('closeAdvice and backoffDelay follow docs/asyncapi.yaml', () => {
  assert.equal(closeAdvice(4000).reconnect, 'now');
  assert.equal(closeAdvice(1001).reconnect, 'soon');
  assert.equal(closeAdvice(4008).reconnect, 'soon');
  assert.equal(closeAdvice(1008).reconnect, false);
  assert.equal(closeAdvice(1011).reconnect, 'backoff');
  assert.equal(backoffDelay(0, { baseMs: 500, maxMs: 10_000 }, () => 1), 500);
  assert.equal(backoffDelay(3, { baseMs: 500, maxMs: 10_000 }, () => 1), 4000);
  assert.equal(backoffDelay(30, { baseMs: 500, maxMs: 10_000 }, () => 1), 10_000);
  assert.equal(backoffDelay(30, { baseMs: 500, maxMs: 10_000 }, () => 0), 5000);
});

test('highlightSegments gives text pieces: escapes undone, markup never interpreted', () => {
  assert.deepEqual(highlightSegments('say <mark>hello</mark> &lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;'), [
    { text: 'say ', mark: false },
    { text: 'hello', mark: true },
    { text: ' <b> & "x" \'y\'', mark: false },
  ]);
  assert.deepEqual(highlightSegments('<mark>&lt;script&gt;</mark>'), [{ text: '<script>', mark: true }]);
  assert.deepEqual(highlightSegments(''), []);
});
