// @ts-check
// "Opted out": who has opted out of which sender (a number, or a Messaging Service for numbers in
// one), with a button to opt each phone back in, and a form that opts a phone out of the chosen
// number as a STOP would. Kept current by the `opt-out` push event.
import { api, messageOf } from './api.js';
import { $, h, isolated, shortTime } from './dom.js';
import { state } from './state.js';

/** @typedef {import('./api.js').OptOut} OptOut */

async function loadOptOuts() {
  const { opt_outs: rows } = await api.optOuts();
  const list = $('optouts');
  $('optouts-empty').hidden = rows.length > 0;
  list.replaceChildren(
    ...rows.map((o) =>
      h(
        'li',
        { class: 'optout', dataset: { phone: o.phone_number, sender: o.sender } },
        h(
          'span',
          {},
          isolated(o.phone_number, { class: 'optout-phone' }),
          ' opted out of ',
          o.sender_type === 'messaging_service' ? 'service ' : '',
          isolated(o.sender),
        ),
        h(
          'span',
          { class: 'muted small' },
          o.keyword ? `texted ${o.keyword}` : 'opted out by hand',
          ' · ',
          h('time', { datetime: o.date_created }, shortTime(o.date_created)),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-label': `Opt ${o.phone_number} back in to ${o.sender}`,
            onclick: () => optIn(o),
          },
          'Opt back in',
        ),
      ),
    ),
  );
}

/** @param {string} text */
function report(text) {
  $('optout-status').textContent = text;
}

/** @param {OptOut} o */
async function optIn(o) {
  try {
    await api.optIn({ sender: o.sender, phone_number: o.phone_number });
    report(`${o.phone_number} may receive messages from ${o.sender} again.`);
  } catch (err) {
    report(messageOf(err));
  }
  await loadOptOuts();
}

/** @param {SubmitEvent} event */
async function optOut(event) {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('optout-phone'));
  const phone = input.value.trim();
  if (!state.number) return report('Choose one of your numbers first.');
  try {
    const row = await api.optOut({ sender: state.number, phone_number: phone });
    report(`${row.phone_number} has opted out of ${row.sender}: sends to it now fail with 21610.`);
    input.value = '';
  } catch (err) {
    report(messageOf(err));
  }
  await loadOptOuts();
}

/** @type {import('./parts.js').Part} */
export const optOuts = {
  events: ['opt-out'],
  wire() {
    $('optout-form').addEventListener('submit', (e) => void optOut(e));
  },
  start: loadOptOuts,
  refresh: loadOptOuts,
  onEvent(type) {
    if (type === 'opt-out') loadOptOuts().catch((/** @type {unknown} */ err) => console.error(err));
  },
};
