// The web client's entry point: signing in and out, and the wiring of the client module's events
// to the conversation list and the open conversation. Everything goes through ParleyClient.
import { ParleyClient } from '../parley-client.js';
import { Chat } from './chat.js';
import { Sidebar } from './sidebar.js';
import { Files } from './files.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'parley.token'; // sessionStorage: this tab only, gone when it closes

/** The signed-in user's view of the service; one per sign-in. */
class App {
  constructor(token) {
    const claims = decodeClaims(token);
    this.me = { id: claims.sub, name: claims.name || claims.sub };
    this.client = new ParleyClient({ token });
    this.files = new Files(this.client);
    this.details = new Map();
    this.presence = new Map();
    this.chat = new Chat(this);
    this.sidebar = new Sidebar(this);
    this.#wire();
  }

  async start() {
    $('me-name').textContent = this.me.name;
    $('me-name').title = `Signed in as ${this.me.id}`;
    this.client.connect();
    await Promise.all([this.sidebar.load(), this.#loadPresence()]).catch((e) => this.toast(`Could not load: ${e.message}`));
    this.chat.renderHeader();
    const wanted = location.hash.slice(1);
    if (wanted && this.sidebar.items.has(wanted)) this.openConversation(wanted);
  }

  stop() {
    this.client.close();
    this.files.dispose();
  }

  #wire() {
    const c = this.client;
    c.on('state', (s) => this.#status(s));
    c.on('auth.failed', () => signOut('Your token was refused or has expired: sign in again.'));
    c.on('resumed', () => {
      // what changed while away is not replayed as events: read the list and the page again
      this.sidebar.load().catch(() => {});
      this.#loadPresence().catch(() => {});
      this.chat.refresh().catch(() => {});
    });
    c.on('message.new', (m) => {
      this.sidebar.messageNew(m);
      this.chat.messageNew(m);
    });
    c.on('message.updated', (m) => {
      this.chat.messageUpdated(m);
      this.#updateLast(m.conversation_id, m.id, () => m);
    });
    c.on('message.deleted', (d) => {
      this.chat.messageDeleted(d);
      this.#updateLast(d.conversation_id, d.message_id, (m) => ({ ...m, deleted: true, content: null }));
    });
    c.on('reaction.added', (d) => this.chat.reaction('added', d));
    c.on('reaction.removed', (d) => this.chat.reaction('removed', d));
    c.on('message.read_receipt', (d) => this.chat.readReceipt(d));
    c.on('typing', (t) => this.chat.typing(t));
    c.on('presence.changed', (p) => {
      this.presence.set(p.user_id, p.status);
      this.#renderPresence();
    });
    const changed = (d) => {
      const id = d.id ?? d.conversation_id;
      this.loadDetails(id)
        .then(() => this.sidebar.load())
        .then(() => this.chat.id === id && this.chat.renderHeader())
        .catch(() => {});
    };
    c.on('conversation.created', (d) => {
      this.details.set(d.id, d);
      this.sidebar.load().catch(() => {});
    });
    c.on('conversation.updated', changed);
    c.on('member.added', changed);
    c.on('member.removed', (d) => (d.user_id === this.me.id ? this.#gone(d.conversation_id) : changed(d)));
    c.on('conversation.deleted', (d) => this.#gone(d.conversation_id));
  }

  #updateLast(cid, mid, change) {
    const item = this.sidebar.items.get(cid);
    if (item?.last_message?.id === mid) {
      item.last_message = change(item.last_message);
      this.sidebar.render();
    }
  }

  #gone(id) {
    this.details.delete(id);
    this.sidebar.remove(id);
    if (this.chat.id === id) {
      this.chat.close();
      this.toast('That conversation is no longer available to you.');
    }
  }

  async loadDetails(id) {
    const d = await this.client.getConversation(id);
    this.details.set(id, d);
    return d;
  }

  async #loadPresence() {
    const { items } = await this.client.onlineUsers();
    this.presence.clear();
    for (const u of items) this.presence.set(u.user_id, u.status);
    this.#renderPresence();
  }

  #renderPresence() {
    const mine = this.presence.get(this.me.id) ?? 'offline';
    $('me-dot').className = `dot ${mine}`;
    if (mine !== 'offline') $('me-status').value = mine;
    this.sidebar.render();
    this.chat.renderHeader();
  }

  async setStatus(status) {
    try {
      const state = await this.client.setPresence(status);
      this.presence.set(this.me.id, state.status);
      this.#renderPresence();
    } catch (e) {
      this.toast(`Could not set the status: ${e.message}`);
    }
  }

  openConversation(id, opts) {
    history.replaceState(null, '', `#${id}`);
    $('app').classList.add('show-chat');
    this.chat.open(id, opts);
    this.sidebar.render();
  }

  /** A user's display name, as a member of the conversation knows it. */
  name(userId, conversationId) {
    if (!userId) return 'Parley';
    if (userId === this.me.id) return this.me.name;
    const m = this.details.get(conversationId)?.members.find((x) => x.user_id === userId);
    return m?.name || userId;
  }

  /** The other member of a direct conversation (null for a group). */
  otherMember(id) {
    const d = this.details.get(id);
    if (!d || d.type !== 'direct') return null;
    return d.members.find((m) => m.user_id !== this.me.id)?.user_id ?? null;
  }

  title(id) {
    const d = this.details.get(id) ?? this.sidebar.items.get(id);
    if (!d) return 'Conversation';
    if (d.type === 'group') return d.name || 'Group';
    const other = this.otherMember(id);
    return other ? this.name(other, id) : 'Direct chat';
  }

  #status({ state, delayMs }) {
    const el = $('status');
    el.classList.toggle('bad', state === 'closed');
    if (state === 'open') {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    el.textContent =
      state === 'connecting'
        ? 'Connecting…'
        : state === 'reconnecting'
          ? `Reconnecting…${delayMs > 1500 ? ` (next try in ${Math.round(delayMs / 1000)} s)` : ''}`
          : 'Disconnected.';
    $('status').dataset.state = state;
  }

  toast(text) {
    const el = document.createElement('div');
    el.className = 'toast';
    el.textContent = text;
    document.body.append(el);
    setTimeout(() => el.remove(), 5000);
  }
}

function decodeClaims(token) {
  const part = token.split('.')[1];
  if (!part) throw new Error('that is not a JWT');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0))));
  if (!claims.sub) throw new Error('the token names no user (sub)');
  return claims;
}

