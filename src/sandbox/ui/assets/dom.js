// @ts-check
// Small DOM and formatting helpers for the inbox. Text always goes in through textContent, so a
// message body can never become markup.

/**
 * @typedef {string | number | boolean | null | undefined | Node | ChildList} Child
 * @typedef {{ readonly [index: number]: Child }} ChildList a nested list of children, flattened
 * @typedef {string | number | boolean | null | undefined | ((event: Event) => unknown) | Record<string, string>} AttrValue
 * @typedef {Record<string, AttrValue>} Attrs
 */

/**
 * Creates an element: h('button', { type: 'button', onclick }, 'Label', child…).
 * Attributes starting with "on" become listeners; null/undefined/false attributes are skipped.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Child} child
 * @returns {child is Child[]}
 */
function isList(child) {
  return Array.isArray(child);
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (isList(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * The page's element with this id, checked to be of `type` (HTMLElement unless given): a missing or
 * different element is a bug in the page, said at once rather than as a null later.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {new () => T} [type]
 * @returns {T}
 */
export function $(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof (type ?? HTMLElement)))
    throw new Error(`#${id} is missing or not a ${(type ?? HTMLElement).name}`);
  return /** @type {T} */ (el);
}

/**
 * Twilio dates are RFC 2822 strings; the browser parses them.
 * @param {string | number | null | undefined} value
 */
export function toDate(value) {
  if (value === null || value === undefined) return null;
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** @param {string | number | null | undefined} value */
export function shortTime(value) {
  const d = toDate(value);
  if (!d) return '';
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** @param {string | number | null | undefined} value */
export function fullTime(value) {
  const d = toDate(value);
  return d ? d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' }) : '—';
}

/** @param {{ direction: string }} m */
export function isOutbound(m) {
  return m.direction !== 'inbound';
}

/** @type {Record<string, string>} */
const STATUS_TEXT = {
  queued: 'Queued',
  accepted: 'Accepted',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  undelivered: 'Not delivered',
  failed: 'Failed',
  receiving: 'Receiving',
  received: 'Received',
  canceled: 'Canceled',
  partially_delivered: 'Partly delivered',
};

/** @param {string} status */
export function statusText(status) {
  return STATUS_TEXT[status] ?? status;
}

/**
 * good | bad | pending: drives the colour of a status badge
 * @param {string} status
 */
export function statusTone(status) {
  if (['delivered', 'read', 'received'].includes(status)) return 'good';
  if (['failed', 'undelivered', 'canceled'].includes(status)) return 'bad';
  return 'pending';
}

/** @param {string} status */
export function badge(status) {
  return h('span', { class: `badge ${statusTone(status)}` }, statusText(status));
}

/**
 * Copies text; the page is served from 127.0.0.1, which browsers treat as a secure context.
 * @param {string} text
 * @param {HTMLElement} button
 */
export async function copy(text, button) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed: select and copy by hand';
  }
  setTimeout(() => (button.textContent = label), 1500);
}

/**
 * @param {string} text
 * @param {string} what names the text for screen readers: "Copy {what}"
 */
export function copyButton(text, what) {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${what}` }, 'Copy');
  button.addEventListener('click', () => void copy(text, button));
  return button;
}

/**
 * One definition row of a field list.
 * @param {string} name
 * @param {...Child} value
 */
export function field(name, ...value) {
  return [h('dt', {}, name), h('dd', {}, ...value)];
}

/** @param {Child} text */
export function announce(text) {
  const region = $('announcer');
  const line = h('p', {}, text);
  region.append(line);
  // keep the region short: screen readers only need what is new
  while (region.childElementCount > 5) region.firstElementChild?.remove();
}

/**
 * Text a message brings (a body, a number, a name) in its own bidi isolate: a right-to-left
 * override inside it cannot reorder the text around it.
 * @param {Child} text
 * @param {Attrs} [attrs]
 */
export function isolated(text, attrs = {}) {
  return h('bdi', attrs, text);
}

/**
 * Media URLs the developer chose to load in this page; the sandbox's own load without asking.
 * @type {Set<string>}
 */
const allowedMedia = new Set();

/** @param {string} url */
function mediaHost(url) {
  try {
    const u = new URL(url, location.href);
    return u.origin === location.origin ? null : u.host;
  } catch {
    return '';
  }
}

/**
 * An image attachment. Loading a URL from elsewhere tells its owner that the inbox was opened (and
 * when, and from where), so such an image waits for a click: `interactive` offers a button for it,
 * otherwise (inside another control) a placeholder names the host.
 */
/**
 * @param {string} url
 * @param {{ alt?: string, onerror?: (event: Event) => void, interactive?: boolean }} [options]
 */
export function mediaImage(url, { alt = '', onerror, interactive = false } = {}) {
  const host = mediaHost(url);
  const image = () => h('img', { src: url, alt, loading: 'lazy', class: 'thumb', onerror });
  if (host === null || allowedMedia.has(url)) return image();
  const label = host === '' ? 'an address that does not parse' : host;
  if (!interactive) return h('span', { class: 'file remote-media' }, 'image from ', isolated(label));
  const placeholder = h(
    'span',
    { class: 'remote-media' },
    h('span', { class: 'file' }, 'Image from ', isolated(label), ' not loaded'),
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'small',
        onclick: () => {
          allowedMedia.add(url);
          placeholder.replaceWith(image());
        },
      },
      'Load image',
    ),
  );
  return placeholder;
}
