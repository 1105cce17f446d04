// The inbox page: numbers, conversations shown like a phone, search, message detail, the
// "text this number" composer and settings, kept current by the sandbox's event stream.
import { api, listen } from './api.js';
import { renderDetail } from './detail.js';
import { settingsForm } from './settings-form.js';
import { $, announce, badge, copyButton, field, h, isolated, isOutbound, mediaImage, shortTime } from './dom.js';

const PAGE = 50;

const state = {
  account: null,
  number: null,
  peer: null,
  conversations: [],
  conversationsNext: null,
  thread: new Map(),
  threadNext: null,
  query: '',
  results: [],
  resultsNext: null,
  detailSid: null,
  /** sids the page has shown, so only new ones are announced */
  known: new Set(),
  pendingAnnounce: new Set(),
  /** the shown message changed: re-render its details on the next refresh */
  detailDirty: false,
};

// ---- numbers -------------------------------------------------------------------------------

let accountJson = '';

async function loadAccount() {
  const account = await api.account();
  // numbers change rarely: leave the DOM (and the focus in it) alone when nothing changed
  const json = JSON.stringify(account);
  if (json === accountJson) return;
  accountJson = json;
  state.account = account;
  const numbers = state.account.numbers;
  if (!numbers.some((n) => n.phone_number === state.number)) state.number = numbers[0]?.phone_number ?? null;
  renderNumbers();
  const select = $('compose-to');
  const chosen = select.value;
  select.replaceChildren(
    ...numbers.map((n) => h('option', { value: n.phone_number }, `\u2068${n.friendly_name}\u2069 (${n.phone_number})`)),
  );
  select.value = numbers.some((n) => n.phone_number === chosen) ? chosen : (state.number ?? '');
  renderCredentials();
}

function renderNumbers() {
  $('numbers').replaceChildren(
    ...state.account.numbers.map((n) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'number',
            'aria-current': n.phone_number === state.number ? 'true' : null,
            onclick: () => selectNumber(n.phone_number),
          },
          isolated(n.friendly_name, { class: 'number-name' }),
          h('span', { class: 'number-e164' }, n.phone_number),
          h(
            'span',
            { class: 'muted small' },
            n.sms_url ? ['webhook: ', isolated(n.sms_url)] : 'no incoming webhook set',
          ),
        ),
      ),
    ),
  );
}

async function selectNumber(number) {
  state.number = number;
  state.peer = null;
  $('compose-to').value = number;
  renderNumbers();
  await loadConversations();
  saveLocation();
}

// ---- conversations -------------------------------------------------------------------------