// ---- signing in and out ---------------------------------------------------------------------

let app = null;

function signIn(token) {
  const next = new App(token); // throws on a token that is not a JWT
  sessionStorage.setItem(TOKEN_KEY, token);
  app = next;
  $('signin').hidden = true;
  $('app').hidden = false;
  app.start();
}

function signOut(message = '') {
  app?.stop();
  app = null;
  sessionStorage.removeItem(TOKEN_KEY);
  history.replaceState(null, '', location.pathname);
  // a fresh page: no state of the previous user survives in the DOM
  if (message) sessionStorage.setItem('parley.signin-message', message);
  location.reload();
}

async function devToken(userId, name) {
  const res = await fetch('/api/v1/auth/dev-token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: userId, name: name || undefined }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.token;
}

function showSignIn() {
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = sessionStorage.getItem('parley.signin-message') ?? '';
  sessionStorage.removeItem('parley.signin-message');
  $('signin-dev').querySelector('[name=user_id]').focus();
}

$('signin-dev').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    signIn(await devToken(String(form.get('user_id')).trim(), String(form.get('name')).trim()));
  } catch (err) {
    $('signin-error').textContent = `Sign-in failed: ${err.message}`;
  }
});
$('signin-token').addEventListener('submit', (e) => {
  e.preventDefault();
  try {
    signIn(String(new FormData(e.target).get('token')).trim());
  } catch (err) {
    $('signin-error').textContent = `That token cannot be used: ${err.message}`;
  }
});
$('signout').addEventListener('click', () => signOut());
$('me-status').addEventListener('change', (e) => app?.setStatus(e.target.value));
$('back').addEventListener('click', () => $('app').classList.remove('show-chat'));

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  try {
    signIn(saved);
  } catch {
    showSignIn();
  }
} else {
  showSignIn();
}
