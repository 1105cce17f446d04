// @ts-check
// Where the page's parts hook in. A part is an object of optional hooks; app.js registers every part
// once, in page order, and start, refresh, push events and reset walk that one list. A new panel is
// a new module and one line in app.js.
import { EVENT_TYPES } from './api.js';
import { saveLocation } from './location.js';

/**
 * @typedef {object} Part
 * @property {() => void} [wire] attaches the part's listeners to the page, once, before anything loads
 * @property {() => Promise<void> | void} [start] the first load, after the address bar was read
 * @property {() => Promise<void> | void} [refresh] reloads what the part shows (first pages only)
 * @property {(type: string, data: import('./api.js').PushEvent) => void} [onEvent] one push event from GET /_sandbox/events
 * @property {string[]} [events] event types beyond api.js's EVENT_TYPES that onEvent needs
 * @property {() => void} [reset] forgets what the part loaded: the sandbox's data was reset
 */

/** @type {Part[]} */
const parts = [];

/** @param {...Part} list */
export function registerParts(...list) {
  parts.push(...list);
}

/** Every event type some part listens to: the push channel subscribes to these. */
export function eventTypes() {
  return new Set([...EVENT_TYPES, ...parts.flatMap((part) => part.events ?? [])]);
}

/** Attaches each part's listeners, once. */
export function wireParts() {
  for (const part of parts) part.wire?.();
}

/** The first load, in page order: each part builds on what the ones before it loaded. */
export async function startParts() {
  for (const part of parts) await part.start?.();
  saveLocation();
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;
/** @type {Promise<void>} */
let refreshing = Promise.resolve();

/** Reloads what is on screen: first pages only, so it stays cheap however much is stored. */
export function refresh() {
  refreshing = refreshing
    .then(async () => {
      for (const part of parts) await part.refresh?.();
      saveLocation();
    })
    .catch((/** @type {unknown} */ err) => console.error(err));
  return refreshing;
}

/** Events come in bursts: one refresh shortly after the last of them. */
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 100);
}

/** Hands one push event to every part; each acts only on the types it cares about. */
/**
 * @param {string} type
 * @param {import('./api.js').PushEvent} data
 */
export function dispatch(type, data) {
  for (const part of parts) part.onEvent?.(type, data);
}

/** The sandbox was reset: every part forgets what it had loaded, then the page loads afresh. */
export async function resetParts() {
  for (const part of parts) part.reset?.();
  await refresh();
}
