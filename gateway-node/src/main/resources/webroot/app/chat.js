// The open conversation: its history (newest page first, older pages on scrolling up), live
// messages, pending sends, typing, receipts, reactions, edits, deletes, replies and files.
import { h, clear, time, bytes } from './dom.js';

const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
const $ = (id) => document.getElementById(id);

export class Chat {
  #app;
  id = null;
  /** The messages shown, by id (confirmed only); pending sends are in #pending by client_msg_id. */
  #messages = new Map();
  #pending = new Map();
  #hasOlder = false;
  #loadingOlder = false;
  /** Who read up to which seq (receipts seen while the conversation is open). */
  #readers = new Map();
  #typing = [];
  #replyTo = null;
  #editing = null;
  #attachments = [];
  #readSent = 0;
  #openToken = 0;

  constructor(app) {
    this.#app = app;
    const list = $('messages');
    list.addEventListener('scroll', () => {
      if (list.scrollTop < 80) this.#loadOlder();
    });
    const input = $('input');
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.#submit();
      } else if (e.key === 'Escape') {
        this.#cancelContext();
      }
    });
    input.addEventListener('input', () => {
      this.#autosize();
      if (this.id && !this.#editing) {
        if (input.value.trim()) app.client.typing(this.id);
        else app.client.stopTyping(this.id);
      }
    });
    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      this.#submit();
    });
    $('composer-context-cancel').addEventListener('click', () => this.#cancelContext());
    $('file').addEventListener('change', (e) => this.#attach(e.target));
    document.addEventListener('visibilitychange', () => this.#markRead());
  }

  // ---- opening and history ------------------------------------------------------------------

  async open(id, { jumpTo } = {}) {
    const token = ++this.#openToken;
    if (this.id && this.id !== id) this.#app.client.stopTyping(this.id);
    this.id = id;
    this.#messages.clear();
    this.#pending = new Map(
      this.#app.client.pending.filter((p) => p.conversation_id === id).map((p) => [p.client_msg_id, { data: p }]),
    );
    this.#readers.clear();
    this.#typing = [];
    this.#replyTo = this.#editing = null;
    this.#attachments = [];
    this.#readSent = 0;
    this.#renderContext();
    $('composer').hidden = false;
    this.renderHeader();
    clear($('messages')).append(h('li', { class: 'empty' }, 'Loading…'));
    try {
      const page = await this.#app.client.history(id, { limit: 50 });
      if (token !== this.#openToken) return;
      this.#hasOlder = page.has_more;
      this.#merge(page.items);
      if (jumpTo) {
        for (let i = 0; i < 20 && !this.#messages.has(jumpTo) && this.#hasOlder; i++) {
          await this.#loadOlder(true);
          if (token !== this.#openToken) return;
        }
      }
    } catch (e) {
      if (token === this.#openToken) this.#app.toast(`Could not load the history: ${e.message}`);
      return;
    }
    this.render({ stick: !jumpTo });
    if (jumpTo) this.#flash(jumpTo);
    this.#markRead();
    $('input').focus();
  }

  close() {
    this.id = null;
    $('composer').hidden = true;
    clear($('messages'));
    this.renderHeader();
  }

  /** After a reconnect: the newest page again, so edits, deletes and reactions made meanwhile show. */
  async refresh() {
    if (!this.id) return;
    const id = this.id;
    const page = await this.#app.client.history(id, { limit: 50 });
    if (id !== this.id) return;
    this.#merge(page.items);
    this.render();
  }

  async #loadOlder(quiet) {
    if (!this.id || !this.#hasOlder || this.#loadingOlder) return;
    const oldest = Math.min(...[...this.#messages.values()].map((m) => m.seq));
    if (!Number.isFinite(oldest)) return;
    this.#loadingOlder = true;
    const id = this.id;
    try {
      const page = await this.#app.client.history(id, { before_seq: oldest, limit: 50 });
      if (id !== this.id) return;
      this.#hasOlder = page.has_more;
      const list = $('messages');
      const fromBottom = list.scrollHeight - list.scrollTop;
      this.#merge(page.items);
      if (!quiet) {
        this.render({ stick: false });
        list.scrollTop = list.scrollHeight - fromBottom; // keep what was on screen in place
      }
    } finally {
      this.#loadingOlder = false;
    }
  }

  #merge(items) {
    for (const m of items) this.#messages.set(m.id, m);
    const max = Math.max(...items.map((m) => m.seq));
    if (this.id && Number.isFinite(max)) this.#app.client.noteSeen(this.id, max);
  }

  // ---- events -------------------------------------------------------------------------------

  messageNew(m) {
    if (m.conversation_id !== this.id) return;
    this.#messages.set(m.id, m);
    if (m.sender_id === this.#app.me.id && m.client_msg_id) this.#pending.delete(m.client_msg_id);
    this.render();
    this.#markRead();
  }

  messageUpdated(m) {
    if (m.conversation_id !== this.id || !this.#messages.has(m.id)) return;
    this.#messages.set(m.id, m);
    this.render({ stick: false });
  }

  messageDeleted({ conversation_id, message_id }) {
    const m = this.#messages.get(message_id);
    if (conversation_id !== this.id || !m) return;
    this.#messages.set(message_id, { ...m, deleted: true, content: null, attachments: [], reactions: [] });
    this.render({ stick: false });
  }

  reaction(kind, { conversation_id, message_id, emoji, user_id }) {
    const m = this.#messages.get(message_id);
    if (conversation_id !== this.id || !m) return;
    const reactions = m.reactions.map((r) => ({ ...r, user_ids: [...r.user_ids] }));
    let r = reactions.find((x) => x.emoji === emoji);
    if (kind === 'added') {
      if (!r) reactions.push((r = { emoji, count: 0, user_ids: [] }));
      if (!r.user_ids.includes(user_id)) r.user_ids.push(user_id);
    } else if (r) {
      r.user_ids = r.user_ids.filter((u) => u !== user_id);
    }
    if (r) r.count = r.user_ids.length;
    this.#messages.set(message_id, { ...m, reactions: reactions.filter((x) => x.count > 0) });
    this.render({ stick: false });
  }

  readReceipt({ conversation_id, user_id, seq }) {
    if (conversation_id !== this.id || user_id === this.#app.me.id) return;
    if ((this.#readers.get(user_id) ?? -1) >= seq) return;
    this.#readers.set(user_id, seq);
    this.render({ stick: false });
  }

  typing({ conversation_id, user_ids }) {
    if (conversation_id !== this.id) return;
    this.#typing = user_ids.filter((u) => u !== this.#app.me.id);
    const names = this.#typing.map((u) => this.#app.name(u, this.id));
    $('typing').textContent =
      names.length === 0
        ? ''
        : names.length === 1
          ? `${names[0]} is typing…`
          : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
  }

  /** The conversation's header: its name, and its members with their presence. */
  renderHeader() {
    const title = $('chat-title');
    const sub = clear($('chat-sub'));
    if (!this.id) {
      title.textContent = 'No conversation open';
      sub.textContent = 'Pick one on the left, or start one.';
      return;
    }
    title.textContent = this.#app.title(this.id);
    const details = this.#app.details.get(this.id);
    if (!details) return;
    for (const member of details.members) {
      const status = this.#app.presence.get(member.user_id) ?? 'offline';
      sub.append(
        h(
          'span',
          { class: 'member', title: `${member.user_id}: ${status}` },
          h('span', { class: `dot ${status}`, dataset: { user: member.user_id } }),
          member.user_id === this.#app.me.id ? 'you' : member.name || member.user_id,
        ),
      );
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  #markRead() {
    if (!this.id || document.visibilityState !== 'visible') return;
    let newest = null;
    for (const m of this.#messages.values()) {
      if (m.sender_id !== this.#app.me.id && !m.deleted && (!newest || m.seq > newest.seq)) newest = m;
    }
    if (!newest || newest.seq <= this.#readSent) return;
    this.#readSent = newest.seq;
    this.#app.client.markRead(this.id, newest.id).catch(() => {
      this.#readSent = 0; // try again with the next message or visit
    });
    this.#app.sidebar.markRead(this.id);
  }

  // ---- rendering ----------------------------------------------------------------------------

  render({ stick } = {}) {
    if (!this.id) return;
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    const sorted = [...this.#messages.values()].sort((a, b) => a.seq - b.seq);
    const seenAt = this.#seenBy(sorted);
    const items = [];
    if (this.#hasOlder) items.push(h('li', { class: 'more' }, 'Scroll up for older messages'));
    if (!sorted.length && !this.#pending.size) items.push(h('li', { class: 'empty' }, 'No messages yet. Say hello!'));
    for (const m of sorted) items.push(this.#messageItem(m, seenAt.get(m.id)));
    for (const p of this.#pending.values()) items.push(this.#pendingItem(p));
    list.replaceChildren(...items);
    if (stick ?? atBottom) list.scrollTop = list.scrollHeight;
  }

  /** For each reader, the newest message at or before its read position: "seen by" goes there. */
  #seenBy(sorted) {
    const at = new Map();
    for (const [user, seq] of this.#readers) {
      let target = null;
      for (const m of sorted) if (m.seq <= seq && m.sender_id !== user) target = m;
      if (!target) continue;
      if (!at.has(target.id)) at.set(target.id, []);
      at.get(target.id).push(this.#app.name(user, this.id));
    }
    return at;
  }

  #messageItem(m, seenBy) {
    const app = this.#app;
    if (m.type === 'system') {
      return h('li', { class: 'system', dataset: { id: m.id, seq: m.seq } }, m.content ?? '');
    }
    const mine = m.sender_id === app.me.id;
    const li = h('li', { class: `msg ${mine ? 'mine' : 'theirs'}`, dataset: { id: m.id, seq: m.seq } });
    li.append(
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'author' }, mine ? 'You' : app.name(m.sender_id, this.id)),
        ' ',
        h('time', { datetime: m.created_at, title: new Date(m.created_at).toLocaleString() }, time(m.created_at)),
        m.edited_at && !m.deleted ? h('span', { class: 'edited' }, ' (edited)') : null,
      ),
    );
    if (m.reply_to_id) li.append(this.#quote(m.reply_to_id));
    if (m.deleted) {
      li.classList.add('deleted');
      li.append(h('div', { class: 'body' }, 'This message was deleted.'));
      return li;
    }
    if (m.content) li.append(h('div', { class: 'body' }, m.content));
    if (m.attachments.length) li.append(h('div', { class: 'files' }, m.attachments.map((f) => this.#file(f))));
    if (m.reactions.length) {
      li.append(
        h(
          'div',
          { class: 'reactions' },
          m.reactions.map((r) => {
            const own = r.user_ids.includes(app.me.id);
            return h(
              'button',
              {
                type: 'button',
                class: `reaction${own ? ' own' : ''}`,
                title: r.user_ids.map((u) => app.name(u, this.id)).join(', '),
                onclick: () => this.#toggleReaction(m, r.emoji, own),
              },
              `${r.emoji} ${r.count}`,
            );
          }),
        ),
      );
    }
    li.append(this.#actions(m, mine));
    if (seenBy?.length) li.append(h('div', { class: 'seen' }, `Seen by ${seenBy.join(', ')}`));
    return li;
  }

  #pendingItem(p) {
    const d = p.data;
    return h(
      'li',
      { class: `msg mine pending${p.error ? ' failed' : ''}`, dataset: { cmid: d.client_msg_id } },
      h('div', { class: 'meta' }, h('span', { class: 'author' }, 'You')),
      d.reply_to_id ? this.#quote(d.reply_to_id) : null,
      d.content ? h('div', { class: 'body' }, d.content) : null,
      p.files?.length ? h('div', { class: 'files' }, p.files.map((f) => h('span', { class: 'file' }, `📎 ${f.name}`))) : null,
      p.error
        ? h(
            'div',
            { class: 'state' },
            `Not sent: ${p.error} `,
            h('button', { type: 'button', class: 'link', onclick: () => this.#resend(p) }, 'Retry'),
            ' ',
            h('button', { type: 'button', class: 'link', onclick: () => this.#discard(p) }, 'Discard'),
          )
        : h('div', { class: 'state' }, 'Sending…'),
    );
  }

  #quote(id) {
    const q = this.#messages.get(id);
    const text = !q ? 'an earlier message' : q.deleted ? 'a deleted message' : q.content || '📎 a file';
    const who = q ? `${this.#app.name(q.sender_id, this.id)}: ` : '';
    return h(
      'button',
      { type: 'button', class: 'quote', onclick: () => q && this.#flash(id) },
      `↪ ${who}${text.length > 120 ? `${text.slice(0, 120)}…` : text}`,
    );
  }

  #file(f) {
    const link = h(
      'button',
      { type: 'button', class: 'link file', onclick: () => this.#app.files.save(f).catch((e) => this.#app.toast(e.message)) },
      `📎 ${f.name} (${bytes(f.size)})`,
    );
    if (!f.content_type.startsWith('image/')) return link;
    const img = h('img', { alt: f.name, class: 'inline-image' });
    this.#app.files.url(f.id).then((u) => (img.src = u), () => img.remove());
    return h('figure', null, img, link);
  }

  #actions(m, mine) {
    const app = this.#app;
    return h(
      'div',
      { class: 'actions' },
      QUICK_EMOJI.map((e) =>
        h('button', { type: 'button', class: 'ghost emoji', title: `React ${e}`, onclick: () => this.#toggleReaction(m, e, m.reactions.some((r) => r.emoji === e && r.user_ids.includes(app.me.id))) }, e),
      ),
      h('button', { type: 'button', class: 'ghost', onclick: () => this.#startReply(m) }, 'Reply'),
      mine && m.type !== 'system' ? h('button', { type: 'button', class: 'ghost', onclick: () => this.#startEdit(m) }, 'Edit') : null,
      mine ? h('button', { type: 'button', class: 'ghost', onclick: () => this.#delete(m) }, 'Delete') : null,
    );
  }

  #flash(id) {
    const el = $('messages').querySelector(`li[data-id="${CSS.escape(id)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 2000);
  }

  // ---- actions ------------------------------------------------------------------------------

  async #toggleReaction(m, emoji, own) {
    try {
      if (own) await this.#app.client.removeReaction(m.id, emoji);
      else await this.#app.client.addReaction(m.id, emoji);
    } catch (e) {
      this.#app.toast(`Reaction failed: ${e.message}`);
    }
  }

  async #delete(m) {
    if (!confirm('Delete this message for everyone?')) return;
    try {
      await this.#app.client.deleteMessage(m.id);
    } catch (e) {
      this.#app.toast(`Delete failed: ${e.message}`);
    }
  }

  #startReply(m) {
    this.#editing = null;
    this.#replyTo = m;
    this.#renderContext();
    $('input').focus();
  }

  #startEdit(m) {
    this.#replyTo = null;
    this.#editing = m;
    $('input').value = m.content ?? '';
    this.#autosize();
    this.#renderContext();
    $('input').focus();
  }

  #cancelContext() {
    if (this.#editing) $('input').value = '';
    this.#replyTo = this.#editing = null;
    this.#renderContext();
  }

  #renderContext() {
    const box = $('composer-context');
    const m = this.#editing ?? this.#replyTo;
    box.hidden = !m;
    if (!m) return;
    const text = m.content || '📎 a file';
    $('composer-context-text').textContent = this.#editing
      ? 'Editing your message (Esc cancels)'
      : `Replying to ${this.#app.name(m.sender_id, this.id)}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
  }

  async #attach(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.id) return;
    const chip = { name: file.name, uploading: true };
    this.#attachments.push(chip);
    this.#renderAttachments();
    try {
      Object.assign(chip, await this.#app.client.upload(file, file.name), { uploading: false });
    } catch (e) {
      this.#attachments = this.#attachments.filter((a) => a !== chip);
      this.#app.toast(`Upload failed: ${e.message}`);
    }
    this.#renderAttachments();
  }

  #renderAttachments() {
    clear($('attachments')).append(
      ...this.#attachments.map((a) =>
        h(
          'span',
          { class: 'chip' },
          a.uploading ? `Uploading ${a.name}…` : `📎 ${a.name}`,
          a.uploading
            ? null
            : h('button', { type: 'button', class: 'ghost', 'aria-label': `Remove ${a.name}`, onclick: () => {
                this.#attachments = this.#attachments.filter((x) => x !== a);
                this.#renderAttachments();
              } }, '✕'),
        ),
      ),
    );
  }

  async #submit() {
    if (!this.id) return;
    const input = $('input');
    const content = input.value.trim();
    if (this.#editing) {
      const m = this.#editing;
      if (!content && !m.attachments.length) return;
      this.#cancelContext();
      input.value = '';
      this.#autosize();
      try {
        await this.#app.client.editMessage(m.id, content);
      } catch (e) {
        this.#app.toast(`Edit failed: ${e.message}`);
      }
      return;
    }
    if (this.#attachments.some((a) => a.uploading)) return;
    const files = this.#attachments.filter((a) => a.id);
    if (!content && !files.length) return;
    input.value = '';
    this.#autosize();
    const send = {
      conversation_id: this.id,
      content,
      reply_to_id: this.#replyTo?.id,
      attachment_ids: files.map((f) => f.id),
    };
    this.#replyTo = null;
    this.#attachments = [];
    this.#renderContext();
    this.#renderAttachments();
    this.#send(send, files);
  }

  #send(send, files, client_msg_id) {
    const { client_msg_id: cmid, acked } = this.#app.client.send({ ...send, client_msg_id });
    const entry = { data: { ...send, client_msg_id: cmid }, send, files };
    this.#pending.set(cmid, entry);
    this.render({ stick: true });
    acked.then(
      (m) => {
        this.#pending.delete(cmid);
        if (m.conversation_id === this.id) this.#messages.set(m.id, m);
        this.render();
      },
      (e) => {
        entry.error = e.message;
        this.render();
      },
    );
  }

  #resend(p) {
    this.#pending.delete(p.data.client_msg_id);
    this.#send(p.send, p.files, p.data.client_msg_id); // the same key: never stored twice
  }

  #discard(p) {
    this.#pending.delete(p.data.client_msg_id);
    this.render();
  }

  #autosize() {
    const input = $('input');
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }
}
