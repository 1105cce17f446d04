// @ts-check
// The open conversation as a phone shows it: bubbles left and right with media, times and delivery
// state, a template's buttons under its bubble, "Load earlier messages", and the reader's scroll
// position kept while new messages arrive.
import { api } from './api.js';
import { showDetail } from './detail-pane.js';
import { $, badge, h, isolated, isOutbound, mediaImage, shortTime } from './dom.js';
import { noteSeen } from './live.js';
import { scheduleRefresh } from './parts.js';
import { PAGE, state } from './state.js';
import { templateActions, templateTag, templateText } from './template-message.js';
import { ticks } from './whatsapp-ticks.js';

export async function loadThread({ older = false } = {}) {
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

/**
 * Offline, most media URLs cannot load: say so instead of showing a broken image.
 * @param {Event} e
 */
function brokenImage(e) {
  if (e.currentTarget instanceof Element)
    e.currentTarget.replaceWith(h('span', { class: 'file' }, 'image unavailable'));
}

/** @param {import('./api.js').Message} m */
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
      templateText(m) ?? (m.body ? isolated(m.body, { class: 'text' }) : null),
      h(
        'span',
        { class: 'meta' },
        h('time', {}, shortTime(m.date_created)),
        templateTag(m),
        out ? [' · ', badge(m.status), ticks(m)] : null,
        m.error_code ? h('span', { class: 'error' }, ` ${m.error_code}`) : null,
      ),
    ),
    // the buttons are controls of their own, so they sit under the bubble, not inside its button
    templateActions(m),
  );
}

export function renderThread() {
  const heading = $('thread-heading');
  const list = $('thread');
  if (!state.peer) {
    heading.textContent = state.number ? `No conversations on ${state.number} yet` : 'No numbers';
    list.replaceChildren();
    $('thread-empty').hidden = false;
    $('thread-older').hidden = true;
    document.dispatchEvent(new CustomEvent('threadrender'));
    return;
  }
  heading.replaceChildren(isolated(state.peer), ' ↔ ', isolated(state.number));
  const active = document.activeElement;
  const focused = active instanceof HTMLElement ? active.dataset['sid'] : undefined;
  // stay where the reader is: follow new messages only when already at the newest
  const section = $('thread-section');
  const fromBottom = section.scrollHeight - section.scrollTop;
  const atBottom = fromBottom - section.clientHeight < 48;
  const messages = [...state.thread.values()].sort((a, b) => a.seq - b.seq);
  list.replaceChildren(...messages.map(bubble));
  $('thread-empty').hidden = messages.length > 0;
  $('thread-older').hidden = state.threadNext === null;
  const refocus = focused ? list.querySelector(`[data-sid="${focused}"]`) : null;
  if (refocus instanceof HTMLElement) refocus.focus({ preventScroll: true });
  section.scrollTop = atBottom ? section.scrollHeight : section.scrollHeight - fromBottom;
  // parts that decorate the thread (the WhatsApp window) follow it
  document.dispatchEvent(new CustomEvent('threadrender'));
}

/** @type {import('./parts.js').Part} */
export const thread = {
  wire() {
    $('thread-older').addEventListener('click', () => void loadThread({ older: true }));
  },
  async start() {
    if (state.peer && state.thread.size === 0) await loadThread();
    renderThread();
  },
  refresh: () => loadThread(),
  onEvent(type, data) {
    if (type === 'message.deleted') {
      if (data.sid) state.thread.delete(data.sid);
      scheduleRefresh();
    }
  },
  reset() {
    state.thread = new Map();
    state.threadNext = null;
  },
};
