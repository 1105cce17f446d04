// @ts-check
// "Your numbers": the account's phone numbers in the side bar (also the composer's recipients);
// choosing one opens its conversations. Loading the account also redraws the credentials.
import { api } from './api.js';
import { loadConversations } from './conversations.js';
import { $, h, isolated } from './dom.js';
import { saveLocation } from './location.js';
import { renderCredentials } from './settings.js';
import { state } from './state.js';

let accountJson = '';

export async function loadAccount() {
  const account = await api.account();
  // numbers change rarely: leave the DOM (and the focus in it) alone when nothing changed
  const json = JSON.stringify(account);
  if (json === accountJson) return;
  accountJson = json;
  state.account = account;
  const numbers = state.account.numbers;
  // a WhatsApp address (whatsapp.js lists them) is a place of its own
  const whatsapp = state.number?.startsWith('whatsapp:');
  if (!whatsapp && !numbers.some((n) => n.phone_number === state.number))
    state.number = numbers[0]?.phone_number ?? null;
  renderNumbers();
  const select = $('compose-to', HTMLSelectElement);
  const chosen = select.value;
  select.replaceChildren(
    ...numbers.map((n) => h('option', { value: n.phone_number }, `\u2068${n.friendly_name}\u2069 (${n.phone_number})`)),
  );
  select.value = numbers.some((n) => n.phone_number === chosen) ? chosen : (state.number ?? '');
  renderCredentials();
}

function renderNumbers() {
  $('numbers').replaceChildren(
    ...(state.account?.numbers ?? []).map((n) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'number',
            'aria-current': n.phone_number === state.number ? 'true' : null,
            onclick: () => selectNumber(n.phone_number),
          },
          isolated(n.friendly_name, { class: 'number-name' }),
          h('span', { class: 'number-e164' }, n.phone_number),
          h(
            'span',
            { class: 'muted small' },
            n.sms_url ? ['webhook: ', isolated(n.sms_url)] : 'no incoming webhook set',
          ),
        ),
      ),
    ),
  );
}

/** @param {string} number */
export async function selectNumber(number) {
  state.number = number;
  state.peer = null;
  $('compose-to', HTMLSelectElement).value = number;
  renderNumbers();
  await loadConversations();
  saveLocation();
}

/** @type {import('./parts.js').Part} */
export const numbers = {
  start: loadAccount,
  // numbers are not always announced on the event stream; asking is cheap
  refresh: loadAccount,
  onEvent(type) {
    if (type === 'number') loadAccount().catch((/** @type {unknown} */ err) => console.error(err));
  },
};
