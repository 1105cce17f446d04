// @ts-check
// The push channel: subscribes to the sandbox's event stream, shows whether the page is live,
// announces new messages to screen readers, and turns events into refreshes.
import { listen } from './api.js';
import { $, announce, isolated, isOutbound } from './dom.js';
import { dispatch, eventTypes, resetParts, scheduleRefresh } from './parts.js';
import { state } from './state.js';

/**
 * Called for every message a part loads: announces it once if it arrived by push.
 * @param {import('./api.js').Message} m
 */
export function noteSeen(m) {
  if (state.pendingAnnounce.has(m.sid) && !state.known.has(m.sid)) {
    const out = isOutbound(m);
    announce(['New message ', out ? 'to ' : 'from ', isolated(out ? m.to : m.from), ': ', isolated(m.body || 'media')]);
  }
  state.pendingAnnounce.delete(m.sid);
  state.known.add(m.sid);
}

/** @param {import('./api.js').LiveState} s */
function onLiveState(s) {
  const el = $('live');
  el.textContent = s === 'live' ? 'Live' : s === 'reconnecting' ? 'Reconnecting…' : 'Disconnected';
  el.dataset.state = s;
}

/** @type {import('./parts.js').Part} */
export const live = {
  wire() {
    listen(dispatch, onLiveState, eventTypes());
  },
  onEvent(type, data) {
    if (type === 'message') {
      if (data.sid && !state.known.has(data.sid)) state.pendingAnnounce.add(data.sid);
      scheduleRefresh();
    } else if (type === 'reset') {
      resetParts().catch((/** @type {unknown} */ err) => console.error(err));
    } else if (type === 'hello') {
      // after a reconnect, whatever happened meanwhile
      scheduleRefresh();
    }
  },
};
