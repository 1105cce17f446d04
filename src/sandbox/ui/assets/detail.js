// @ts-check
// The message detail panel: every field of the Message JSON, encoding and segments, price, the
// template a message was sent from, the status timeline with times, and every webhook the sandbox
// sent for the message.
import { badge, copyButton, field, fullTime, h, isolated, mediaImage, toDate } from './dom.js';

/**
 * @typedef {import('./api.js').Webhook} Webhook
 * @typedef {import('./dom.js').Child} Child
 */

/** @type {Record<string, string>} */
const KIND_TEXT = {
  status: 'Status callback',
  inbound: 'Incoming message webhook',
  fallback: 'Fallback URL webhook',
  redirect: 'TwiML <Redirect>',
};

/** @param {string} kind */
function describeKind(kind) {
  return KIND_TEXT[kind] ?? kind.replace(/[_-]/g, ' ');
}

/** @param {import('./api.js').Media[]} list */
function media(list) {
  if (list.length === 0) return null;
  return h(
    'section',
    { 'aria-label': 'Media' },
    h('h3', {}, `Media (${list.length})`),
    h(
      'ul',
      { class: 'media-list' },
      list.map((m, i) =>
        h(
          'li',
          {},
          m.content_type.startsWith('image/')
            ? mediaImage(m.url, {
                alt: `Attachment ${i + 1} (${m.content_type})`,
                onerror: (e) => {
                  if (e.currentTarget instanceof Element) e.currentTarget.remove();
                },
                interactive: true,
              })
            : null,
          ' ',
          /^https?:\/\//i.test(m.url)
            ? h('a', { href: m.url, target: '_blank', rel: 'noreferrer noopener' }, m.url)
            : h('code', {}, m.url),
          h('span', { class: 'muted' }, ` ${m.content_type} · ${m.sid}`),
        ),
      ),
    ),
  );
}

/**
 * @param {import('./api.js').TimelineEvent[]} events
 * @param {import('./api.js').MessageDetail['sandbox']} sandbox
 */
function timeline(events, sandbox) {
  const first = toDate(events[0]?.at_ms ?? null);
  const items = events.map((e) => {
    const at = toDate(e.at_ms);
    const delta = first && at ? at.getTime() - first.getTime() : 0;
    return h(
      'li',
      {},
      badge(e.status),
      h('time', { datetime: at?.toISOString() ?? '' }, ` ${fullTime(e.at_ms)}`),
      delta > 0 ? h('span', { class: 'muted' }, ` (+${(delta / 1000).toFixed(delta < 10_000 ? 2 : 0)} s)`) : null,
      e.error_code ? h('span', { class: 'error' }, ` error ${e.error_code}`) : null,
    );
  });
  if (sandbox.next_status && sandbox.next_at) {
    items.push(h('li', { class: 'muted' }, `next: ${sandbox.next_status} at ${fullTime(sandbox.next_at)}`));
  }
  return h(
    'section',
    { 'aria-label': 'Status timeline' },
    h('h3', {}, 'Status timeline'),
    h('ol', { class: 'timeline' }, items),
  );
}

/** @param {unknown} params */
function paramsTable(params) {
  if (params === null || typeof params !== 'object') return h('pre', { class: 'code' }, String(params));
  /** @type {Array<[string, unknown]>} */
  const entries = Array.isArray(params) ? /** @type {Array<[string, unknown]>} */ (params) : Object.entries(params);
  return h(
    'table',
    { class: 'params' },
    h('caption', { class: 'visually-hidden' }, 'Signed parameters'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Parameter'), h('th', { scope: 'col' }, 'Value'))),
    h(
      'tbody',
      {},
      entries.map(([k, v]) =>
        h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, Array.isArray(v) ? v.join(', ') : String(v))),
      ),
    ),
  );
}

/**
 * @param {Webhook} w
 * @param {number} index
 */
