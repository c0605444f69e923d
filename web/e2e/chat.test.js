// The web client in a real browser (Debian's Chromium, driven by playwright-core) against a real
// two-gateway cluster: two people on different gateways create a group, talk both ways, see each
// other type, react and read; then one page's gateway is restarted, and the page shows every
// message sent meanwhile, once. scripts/test-web.sh starts the cluster and passes its addresses:
//   PARLEY_WEB_E2E_GATEWAY1, PARLEY_WEB_E2E_GATEWAY2  (http://127.0.0.1:<port>)
//   PARLEY_WEB_E2E_RESTART   a command that restarts gateway 1 (run with bash)
//   PARLEY_WEB_E2E_SCREENSHOT where to save the screenshot the README shows
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const G1 = need('PARLEY_WEB_E2E_GATEWAY1');
const G2 = need('PARLEY_WEB_E2E_GATEWAY2');
const STOP_G1 = need('PARLEY_WEB_E2E_STOP_GATEWAY1');
const START_G1 = need('PARLEY_WEB_E2E_START_GATEWAY1');
const SCREENSHOT = process.env.PARLEY_WEB_E2E_SCREENSHOT;
const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const WAIT = 15_000;

// ids unique to this run (the test cluster's database outlives it); people see the names
const run = Date.now().toString(36).slice(-5);
const ALICE = `alice-${run}`;
const BOB = `bob-${run}`;

let browser;
let alice;
let bob;
const consoleErrors = [];

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through scripts/test-web.sh`);
  return v;
}

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  alice = await person(G1, ALICE, 'Alice');
  bob = await person(G2, BOB, 'Bob');
});

after(async () => {
  await browser?.close();
});

/** A browser context of its own (a person), signed in on the given gateway's page. */
async function person(base, userId, name) {
  const context = await browser.newContext({ viewport: { width: 1180, height: 760 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(`${userId}: ${e.message}`));
  page.on('console', (m) => {
    // a refused connection while the gateway restarts is expected; a CSP violation or a script error is not
    if (m.type() === 'error' && !/Failed to load resource|WebSocket connection|ERR_CONNECTION_REFUSED/.test(m.text())) {
      consoleErrors.push(`${userId}: ${m.text()}`);
    }
  });
  await page.goto(base + '/');
  await page.fill('#signin-dev [name=user_id]', userId);
  await page.fill('#signin-dev [name=name]', name);
  await page.click('#signin-dev button[type=submit]');
  await page.waitForSelector('#app:not([hidden])', { timeout: WAIT });
  await page.waitForSelector('#status[hidden]', { state: 'attached', timeout: WAIT }); // the socket is open
  return page;
}

const message = (page, text) => page.locator('#messages li.msg', { hasText: text });

test('two people on two gateways: a group, messages both ways, typing, a reaction, a receipt', async () => {
  // Alice creates a group with Bob
  await alice.click('#new-group');
  await alice.fill('#new-conv [name=name]', 'Weekend plans');
  await alice.fill('#new-conv [name=members]', BOB);
  await alice.click('#new-conv button[type=submit]');
  await alice.waitForSelector('#chat-title:text("Weekend plans")', { timeout: WAIT });

  // Bob's list shows it at once (conversation.created over his socket on the other gateway)
  await bob.locator('#conversations li', { hasText: 'Weekend plans' }).click({ timeout: WAIT });
  await bob.waitForSelector('#chat-title:text("Weekend plans")', { timeout: WAIT });

  // Alice types: Bob sees it; she sends with Enter; her message is confirmed, and Bob gets it
  await alice.locator('#input').pressSequentially('Hi Bob! Hiking on Saturday?', { delay: 20 });
  await bob.waitForSelector('#typing:text("Alice is typing…")', { timeout: WAIT });
  await alice.press('#input', 'Enter');
  await message(alice, 'Hiking on Saturday?').and(alice.locator(':not(.pending)')).waitFor({ timeout: WAIT });
  await message(bob, 'Hiking on Saturday?').waitFor({ timeout: WAIT });
  await bob.waitForSelector('#typing:empty', { state: 'attached', timeout: WAIT });

  // Bob had the conversation open: Alice sees that he read it
  await message(alice, 'Hiking on Saturday?').locator('.seen', { hasText: 'Seen by Bob' }).waitFor({ timeout: WAIT });

  // Bob answers; Alice gets it
  await bob.fill('#input', 'Yes! Let’s take the 8:15 train. <b>not bold</b>');
  await bob.press('#input', 'Enter');
  await message(alice, 'the 8:15 train').waitFor({ timeout: WAIT });
  // content is text, never markup
  assert.equal(await message(alice, 'the 8:15 train').locator('.body b').count(), 0);
  assert.match(await message(alice, 'the 8:15 train').locator('.body').textContent(), /<b>not bold<\/b>/);

  // Bob reacts to Alice's message; she sees it
  const hers = message(bob, 'Hiking on Saturday?');
  await hers.hover();
  await hers.locator('.actions button[title="React 👍"]').click();
  await message(alice, 'Hiking on Saturday?').locator('.reaction', { hasText: '👍 1' }).waitFor({ timeout: WAIT });

  // each side shows each message once
  await assertOnceEach(alice);
  await assertOnceEach(bob);
});

test("a page survives its gateway's restart and shows what was sent meanwhile, once each", async () => {
  const started = Date.now();
  execFileSync('bash', ['-c', STOP_G1], { stdio: 'inherit' });
  await alice.waitForSelector('#status:not([hidden]):text("Reconnecting")', { timeout: WAIT });

  const meanwhile = ['Missed one: tickets bought', 'Missed two: meet at the station', 'Missed three: bring water'];
  for (const text of meanwhile) {
    await bob.fill('#input', text);
    await bob.press('#input', 'Enter');
    await message(bob, text).and(bob.locator(':not(.pending)')).waitFor({ timeout: WAIT });
  }

  execFileSync('bash', ['-c', START_G1], { stdio: 'inherit' });
  await alice.waitForSelector('#status[hidden]', { state: 'attached', timeout: 60_000 });
  for (const text of meanwhile) await message(alice, text).waitFor({ timeout: WAIT });
  console.log(`# gateway 1 down and back, page caught up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // and the page still sends, through the restarted gateway
  await alice.fill('#input', 'Back online. See you at 8!');
  await alice.press('#input', 'Enter');
  await message(bob, 'See you at 8!').waitFor({ timeout: WAIT });
  for (const text of meanwhile) assert.equal(await message(alice, text).count(), 1, text);
  await assertOnceEach(alice);

  if (SCREENSHOT) {
    await message(alice, 'See you at 8!').and(alice.locator(':not(.pending)')).waitFor({ timeout: WAIT });
    await alice.mouse.move(0, 0);
    await alice.screenshot({ path: SCREENSHOT });
    console.log(`# screenshot: ${SCREENSHOT}`);
  }
  assert.deepEqual(consoleErrors, []);
});

/** Every message shown once, in seq order. */
async function assertOnceEach(page) {
  const rows = await page.$$eval('#messages li[data-id]', (lis) => lis.map((li) => [li.dataset.id, Number(li.dataset.seq)]));
  const ids = rows.map((r) => r[0]);
  assert.equal(new Set(ids).size, ids.length, `duplicates among ${ids.length} messages`);
  const seqs = rows.map((r) => r[1]);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'messages in seq order');
}
