// @ts-check
// WhatsApp in the inbox: the account's WhatsApp senders (its numbers' `whatsapp:` addresses and
// Twilio's shared WhatsApp Sandbox number) in the side bar and in the composer, so a thread with a
// WhatsApp user opens like any other and the composer writes as that user; above such a thread,
// whether the user's 24-hour window is open and how long it has left, and "The user read it", which
// marks what the sender delivered to them read. Everything comes from GET /_sandbox/whatsapp.
import { api, messageOf } from './api.js';
import { $, h, isOutbound } from './dom.js';
import { selectNumber } from './numbers.js';
import { refresh } from './parts.js';
import { state } from './state.js';

/** @type {import('./api.js').WhatsappOverview | null} */
let overview = null;
let loadedAt = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let reloadTimer;

/** @param {string | null | undefined} address */
export const isWhatsapp = (address) => typeof address === 'string' && address.startsWith('whatsapp:');

async function load() {
  overview = await api.whatsapp();
  loadedAt = Date.now();
  renderSenders();
  renderComposeOptions();
  renderWindow();
}

/**
 * The addresses a WhatsApp user can write to: registered senders, then the shared sandbox number.
 * @returns {{ address: string, label: string, note: string }[]}
 */
function senders() {
  if (!overview) return [];
  return [
    ...overview.senders.filter((s) => s.enabled).map((s) => ({ address: s.address, label: s.phone_number, note: '' })),
    {
      address: overview.sandbox.address,
      label: 'WhatsApp Sandbox',
      note: `users join with “${overview.sandbox.join_message}”`,
    },
  ];
}

function renderSenders() {
  const list = senders();
  $('wa-heading').hidden = list.length === 0;
  $('wa-senders').replaceChildren(
    ...list.map((s) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'number whatsapp',
            'aria-current': s.address === state.number ? 'true' : null,
            onclick: () => selectNumber(s.address),
          },
          h('span', { class: 'number-name' }, s.label),
          h('span', { class: 'number-e164' }, s.address),
          s.note ? h('span', { class: 'muted small' }, s.note) : null,
        ),
      ),
    ),
  );
}

/** The composer's recipients gain the WhatsApp addresses (after the numbers, which numbers.js lists). */
function renderComposeOptions() {
  const select = $('compose-to', HTMLSelectElement);
  for (const old of select.querySelectorAll('option[data-whatsapp]')) old.remove();
  for (const s of senders()) {
    select.append(
      h('option', { value: s.address, dataset: { whatsapp: 'true' } }, `WhatsApp: ${s.label} (${s.address})`),
    );
  }
  if (state.number && isWhatsapp(state.number)) select.value = state.number;
}

/**
 * Simulated seconds as "5 h 03 min" (a speed-up shows the day the user lives).
 * @param {number} seconds
 */
function duration(seconds) {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${String(minutes).padStart(2, '0')} min` : `${minutes} min ${seconds % 60} s`;
}

function renderWindow() {
  const bar = $('wa-window');
  if (!overview || !isWhatsapp(state.number) || !state.peer) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  const w = overview.windows.find((x) => x.sender === state.number && x.user === state.peer);
  const elapsed = ((Date.now() - loadedAt) / 1000) * overview.speed_up;
  const left = w ? Math.max(0, Math.floor(w.seconds_left - elapsed)) : 0;
  let text;
  if (!w) text = 'No window: this user has not written to this sender. Only templates reach them.';
  else if (left > 0) text = `Window open · ${duration(left)} left`;
  else text = 'Window closed: the user last wrote more than 24 hours ago. Only templates reach them.';
  bar.dataset.open = left > 0 ? 'true' : 'false';
  const unread = [...state.thread.values()].filter((m) => isOutbound(m) && m.status === 'delivered');
  bar.replaceChildren(
    h('span', { class: 'wa-window-text' }, text),
    h(
      'button',
      {
        type: 'button',
        id: 'wa-read',
        disabled: unread.length === 0 ? true : null,
        title: 'Marks every delivered message in this thread read, as WhatsApp reports it when the user opens the chat',
        onclick: () => markRead(unread),
      },
      'The user read it',
    ),
  );
}

/** @param {import('./api.js').Message[]} messages */
async function markRead(messages) {
  $('wa-read', HTMLButtonElement).disabled = true;
  for (const m of messages) {
    try {
      await api.read(m.sid);
    } catch (err) {
      // one already read (by a reply meanwhile) does not stop the others
      console.error(messageOf(err));
    }
  }
  await refresh();
}

function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => load().catch((/** @type {unknown} */ err) => console.error(err)), 150);
}

/** @type {import('./parts.js').Part} */
export const whatsapp = {
  wire() {
    // the time left counts down while the page is open
    window.setInterval(renderWindow, 15_000);
    document.addEventListener('threadrender', () => {
      renderSenders();
      renderWindow();
    });
  },
  start: load,
  refresh: load,
  onEvent(type) {
    if (type === 'message' || type === 'settings' || type === 'number' || type === 'reset') scheduleReload();
  },
};
