// @ts-check
// "Event Streams": the account's sinks (status, destination, the subscription's types) and the
// latest CloudEvents deliveries to them, refreshed as deliveries happen, like the webhook log.
import { api } from './api.js';
import { $, h, isolated } from './dom.js';

/**
 * @typedef {object} StreamSink
 * @property {string} sid
 * @property {string} description
 * @property {string} status
 * @property {string} sink_type
 * @property {string | null} destination
 * @property {boolean} batch_events
 * @property {string | null} subscription_sid
 * @property {{ type: string, schema_version: number }[]} types
 *
 * @typedef {object} StreamDelivery
 * @property {number} id
 * @property {string | null} sink_sid
 * @property {string} url
 * @property {string} state
 * @property {number} attempts
 * @property {number | null} response_status
 * @property {string | null} error
 * @property {string[]} types
 * @property {string} created_at
 *
 * @typedef {{ sinks: StreamSink[], deliveries: StreamDelivery[] }} StreamsView
 */

let shownJson = '';

/** @param {string} type */
const shortType = (type) => type.replace(/^com\.twilio\./, '');

/** @param {StreamSink} sink */
function sinkItem(sink) {
  return h(
    'li',
    { class: 'stream-sink', 'data-sid': sink.sid },
    isolated(sink.description, { class: 'stream-name' }),
    h('span', { class: `badge stream-status ${sink.status === 'active' ? 'ok' : 'muted'}` }, sink.status),
    h('span', { class: 'muted small' }, sink.destination === null ? sink.sink_type : isolated(sink.destination)),
    h(
      'span',
      { class: 'muted small stream-types' },
      sink.subscription_sid === null
        ? 'no subscription'
        : sink.types.map((t) => `${shortType(t.type)} v${t.schema_version}`).join(', '),
    ),
  );
}

/** @param {StreamDelivery} d */
function deliveryItem(d) {
  const answer = d.response_status === null ? (d.error ?? 'no answer yet') : `HTTP ${d.response_status}`;
  return h(
    'li',
    { class: `stream-delivery ${d.state}` },
    h('span', { class: 'stream-state' }, d.state),
    h('span', { class: 'small' }, d.types.map(shortType).join(', ')),
    h('span', { class: 'muted small' }, `${answer} · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`),
  );
}

async function load() {
  /** @type {StreamsView} */
  const view = await api.eventStreams();
  const json = JSON.stringify(view);
  if (json === shownJson) return;
  shownJson = json;
  const section = $('event-streams');
  section.hidden = view.sinks.length === 0 && view.deliveries.length === 0;
  $('stream-sinks').replaceChildren(...view.sinks.map(sinkItem));
  $('stream-deliveries').replaceChildren(...view.deliveries.map(deliveryItem));
}

/** @type {import('./parts.js').Part} */
export const eventStreams = {
  start: load,
  refresh: load,
  reset() {
    shownJson = '';
  },
};