async function loadConversations({ more = false } = {}) {
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

/** A refreshed first page replaces the conversations it names and keeps the older ones below. */
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

async function selectPeer(peer) {
  state.peer = peer;
  state.thread = new Map();
  state.threadNext = null;
  renderConversations();
  await loadThread();
  saveLocation();
  $('thread-heading').focus();
}

// ---- thread --------------------------------------------------------------------------------

async function loadThread({ older = false } = {}) {
  if (!state.number || !state.peer) return renderThread();
  const page = await api.messages({
    number: state.number,
    with: state.peer,
    before: older ? state.threadNext : undefined,
    limit: PAGE,
  });
  if (older || state.thread.size === 0) state.threadNext = page.next_before;
  for (const m of page.messages) {
    state.thread.set(m.sid, m);
    noteSeen(m);
  }
  renderThread();
}

/** Offline, most media URLs cannot load: say so instead of showing a broken image. */
function brokenImage(e) {
  e.currentTarget.replaceWith(h('span', { class: 'file' }, 'image unavailable'));
}

function bubble(m) {
  const out = isOutbound(m);
  return h(
    'li',
    { class: `bubble-row ${out ? 'out' : 'in'}` },
    h(
      'button',
      {
        type: 'button',
        class: `bubble ${out ? 'out' : 'in'}`,
        dataset: { sid: m.sid },
        'aria-pressed': m.sid === state.detailSid ? 'true' : 'false',
        'aria-label': `${out ? 'Sent to' : 'Received from'} ${out ? m.to : m.from}, ${shortTime(m.date_created)}, ${m.status}: ${m.body}${m.media.length ? `, ${m.media.length} attachment(s)` : ''}. Show details`,
        onclick: () => showDetail(m.sid),
      },
      m.media.length
        ? h(
            'span',
            { class: 'thumbs' },
            m.media.map((x) =>
              x.content_type.startsWith('image/')
                ? mediaImage(x.url, { onerror: brokenImage })
                : h('span', { class: 'file' }, x.content_type),
            ),
          )
        : null,
      m.body ? isolated(m.body, { class: 'text' }) : null,
      h(
        'span',
        { class: 'meta' },
        h('time', {}, shortTime(m.date_created)),
        out ? [' · ', badge(m.status)] : null,
        m.error_code ? h('span', { class: 'error' }, ` ${m.error_code}`) : null,
      ),
    ),
  );
}

function renderThread() {
  const heading = $('thread-heading');
  const list = $('thread');
  if (!state.peer) {
    heading.textContent = state.number ? `No conversations on ${state.number} yet` : 'No numbers';
    list.replaceChildren();
    $('thread-empty').hidden = false;
    $('thread-older').hidden = true;
    return;
  }
  heading.replaceChildren(isolated(state.peer), ' ↔ ', isolated(state.number));
  const focused = document.activeElement?.dataset?.sid;
  // stay where the reader is: follow new messages only when already at the newest
  const section = $('thread-section');
  const fromBottom = section.scrollHeight - section.scrollTop;
  const atBottom = fromBottom - section.clientHeight < 48;
  const messages = [...state.thread.values()].sort((a, b) => a.seq - b.seq);
  list.replaceChildren(...messages.map(bubble));
  $('thread-empty').hidden = messages.length > 0;
  $('thread-older').hidden = state.threadNext === null;
  if (focused) list.querySelector(`[data-sid="${focused}"]`)?.focus({ preventScroll: true });
  section.scrollTop = atBottom ? section.scrollHeight : section.scrollHeight - fromBottom;
}

// ---- search --------------------------------------------------------------------------------

async function runSearch({ more = false } = {}) {
  const status = $('results-status');
  const searching = state.query !== '';
  $('results').hidden = !searching;
  $('thread-section').hidden = searching;
  saveLocation();
  if (!searching) return;
  try {
    const page = await api.messages({ q: state.query, before: more ? state.resultsNext : undefined, limit: PAGE });
    state.results = more ? [...state.results, ...page.messages] : page.messages;
    state.resultsNext = page.next_before;
    for (const m of page.messages) noteSeen(m);
    status.textContent = state.results.length
      ? `${state.results.length}${state.resultsNext ? '+' : ''} message${state.results.length === 1 ? '' : 's'} match “${state.query}”`
      : `No messages match “${state.query}”`;
    status.classList.remove('error');
  } catch (err) {
    state.results = [];
    state.resultsNext = null;
    status.textContent = err.message;
    status.classList.add('error');
  }
  $('result-list').replaceChildren(
    ...state.results.map((m) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'result', dataset: { sid: m.sid }, onclick: () => showDetail(m.sid) },
          h('span', { class: 'route' }, isolated(m.from), ' → ', isolated(m.to)),
          h('time', { class: 'muted small' }, shortTime(m.date_created)),
          badge(m.status),
          h('span', { class: 'muted small' }, m.direction),
          h('span', { class: 'snippet' }, isolated(m.body || (m.media.length ? '📎 media' : '(no text)'))),
        ),
      ),
    ),
  );
  $('results-more').hidden = state.resultsNext === null;
}

// ---- detail --------------------------------------------------------------------------------

async function showDetail(sid, { focus = true } = {}) {
  state.detailSid = sid;
  for (const b of document.querySelectorAll('.bubble'))
    b.setAttribute('aria-pressed', b.dataset.sid === sid ? 'true' : 'false');
  const body = $('detail-body');
  try {
    const data = await api.message(sid);
    body.replaceChildren(...renderDetail(data, { onDelete: deleteMessage }));
    $('detail-heading').textContent =
      `Message details: ${isOutbound(data.message) ? 'sent' : 'received'} ${shortTime(data.message.date_created)}`;
  } catch (err) {
    if (err.status === 404) state.detailSid = null;
    body.replaceChildren(h('p', { class: 'error' }, err.status === 404 ? 'This message was deleted.' : err.message));
  }
  saveLocation();
  if (focus) $('detail-heading').focus();
}

