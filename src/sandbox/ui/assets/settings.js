// @ts-check
// The settings dialog: credentials with copy buttons and a ready-to-paste curl, the realism and
// fault settings form, and "Delete all messages".
import { api, messageOf, statusOf } from './api.js';
import { $, copyButton, field, h } from './dom.js';
import { settingsForm } from './settings-form.js';
import { state } from './state.js';

/** Drawn whenever the account changes (numbers.js loads it). */
export function renderCredentials() {
  const a = state.account;
  if (!a) return;
  const curl = `curl -u ${a.sid}:${a.auth_token} -X POST ${a.base_url}/2010-04-01/Accounts/${a.sid}/Messages.json --data-urlencode "To=+15558675310" --data-urlencode "From=${a.numbers[0]?.phone_number ?? ''}" --data-urlencode "Body=Hello"`;
  $('credentials').replaceChildren(
    ...field('Account SID', h('code', {}, a.sid), ' ', copyButton(a.sid, 'account SID')),
    ...field('Auth token', h('code', {}, a.auth_token), ' ', copyButton(a.auth_token, 'auth token')),
    ...field('API base URL', h('code', {}, a.base_url), ' ', copyButton(a.base_url, 'API base URL')),
    ...field('Try it', h('code', { class: 'wrap' }, curl), ' ', copyButton(curl, 'curl command')),
  );
}

/** Draws the settings form; called when the dialog opens and on each settings event while open. */
async function loadSettings() {
  const target = $('settings-list');
  try {
    const settings = await api.settings();
    const entries = Object.entries(settings ?? {});
    target.replaceChildren(
      h('p', { class: 'muted' }, 'Realism and fault injection: changes apply at once and are kept across restarts.'),
      settings && entries.length
        ? settingsForm(settings, { save: (doc) => api.saveSettings(doc), reset: () => api.resetSettings() })
        : h('p', { class: 'muted' }, 'No settings.'),
    );
  } catch (err) {
    target.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        statusOf(err) === 404
          ? 'Realism and fault settings are not available in this sandbox version yet.'
          : messageOf(err),
      ),
    );
  }
}

async function clearAll() {
  if (!window.confirm('Delete every stored message, its media, timeline and webhook log?')) return;
  const { deleted } = await api.clear();
  $('clear-status').textContent = `Deleted ${deleted} message${deleted === 1 ? '' : 's'}.`;
}

/** @type {import('./parts.js').Part} */
export const settings = {
  wire() {
    $('settings-open').addEventListener('click', () => {
      $('settings', HTMLDialogElement).showModal();
      void loadSettings();
    });
    $('clear-all').addEventListener('click', () => void clearAll());
  },
  onEvent(type) {
    if (type === 'settings' && $('settings', HTMLDialogElement).open) void loadSettings();
  },
};
