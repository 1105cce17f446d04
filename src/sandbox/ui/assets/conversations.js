// @ts-check
// The conversation list of the chosen number: one line per counterpart, latest first, paged with
// "Load more"; choosing one opens its thread.
import { api } from './api.js';
import { $, badge, h, isolated, isOutbound, shortTime } from './dom.js';
import { noteSeen } from './live.js';
import { saveLocation } from './location.js';
import { PAGE, state } from './state.js';
import { loadThread } from './thread.js';

export async function loadConversations({ more = false } = {}) {
  if (!state.number) return;
  const page = await api.conversations({
    number: state.number,
    before: more ? state.conversationsNext : undefined,
    limit: PAGE,
  });
  state.conversations = more
    ? [...state.conversations, ...page.conversations]
    : mergeHead(state.conversations, page.conversations);
  if (!more && state.conversations.length <= PAGE) state.conversationsNext = page.next_before;
  else if (more) state.conversationsNext = page.next_before;
  for (const c of page.conversations) noteSeen(c.last);
  if (!state.peer && state.conversations[0]) {
    state.peer = state.conversations[0].counterpart;
    await loadThread();
  }
  renderConversations();
}

/**
 * A refreshed first page replaces the conversations it names and keeps the older ones below.
 * @param {import('./api.js').Conversation[]} current
 * @param {import('./api.js').Conversation[]} head
 */
function mergeHead(current, head) {
  const names = new Set(head.map((c) => c.counterpart));
  const oldestHead = head[head.length - 1]?.last.seq ?? Infinity;
  return [...head, ...current.filter((c) => !names.has(c.counterpart) && c.last.seq < oldestHead)];
}

function renderConversations() {
  const list = $('conversations');
  list.replaceChildren(
    ...state.conversations.map((c) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'conversation',
            'aria-current': c.counterpart === state.peer ? 'true' : null,
            onclick: () => selectPeer(c.counterpart),
          },
          isolated(c.counterpart, { class: 'peer' }),
          h('time', { class: 'muted small' }, shortTime(c.last.date_created)),
          h(
            'span',
            { class: 'snippet' },
            isOutbound(c.last) ? 'You: ' : '',
            isolated(c.last.body || (c.last.media.length ? '📎 media' : '')),
          ),
          h('span', { class: 'muted small' }, `${c.count} message${c.count === 1 ? '' : 's'} · `, badge(c.last.status)),
        ),
      ),
    ),
  );
  if (state.conversations.length === 0)
    list.append(h('li', { class: 'empty' }, 'No conversations for this number yet.'));
  $('conversations-more').hidden = state.conversationsNext === null;
}

/** @param {string} peer */
async function selectPeer(peer) {
  state.peer = peer;
  state.thread = new Map();
  state.threadNext = null;
  renderConversations();
  await loadThread();
  saveLocation();
  $('thread-heading').focus();
}

/** @type {import('./parts.js').Part} */
export const conversations = {
  wire() {
    $('conversations-more').addEventListener('click', () => void loadConversations({ more: true }));
  },
  start: () => loadConversations(),
  refresh: () => loadConversations(),
  reset() {
    state.peer = null;
    state.conversations = [];
    state.conversationsNext = null;
  },
};
