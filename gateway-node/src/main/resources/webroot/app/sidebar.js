// The list of conversations (newest activity first, unread counts, last message), creating a
// group or a direct chat, and search results that open a conversation at the hit.
import { h, clear, time, highlighted } from './dom.js';

const $ = (id) => document.getElementById(id);

export class Sidebar {
  #app;
  /** id -> list item (`GET /api/v1/conversations`), kept current by events. */
  items = new Map();
  #mode = 'group';

  constructor(app) {
    this.#app = app;
    $('new-group').addEventListener('click', () => this.#showNew('group'));
    $('new-direct').addEventListener('click', () => this.#showNew('direct'));
    $('new-conv-cancel').addEventListener('click', () => ($('new-conv').hidden = true));
    $('new-conv').addEventListener('submit', (e) => {
      e.preventDefault();
      this.#create(new FormData(e.target));
    });
    $('search').addEventListener('submit', (e) => {
      e.preventDefault();
      this.#search(new FormData(e.target).get('q').trim());
    });
    $('search').addEventListener('input', (e) => {
      if (!e.target.value) this.#closeSearch();
    });
  }

  /** Loads every page of the list (and the details of conversations not known yet). */
  async load() {
    const items = new Map();
    let cursor;
    do {
      const page = await this.#app.client.listConversations({ limit: 100, cursor });
      for (const c of page.items) items.set(c.id, c);
      cursor = page.next_cursor;
    } while (cursor);
    // the open conversation is being read: its new messages are not unread here (the read
    // position may not have reached the server when this list was read)
    const open = items.get(this.#app.chat.id);
    if (open && document.visibilityState === 'visible') open.unread_count = 0;
    this.items = items;
    await Promise.all([...items.keys()].map((id) => this.#app.loadDetails(id).catch(() => {})));
    this.render();
  }

  messageNew(m) {
    const c = this.items.get(m.conversation_id);
    if (!c) {
      this.load().catch(() => {}); // a conversation this list has not seen yet
      return;
    }
    if (c.last_message && c.last_message.seq > m.seq) return;
    c.last_message = m;
    c.last_activity_at = m.created_at;
    const open = this.#app.chat.id === m.conversation_id && document.visibilityState === 'visible';
    if (m.sender_id !== this.#app.me.id && m.type !== 'system' && !open) c.unread_count += 1;
    this.render();
  }

  markRead(id) {
    const c = this.items.get(id);
    if (c && c.unread_count) {
      c.unread_count = 0;
      this.render();
    }
  }

  remove(id) {
    this.items.delete(id);
    this.render();
  }

  render() {
    const list = clear($('conversations'));
    const sorted = [...this.items.values()].sort((a, b) =>
      (b.last_activity_at ?? b.created_at).localeCompare(a.last_activity_at ?? a.created_at),
    );
    if (!sorted.length) {
      list.append(h('li', { class: 'empty' }, 'No conversations yet: start one above.'));
      return;
    }
    for (const c of sorted) list.append(this.#item(c));
  }

  #item(c) {
    const app = this.#app;
    const last = c.last_message;
    let preview = '';
    if (last) {
      const who = last.sender_id === app.me.id ? 'You: ' : last.sender_id ? `${app.name(last.sender_id, c.id)}: ` : '';
      preview = last.deleted ? `${who}(deleted)` : `${who}${last.content || (last.attachments?.length ? '📎 a file' : '')}`;
    }
    const other = app.otherMember(c.id);
    const status = other ? app.presence.get(other) ?? 'offline' : null;
    return h(
      'li',
      { class: `conv${app.chat.id === c.id ? ' active' : ''}${c.unread_count ? ' unread' : ''}`, dataset: { id: c.id } },
      h(
        'button',
        { type: 'button', onclick: () => app.openConversation(c.id) },
        h('span', { class: 'avatar' }, app.title(c.id).slice(0, 1).toUpperCase(), status ? h('span', { class: `dot ${status}`, dataset: { user: other } }) : null),
        h(
          'span',
          { class: 'conv-text' },
          h('span', { class: 'conv-top' }, h('span', { class: 'conv-name' }, app.title(c.id)), h('time', null, last ? time(last.created_at) : '')),
          h('span', { class: 'conv-bottom' }, h('span', { class: 'preview' }, preview), c.unread_count ? h('span', { class: 'badge', 'aria-label': `${c.unread_count} unread` }, String(c.unread_count)) : null),
        ),
      ),
    );
  }

  #showNew(mode) {
    this.#mode = mode;
    const form = $('new-conv');
    form.hidden = false;
    form.reset();
    $('new-conv-error').textContent = '';
    $('new-conv-name-label').hidden = mode !== 'group';
    $('new-conv-members-label').textContent = mode === 'group' ? 'Members (user ids, comma-separated)' : 'User id';
    form.querySelector(mode === 'group' ? '[name=name]' : '[name=members]').focus();
  }

  async #create(form) {
    const members = String(form.get('members'))
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter((s) => s && s !== this.#app.me.id);
    const body =
      this.#mode === 'group'
        ? { type: 'group', name: String(form.get('name')).trim() || 'New group', member_ids: members }
        : { type: 'direct', member_ids: members.slice(0, 1) };
    if (this.#mode === 'direct' && !members.length) {
      $('new-conv-error').textContent = 'Name the other person’s user id.';
      return;
    }
    try {
      const c = await this.#app.client.createConversation(body);
      this.#app.details.set(c.id, c);
      $('new-conv').hidden = true;
      await this.load();
      this.#app.openConversation(c.id);
    } catch (e) {
      $('new-conv-error').textContent = e.message;
    }
  }

  async #search(q) {
    const box = $('search-results');
    if (!q) return this.#closeSearch();
    box.hidden = false;
    $('conversations').hidden = true;
    clear(box).append(h('p', { class: 'hint' }, 'Searching…'));
    try {
      const { items } = await this.#app.client.search(q, { limit: 30 });
      clear(box).append(
        h('div', { class: 'results-head' }, `${items.length} result${items.length === 1 ? '' : 's'} for “${q}”`, h('button', { type: 'button', class: 'ghost', onclick: () => this.#closeSearch() }, 'Close')),
        h(
          'ul',
          null,
          items.map((hit) =>
            h(
              'li',
              { class: 'hit' },
              h(
                'button',
                { type: 'button', onclick: () => this.#app.openConversation(hit.conversation_id, { jumpTo: hit.id }) },
                h('span', { class: 'conv-top' }, h('span', { class: 'conv-name' }, this.#app.title(hit.conversation_id)), h('time', null, time(hit.created_at))),
                h('span', { class: 'snippet' }, `${this.#app.name(hit.sender_id, hit.conversation_id)}: `, highlighted(hit.highlight)),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      clear(box).append(h('p', { class: 'error' }, `Search failed: ${e.message}`));
    }
  }

  #closeSearch() {
    $('search-results').hidden = true;
    $('conversations').hidden = false;
  }
}
