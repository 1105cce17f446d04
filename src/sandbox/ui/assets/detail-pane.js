// @ts-check
// The message details pane: which message is shown, loading it (detail.js draws it), keeping it
// current when its status or webhooks change, and deleting it.
import { api, messageOf, statusOf } from './api.js';
import { renderDetail } from './detail.js';
import { $, h, isOutbound, shortTime } from './dom.js';
import { saveLocation } from './location.js';
import { refresh, scheduleRefresh } from './parts.js';
import { state } from './state.js';

/**
 * @param {string} sid
 * @param {{ focus?: boolean }} [options] focus: move the focus to the pane (not on a refresh)
 */
export async function showDetail(sid, { focus = true } = {}) {
  state.detailSid = sid;
  for (const b of document.querySelectorAll('.bubble'))
    if (b instanceof HTMLElement) b.setAttribute('aria-pressed', b.dataset['sid'] === sid ? 'true' : 'false');
  const body = $('detail-body');
  try {
    const data = await api.message(sid);
    body.replaceChildren(...renderDetail(data, { onDelete: deleteMessage }));
    $('detail-heading').textContent =
      `Message details: ${isOutbound(data.message) ? 'sent' : 'received'} ${shortTime(data.message.date_created)}`;
  } catch (err) {
    const gone = statusOf(err) === 404;
    if (gone) state.detailSid = null;
    body.replaceChildren(h('p', { class: 'error' }, gone ? 'This message was deleted.' : messageOf(err)));
  }
  saveLocation();
  if (focus) $('detail-heading').focus();
}

/** @param {string} sid */
async function deleteMessage(sid) {
  await api.deleteMessage(sid);
  state.thread.delete(sid);
  state.detailSid = null;
  $('detail-body').replaceChildren(h('p', { class: 'muted' }, 'Message deleted.'));
  $('detail-heading').textContent = 'Message details';
  await refresh();
}

/** @type {import('./parts.js').Part} */
export const detailPane = {
  async start() {
    if (state.detailSid) await showDetail(state.detailSid, { focus: false });
  },
  async refresh() {
    if (state.detailSid && state.detailDirty) {
      state.detailDirty = false;
      const pane = $('detail');
      const top = pane.scrollTop;
      await showDetail(state.detailSid, { focus: false });
      pane.scrollTop = top;
    }
  },
  onEvent(type, data) {
    if (type === 'message') {
      if (data.sid === state.detailSid) state.detailDirty = true;
    } else if (type === 'webhook') {
      if (data.messageSid && data.messageSid === state.detailSid) {
        state.detailDirty = true;
        scheduleRefresh();
      }
    } else if (type === 'hello') {
      state.detailDirty = true;
    }
  },
  reset() {
    state.detailSid = null;
    $('detail-body').replaceChildren(
      h('p', { class: 'empty' }, 'Select a message to see every field, its status timeline and its webhooks.'),
    );
  },
};