function webhook(w, index) {
  const ok = w.response_status !== null && w.response_status >= 200 && w.response_status < 300;
  const retries = Math.max(0, w.attempts - 1);
  // a status callback names the status it reports
  const messageStatus =
    w.params && typeof w.params === 'object'
      ? /** @type {Record<string, unknown>} */ (w.params)['MessageStatus']
      : null;
  return h(
    'li',
    { class: 'webhook' },
    h(
      'details',
      // the first and any that did not get a 2xx start open; the rest are one line each
      { open: index === 0 || !ok },
      h(
        'summary',
        {},
        h('strong', {}, describeKind(w.kind)),
        messageStatus ? ` (${String(messageStatus)})` : '',
        ' ',
        h(
          'span',
          { class: `badge ${ok ? 'good' : w.state === 'pending' ? 'pending' : 'bad'}` },
          w.response_status ?? w.state,
        ),
        ' ',
        h('code', {}, `${w.method} ${w.url}`),
      ),
      h(
        'dl',
        { class: 'fields' },
        field('URL', h('code', {}, w.url)),
        field('State', w.state),
        field('Response code', w.response_status ?? '—'),
        field('Duration', w.duration_ms === null ? '—' : `${w.duration_ms} ms`),
        field('Attempts', `${w.attempts} (${retries} ${retries === 1 ? 'retry' : 'retries'})`),
        w.next_attempt_at ? field('Next attempt', fullTime(w.next_attempt_at)) : null,
        w.error ? field('Error', h('span', { class: 'error' }, w.error)) : null,
        field('Sent', fullTime(w.created_at)),
        field(
          'X-Twilio-Signature',
          h('code', { class: 'wrap' }, w.signature),
          ' ',
          copyButton(w.signature, 'signature'),
        ),
      ),
      h('h4', {}, 'Signed parameters'),
      paramsTable(w.params),
      h('h4', {}, 'Response body'),
      h('pre', { class: 'code' }, w.response_body === null || w.response_body === '' ? '(empty)' : w.response_body),
    ),
  );
}

/**
 * The Content template a message was sent from, as the send recorded it (not Twilio's JSON).
 * @param {import('./api.js').TemplateSend | null | undefined} content
 */
function template(content) {
  if (!content) return null;
  return h(
    'section',
    { 'aria-label': 'Content template' },
    h('h3', {}, 'Content template'),
    h(
      'dl',
      { class: 'fields' },
      field('Template', h('code', {}, content.sid), ' ', copyButton(content.sid, 'template SID')),
      field('Type sent', content.type),
      field('WhatsApp approved when sent', content.whatsapp_approved ? 'yes' : 'no'),
    ),
    content.buttons.length > 0 || content.card
      ? h('pre', { class: 'code' }, JSON.stringify({ card: content.card, buttons: content.buttons }, null, 2))
      : null,
  );
}

const HIDDEN_FIELDS = new Set(['media', 'subresource_uris', 'seq', 'content']);

/**
 * Builds the panel's content for one GET /_sandbox/messages/{sid} answer.
 * @param {import('./api.js').MessageDetail} data
 * @param {{ onDelete: (sid: string) => unknown }} actions
 * @returns {HTMLElement[]}
 */
export function renderDetail(data, { onDelete }) {
  const m = data.message;
  const fields = Object.entries(m)
    .filter(([k]) => !HIDDEN_FIELDS.has(k))
    .map(([k, v]) =>
      field(
        k,
        v === null
          ? h('span', { class: 'muted' }, 'null')
          : k.startsWith('date_')
            ? [String(v), h('br'), h('span', { class: 'muted' }, fullTime(String(v)))]
            : String(v),
      ),
    );
  return [
    h(
      'div',
      { class: 'detail-head' },
      badge(m.status),
      h('code', { class: 'sid' }, m.sid),
      copyButton(m.sid, 'message SID'),
      h('button', { type: 'button', class: 'danger small', onclick: () => onDelete(m.sid) }, 'Delete message'),
    ),
    h(
      'p',
      { class: 'summary' },
      isolated(m.from),
      ' → ',
      isolated(m.to),
      ` · ${m.encoding} · ${m.num_segments} segment${m.num_segments === '1' ? '' : 's'} · `,
      m.price === null ? 'price not billed yet' : `${m.price} ${m.price_unit}`,
    ),
    m.error_code ? h('p', { class: 'error' }, `Error ${m.error_code}: ${m.error_message ?? ''}`) : null,
    h('pre', { class: 'body-text' }, m.body === '' ? '(no text)' : m.body),
    media(m.media),
    template(m.content),
    timeline(data.events, data.sandbox),
    h(
      'section',
      { 'aria-label': 'Webhooks' },
      h('h3', {}, `Webhooks and status callbacks (${data.webhooks.length})`),
      data.webhooks.length === 0
        ? h('p', { class: 'muted' }, 'None sent for this message (no webhook URL configured, or not yet due).')
        : h('ol', { class: 'webhooks' }, data.webhooks.map(webhook)),
    ),
    h('section', { 'aria-label': 'All fields' }, h('h3', {}, 'All fields'), h('dl', { class: 'fields' }, fields)),
  ].filter((el) => el !== null);
}