async function deleteMessage(sid) {
  await api.deleteMessage(sid);
  state.thread.delete(sid);
  state.detailSid = null;
  $('detail-body').replaceChildren(h('p', { class: 'muted' }, 'Message deleted.'));
  $('detail-heading').textContent = 'Message details';
  await refresh();
}

// ---- composer ------------------------------------------------------------------------------

async function sendInbound(event) {
  event.preventDefault();
  const status = $('compose-status');
  const from = $('compose-from').value.trim();
  const to = $('compose-to').value;
  const body = $('compose-body').value;
  const media = $('compose-media').value.split(/\s+/).filter(Boolean);
  if (!from) {
    status.textContent = 'Enter the phone number the text comes from.';
    $('compose-from').focus();
    return;
  }
  if (!body && media.length === 0) {
    status.textContent = 'Write a message or add a media URL.';
    $('compose-body').focus();
    return;
  }
  $('compose-send').disabled = true;
  status.textContent = 'Sending…';
  try {
    const message = await api.inbound({ From: from, To: to, Body: body, ...(media.length ? { MediaUrl: media } : {}) });
    status.textContent = `Delivered to ${message.to} as ${message.sid}. Replies from your webhook show up here.`;
    $('compose-body').value = '';
    $('compose-media').value = '';
    state.known.add(message.sid);
    if (state.number !== message.to) await selectNumber(message.to);
    if (state.peer !== message.from) {
      state.peer = message.from;
      state.thread = new Map();
      state.threadNext = null;
    }
    await refresh();
  } catch (err) {
    status.textContent = `Not sent: ${err.message}`;
  } finally {
    $('compose-send').disabled = false;
    $('compose-body').focus();
  }
}

// ---- settings ------------------------------------------------------------------------------

function renderCredentials() {
  const a = state.account;
  const curl = `curl -u ${a.sid}:${a.auth_token} -X POST ${a.base_url}/2010-04-01/Accounts/${a.sid}/Messages.json --data-urlencode "To=+15558675310" --data-urlencode "From=${a.numbers[0]?.phone_number ?? ''}" --data-urlencode "Body=Hello"`;
  $('credentials').replaceChildren(
    ...field('Account SID', h('code', {}, a.sid), ' ', copyButton(a.sid, 'account SID')),
    ...field('Auth token', h('code', {}, a.auth_token), ' ', copyButton(a.auth_token, 'auth token')),
    ...field('API base URL', h('code', {}, a.base_url), ' ', copyButton(a.base_url, 'API base URL')),
    ...field('Try it', h('code', { class: 'wrap' }, curl), ' ', copyButton(curl, 'curl command')),
  );
}

async function loadSettings() {
  const target = $('settings-list');
  try {
    const settings = await api.settings();
    const entries = Object.entries(settings ?? {});
    target.replaceChildren(
      h('p', { class: 'muted' }, 'Realism and fault injection: changes apply at once and are kept across restarts.'),
      entries.length
        ? settingsForm(settings, { save: (doc) => api.saveSettings(doc), reset: () => api.resetSettings() })
        : h('p', { class: 'muted' }, 'No settings.'),
    );
  } catch (err) {
    target.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        err.status === 404 ? 'Realism and fault settings are not available in this sandbox version yet.' : err.message,
      ),
    );
  }
}

async function clearAll() {
  if (!window.confirm('Delete every stored message, its media, timeline and webhook log?')) return;
  const { deleted } = await api.clear();
  $('clear-status').textContent = `Deleted ${deleted} message${deleted === 1 ? '' : 's'}.`;
}

// ---- live updates --------------------------------------------------------------------------

function noteSeen(m) {
  if (state.pendingAnnounce.has(m.sid) && !state.known.has(m.sid)) {
    const out = isOutbound(m);
    announce(['New message ', out ? 'to ' : 'from ', isolated(out ? m.to : m.from), ': ', isolated(m.body || 'media')]);
  }
  state.pendingAnnounce.delete(m.sid);
  state.known.add(m.sid);
}

let refreshTimer = null;
let refreshing = Promise.resolve();

/** Reloads what is on screen: first pages only, so it stays cheap however much is stored. */
function refresh() {
  refreshing = refreshing
    .then(async () => {
      // numbers are not always announced on the event stream; asking is cheap
      await loadAccount();
      await loadConversations();
      await loadThread();
      if (state.query) await runSearch();
      if (state.detailSid && state.detailDirty) {
        state.detailDirty = false;
        const pane = $('detail');
        const top = pane.scrollTop;
        await showDetail(state.detailSid, { focus: false });
        pane.scrollTop = top;
      }
      saveLocation();
    })
    .catch((err) => console.error(err));
  return refreshing;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 100);
}

