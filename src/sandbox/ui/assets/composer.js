// "Text this number as a phone would": posts an inbound text to the sandbox, then opens the
// conversation it landed in so the webhook's replies show up there.
import { api } from './api.js';
import { $ } from './dom.js';
import { selectNumber } from './numbers.js';
import { refresh } from './parts.js';
import { state } from './state.js';

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

export const composer = {
  wire() {
    $('compose-form').addEventListener('submit', sendInbound);
    $('compose-body').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('compose-form').requestSubmit();
    });
  },
};
