// @ts-check
// The realism and fault settings as a form: labelled controls for each setting of
// GET /_sandbox/settings, saved whole with PUT, with the server's 400 (which names the field)
// shown next to the buttons.
import { messageOf } from './api.js';
import { h } from './dom.js';

/**
 * @typedef {import('./api.js').Settings} Settings
 * @typedef {import('./api.js').ChaosRule} ChaosRule
 * @typedef {HTMLLIElement & { read: () => ChaosRule }} RuleRow a rule's row, which reads itself back
 */

/** @type {Record<string, { label: string, field: 'ms' | 'status' | 'code' | null, options: number[] | null }>} */
const RULE_TYPES = {
  latency: { label: 'Added latency (ms)', field: 'ms', options: null },
  http_error: { label: 'HTTP error', field: 'status', options: [429, 500, 503] },
  create_error: { label: 'Create error', field: 'code', options: [21408, 21610, 21611, 21612, 21614] },
  delivery_failure: {
    label: 'Delivery failure',
    field: 'code',
    options: [30001, 30002, 30003, 30004, 30005, 30006, 30007, 30008],
  },
  webhook_drop: { label: 'Drop webhooks', field: null, options: null },
  webhook_delay: { label: 'Slow webhooks (ms)', field: 'ms', options: null },
};

let uid = 0;
/** the outcome of the last save, kept until the next edit: the form is redrawn on every settings event */
let notice = '';

/**
 * A labelled input; `read` turns its value back into the setting.
 * @param {string} label
 * @param {HTMLElement} input
 */
function control(label, input) {
  const id = `setting-${++uid}`;
  input.id = id;
  return h('div', { class: 'setting' }, h('label', { for: id }, label), input);
}

/**
 * @param {number} value
 * @param {import('./dom.js').Attrs} [attrs]
 */
function numberInput(value, attrs = {}) {
  return h('input', { type: 'number', step: 'any', value: String(value), ...attrs });
}

/** @param {boolean | undefined} checked */
function checkbox(checked) {
  const el = h('input', { type: 'checkbox' });
  el.checked = Boolean(checked);
  return el;
}

/**
 * @param {ChaosRule} rule
 * @param {(row: RuleRow) => void} onRemove
 * @returns {RuleRow}
 */
function ruleRow(rule, onRemove) {
  const type = h(
    'select',
    { 'aria-label': 'Rule type' },
    Object.entries(RULE_TYPES).map(([value, t]) => h('option', { value, selected: value === rule.type }, t.label)),
  );
  const valueCell = h('span', { class: 'rule-value' });
  const probability = numberInput(rule.probability ?? 1, { min: 0, max: 1, step: 0.01, 'aria-label': 'Probability' });
  const row = /** @type {RuleRow} */ (
    h('li', { class: 'rule' }, type, valueCell, h('span', {}, 'probability '), probability)
  );
  /** @type {HTMLSelectElement | HTMLInputElement | null} */
  let valueInput = null;
  /** @param {number | undefined} current */
  const renderValue = (current) => {
    const t = RULE_TYPES[type.value];
    valueInput = null;
    if (t?.options) {
      valueInput = h(
        'select',
        { 'aria-label': t.field === 'status' ? 'HTTP status' : 'Twilio error code' },
        t.options.map((o) => h('option', { value: String(o), selected: o === current }, String(o))),
      );
    } else if (t?.field) {
      valueInput = numberInput(current ?? 500, { min: 0, max: 60000, step: 1, 'aria-label': 'Milliseconds' });
    }
    valueCell.replaceChildren(...(valueInput ? [valueInput] : []));
  };
  const field = RULE_TYPES[rule.type]?.field;
  renderValue(field ? rule[field] : undefined);
  type.addEventListener('change', () => renderValue(undefined));
  row.append(h('button', { type: 'button', onclick: () => onRemove(row) }, 'Remove'));
  row.read = () => {
    const t = RULE_TYPES[type.value];
    /** @type {ChaosRule} */
    const out = { type: type.value, probability: Number(probability.value) };
    if (t?.field && valueInput) out[t.field] = Number(valueInput.value);
    return out;
  };
  return row;
}

