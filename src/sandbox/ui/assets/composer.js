// @ts-check
// "Text this number as a phone would": posts an inbound text to the sandbox, then opens the
// conversation it landed in so the webhook's replies show up there.
import { api, messageOf } from './api.js';
import { $ } from './dom.js';
import { selectNumber } from './numbers.js';
import { refresh } from './parts.js';
import { state } from './state.js';

/** @param {SubmitEvent} event */
async function sendInbound(event) {
  event.preventDefault();
  const status = $('compose-status');
  const fromInput = $('compose-from', HTMLInputElement);
  const bodyInput = $('compose-body', HTMLTextAreaElement);
  const mediaInput = $('compose-media', HTMLTextAreaElement);
  const send = $('compose-send', HTMLButtonElement);
  const to = $('compose-to', HTMLSelectElement).value;
  // to a WhatsApp address, the text comes from that phone's WhatsApp
  const typed = fromInput.value.trim();
  const from = to.startsWith('whatsapp:') && typed && !typed.startsWith('whatsapp:') ? `whatsapp:${typed}` : typed;
  const body = bodyInput.value;
  const media = mediaInput.value.split(/\s+/).filter(Boolean);
  if (!from) {
    status.textContent = 'Enter the phone number the text comes from.';
    fromInput.focus();
    return;
  }
  if (!body && media.length === 0) {
    status.textContent = 'Write a message or add a media URL.';
    bodyInput.focus();
    return;
  }
  send.disabled = true;
  status.textContent = 'Sending…';
  try {
    const message = await api.inbound({ From: from, To: to, Body: body, ...(media.length ? { MediaUrl: media } : {}) });
    status.textContent = `Delivered to ${message.to} as ${message.sid}. Replies from your webhook show up here.`;
    bodyInput.value = '';
    mediaInput.value = '';
    state.known.add(message.sid);
    if (state.number !== message.to) await selectNumber(message.to);
    if (state.peer !== message.from) {
      state.peer = message.from;
      state.thread = new Map();
      state.threadNext = null;
    }
    await refresh();
  } catch (err) {
    status.textContent = `Not sent: ${messageOf(err)}`;
  } finally {
    send.disabled = false;
    bodyInput.focus();
  }
}

/** @type {import('./parts.js').Part} */
export const composer = {
  wire() {
    $('compose-form').addEventListener('submit', (e) => void sendInbound(e));
    $('compose-body').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('compose-form', HTMLFormElement).requestSubmit();
    });
  },
};
