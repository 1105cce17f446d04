// @ts-check
// "Templates": the account's Content templates with their types, variables and where their WhatsApp
// review stands (with the rejection reason), and a form per template to decide the review by hand
// as Meta would (approve, reject with a reason, pause, disable…) through the control API. Kept
// current by the `content` push event, and by looking again when a review is due to move on by
// itself (received → pending → decided), which happens with time and publishes nothing.
import { api, messageOf } from './api.js';
import { $, h, isolated } from './dom.js';

/** @typedef {import('./api.js').Template} Template */

const PAGE = 50;

/** Pages the reader has loaded ("Load more templates"); a refresh reloads that many. */
let pages = 1;
/** @type {number | null} */
let nextBefore = null;
/** @type {string[]} */
let statuses = [];
/** What each shown item was drawn from, so an unchanged one keeps its element (and focus, and typing). */
/** @type {Map<string, { json: string, el: HTMLElement }>} */
const shown = new Map();
/** Templates whose review form the reader opened. */
const openForms = new Set();
/** @type {ReturnType<typeof setTimeout> | undefined} */
let dueTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let reloadTimer;

/** @type {Record<string, string>} */
const TONE = {
  approved: 'good',
  rejected: 'bad',
  paused: 'bad',
  disabled: 'bad',
  received: 'pending',
  pending: 'pending',
  unsubmitted: 'muted',
};

/** @param {string} status */
const statusBadge = (status) =>
  h('span', { class: `badge approval ${TONE[status] ?? 'pending'}`, dataset: { status } }, status);

/** @param {string} text */
function report(text) {
  $('templates-status').textContent = text;
}

/**
 * @param {Template} t
 * @param {HTMLFormElement} form
 * @param {SubmitEvent} event
 */
async function decide(t, form, event) {
  event.preventDefault();
  const data = new FormData(form);
  const status = String(data.get('status') ?? '');
  const reason = String(data.get('rejection_reason') ?? '').trim();
  try {
    const next = await api.setApproval(
      t.sid,
      status === 'rejected' && reason ? { status, rejection_reason: reason } : { status },
    );
    report(`${t.friendly_name || t.sid}: ${next.status}${next.rejection_reason ? ` (${next.rejection_reason})` : ''}.`);
  } catch (err) {
    report(messageOf(err));
  }
  await load();
}

/** @param {Template} t */
function reviewForm(t) {
  const reasonId = `reason-${t.sid}`;
  const form = h(
    'form',
    { class: 'template-review' },
    h(
      'label',
      {},
      'Set the review to ',
      h(
        'select',
        { name: 'status' },
        statuses.map((s) => h('option', { value: s, selected: s === t.approval.status ? true : null }, s)),
      ),
    ),
    h(
      'label',
      { for: reasonId },
      'Rejection reason ',
      h('input', {
        id: reasonId,
        name: 'rejection_reason',
        type: 'text',
        autocomplete: 'off',
        maxlength: '1024',
        placeholder: 'INVALID_FORMAT - …',
      }),
    ),
    h('button', { type: 'submit', class: 'small' }, 'Set'),
  );
  form.addEventListener('submit', (e) => void decide(t, form, e));
  return form;
}

/** @param {Record<string, unknown>} variables */
function variableList(variables) {
  const entries = Object.entries(variables);
  if (entries.length === 0) return h('p', { class: 'muted small' }, 'No variables.');
  return h(
    'dl',
    { class: 'template-variables' },
    entries.map(([key, value]) => [
      h('dt', {}, isolated(`{{${key}}}`)),
      h('dd', {}, isolated(typeof value === 'string' ? value : JSON.stringify(value))),
    ]),
  );
}

/** @param {Template} t */
function item(t) {
  const a = t.approval;
  const details = h(
    'details',
    {
      class: 'template-more',
      open: openForms.has(t.sid) ? true : null,
      ontoggle: () => {
        if (details.open) openForms.add(t.sid);
        else openForms.delete(t.sid);
      },
    },
    h('summary', {}, 'Variables and review'),
    variableList(t.variables),
    a.name
      ? h('p', { class: 'muted small' }, 'Submitted as ', isolated(a.name), a.category ? ` (${a.category})` : '')
      : null,
    reviewForm(t),
  );
  return h(
    'li',
    { class: 'template', dataset: { sid: t.sid, status: a.status } },
    h(
      'span',
      { class: 'template-head' },
      isolated(t.friendly_name || 'no name', { class: 'template-name' }),
      ' ',
      statusBadge(a.status),
    ),
    h('span', { class: 'muted small template-types' }, Object.keys(t.types).join(', '), ` · ${t.language}`),
    h('span', { class: 'muted small template-sid' }, t.sid),
    a.status === 'rejected' && a.rejection_reason
      ? h('span', { class: 'rejection small' }, 'Rejected: ', isolated(a.rejection_reason))
      : null,
    a.next_change_in_ms !== null ? h('span', { class: 'muted small' }, 'Under review: WhatsApp decides shortly') : null,
    t.whatsapp_type === null ? h('span', { class: 'muted small' }, 'No type WhatsApp can show') : null,
    details,
  );
}

/** @param {Template[]} templates */
function render(templates) {
  const list = $('template-list');
  const keep = new Set(templates.map((t) => t.sid));
  for (const sid of shown.keys()) if (!keep.has(sid)) shown.delete(sid);
  const elements = templates.map((t) => {
    const json = JSON.stringify({ t, statuses });
    const before = shown.get(t.sid);
    if (before && before.json === json) return before.el;
    const el = item(t);
    shown.set(t.sid, { json, el });
    return el;
  });
  // moving an element that stays would blur it: only touch the list when its order changed
  const current = [...list.children];
  if (current.length !== elements.length || current.some((el, i) => el !== elements[i]))
    list.replaceChildren(...elements);
  $('templates-empty').hidden = templates.length > 0;
  $('templates-more').hidden = nextBefore === null;
}

/** Looks again when the first review that moves by itself is due. */
/** @param {Template[]} templates */
function watchDue(templates) {
  clearTimeout(dueTimer);
  const due = templates.map((t) => t.approval.next_change_in_ms).filter((ms) => ms !== null);
  if (due.length === 0) return;
  dueTimer = setTimeout(
    () => void load().catch((/** @type {unknown} */ err) => console.error(err)),
    Math.min(...due) + 50,
  );
}

async function load() {
  /** @type {Template[]} */
  const all = [];
  /** @type {number | null | undefined} */
  let before;
  for (let page = 0; page < pages; page++) {
    const view = await api.templates({ before, limit: PAGE });
    statuses = view.statuses;
    all.push(...view.templates);
    before = view.next_before;
    if (before === null) break;
  }
  nextBefore = before ?? null;
  render(all);
  watchDue(all);
}

function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void load().catch((/** @type {unknown} */ err) => console.error(err)), 100);
}

/** @type {import('./parts.js').Part} */
export const templates = {
  events: ['content'],
  wire() {
    $('templates-more').addEventListener('click', () => {
      pages += 1;
      void load();
    });
  },
  start: load,
  refresh: load,
  onEvent(type) {
    if (type === 'content') scheduleReload();
  },
  reset() {
    pages = 1;
    shown.clear();
    openForms.clear();
  },
};