/**
 * Builds the form for `settings`; `save(doc)` and `reset()` return the settings now in force
 * (or throw the API error), after which the form redraws itself.
 * @param {Settings} settings
 * @param {{ save: (doc: Settings) => Promise<Settings>, reset: () => Promise<Settings> }} actions
 * @returns {HTMLFormElement}
 */
export function settingsForm(settings, { save, reset }) {
  const s = settings;
  const speed = numberInput(s.speed_up, { min: 1, max: 100000 });
  const t = s.throughput;
  const tp = {
    enabled: checkbox(t.enabled),
    long_code_mps: numberInput(t.long_code_mps, { min: 0.001 }),
    toll_free_mps: numberInput(t.toll_free_mps, { min: 0.001 }),
    short_code_mps: numberInput(t.short_code_mps, { min: 0.001 }),
    other_mps: numberInput(t.other_mps, { min: 0.001 }),
    queue_seconds: numberInput(t.queue_seconds, { min: 1 }),
  };
  const cc = { enabled: checkbox(s.concurrency.enabled), max_requests: numberInput(s.concurrency.max_requests) };
  const chaosOn = checkbox(s.chaos.enabled);
  const rules = h('ul', { class: 'rules' });
  /** @param {RuleRow} row */
  const remove = (row) => row.remove();
  for (const r of s.chaos.rules) rules.append(ruleRow(r, remove));
  const rt = {
    max_messages: numberInput(s.retention.max_messages, { min: 0, step: 1 }),
    max_age_days: numberInput(s.retention.max_age_days, { min: 0 }),
  };
  const status = h('p', { class: 'muted', role: 'status', id: 'settings-status' }, notice);

  /** @returns {Settings} */
  const read = () => ({
    speed_up: Number(speed.value),
    throughput: {
      enabled: tp.enabled.checked,
      long_code_mps: Number(tp.long_code_mps.value),
      toll_free_mps: Number(tp.toll_free_mps.value),
      short_code_mps: Number(tp.short_code_mps.value),
      other_mps: Number(tp.other_mps.value),
      queue_seconds: Number(tp.queue_seconds.value),
    },
    concurrency: { enabled: cc.enabled.checked, max_requests: Number(cc.max_requests.value) },
    chaos: { enabled: chaosOn.checked, rules: [...rules.children].map((row) => /** @type {RuleRow} */ (row).read()) },
    retention: { max_messages: Number(rt.max_messages.value), max_age_days: Number(rt.max_age_days.value) },
  });

  const form = h(
    'form',
    // the sandbox checks every value and names the one it refuses
    { class: 'settings-form', id: 'settings-form', novalidate: true },
    control('Speed-up (simulated time ×)', speed),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Sender throughput'),
      control('Queue messages at each sender’s rate', tp.enabled),
      control('Long code (segments/s)', tp.long_code_mps),
      control('Toll-free (segments/s)', tp.toll_free_mps),
      control('Short code (segments/s)', tp.short_code_mps),
      control('Other senders (segments/s)', tp.other_mps),
      control('Queue holds (seconds of backlog)', tp.queue_seconds),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Account concurrency'),
      control('Limit concurrent API requests', cc.enabled),
      control('Requests in flight allowed', cc.max_requests),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Fault injection (chaos)'),
      control('Apply these rules', chaosOn),
      rules,
      h(
        'button',
        { type: 'button', onclick: () => rules.append(ruleRow({ type: 'http_error', status: 503 }, remove)) },
        'Add rule',
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Retention (0: no limit)'),
      control('Keep at most (messages)', rt.max_messages),
      control('Keep for (days)', rt.max_age_days),
    ),
    h(
      'div',
      { class: 'settings-actions' },
      h('button', { type: 'submit' }, 'Save settings'),
      h('button', { type: 'button', id: 'settings-reset', onclick: () => run(reset) }, 'Reset to defaults'),
    ),
    status,
  );

  /** @param {() => Promise<Settings>} action */
  async function run(action) {
    try {
      const next = await action();
      notice = 'Saved.';
      form.replaceWith(settingsForm(next, { save, reset }));
    } catch (err) {
      notice = '';
      status.textContent = `Not saved: ${messageOf(err)}`;
    }
  }
  form.addEventListener('input', () => {
    notice = '';
    status.textContent = '';
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(() => save(read()));
  });
  return form;
}