async function resetView() {
  state.peer = null;
  state.thread = new Map();
  state.threadNext = null;
  state.conversations = [];
  state.conversationsNext = null;
  state.detailSid = null;
  $('detail-body').replaceChildren(
    h('p', { class: 'empty' }, 'Select a message to see every field, its status timeline and its webhooks.'),
  );
  await loadAccount();
  await refresh();
}

function onEvent(type, data) {
  if (type === 'message') {
    if (!state.known.has(data.sid)) state.pendingAnnounce.add(data.sid);
    if (data.sid === state.detailSid) state.detailDirty = true;
    scheduleRefresh();
  } else if (type === 'message.deleted') {
    state.thread.delete(data.sid);
    scheduleRefresh();
  } else if (type === 'webhook') {
    if (data.messageSid && data.messageSid === state.detailSid) {
      state.detailDirty = true;
      scheduleRefresh();
    }
  } else if (type === 'number') {
    loadAccount().catch((err) => console.error(err));
  } else if (type === 'settings') {
    if ($('settings').open) loadSettings();
  } else if (type === 'reset') {
    resetView().catch((err) => console.error(err));
  } else if (type === 'hello') {
    // after a reconnect, whatever happened meanwhile
    state.detailDirty = true;
    scheduleRefresh();
  }
}

function onLiveState(s) {
  const el = $('live');
  el.textContent = s === 'live' ? 'Live' : s === 'reconnecting' ? 'Reconnecting…' : 'Disconnected';
  el.dataset.state = s;
}

// ---- address bar ---------------------------------------------------------------------------

/** Keeps the place (number, conversation, message, search) in the URL so a reload or a link returns to it. */
function saveLocation() {
  const p = new URLSearchParams();
  if (state.number) p.set('number', state.number);
  if (state.peer) p.set('with', state.peer);
  if (state.detailSid) p.set('message', state.detailSid);
  if (state.query) p.set('q', state.query);
  const hash = p.toString();
  if (location.hash.slice(1) !== hash) history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
}

function readLocation() {
  const p = new URLSearchParams(location.hash.slice(1));
  state.number = p.get('number');
  state.peer = p.get('with');
  state.detailSid = p.get('message');
  state.query = p.get('q') ?? '';
  $('search').value = state.query;
}

// ---- wiring --------------------------------------------------------------------------------

function wire() {
  // move focus, not just the scroll position, so keyboard users land in the right place
  for (const link of document.querySelectorAll('a.skip')) {
    link.addEventListener('click', (e) => {
      const target = document.querySelector(link.getAttribute('href'));
      if (!target) return;
      e.preventDefault();
      target.focus();
    });
  }
  let searchTimer = null;
  const search = $('search');
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.query = search.value.trim();
      runSearch();
    }, 200);
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.query = search.value.trim();
    runSearch();
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      search.value = '';
      state.query = '';
      runSearch();
    }
  });
  document.addEventListener('keydown', (e) => {
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
    if (e.key === '/' && !typing) {
      e.preventDefault();
      search.focus();
    }
  });
  $('conversations-more').addEventListener('click', () => loadConversations({ more: true }));
  $('thread-older').addEventListener('click', () => loadThread({ older: true }));
  $('results-more').addEventListener('click', () => runSearch({ more: true }));
  $('compose-form').addEventListener('submit', sendInbound);
  $('compose-body').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('compose-form').requestSubmit();
  });
  $('settings-open').addEventListener('click', () => {
    $('settings').showModal();
    loadSettings();
  });
  $('clear-all').addEventListener('click', clearAll);
}

async function main() {
  wire();
  readLocation();
  listen(onEvent, onLiveState);
  await loadAccount();
  await loadConversations();
  if (state.peer && state.thread.size === 0) await loadThread();
  renderThread();
  if (state.query) await runSearch();
  if (state.detailSid) await showDetail(state.detailSid, { focus: false });
  saveLocation();
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  document.body.dataset.ready = 'error';
  $('live').textContent = `Could not load the inbox: ${err.message}`;
});
