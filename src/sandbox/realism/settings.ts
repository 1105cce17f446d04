// The realism settings of a sandbox: sender throughput and queues, request concurrency, fault
// injection (chaos), retention and WhatsApp's read receipts. One JSON document, validated field by field so a bad value is
// answered with a 400 naming it, and kept in the `settings` table so it survives restarts. The
// defaults change nothing a newcomer would notice: only the gentle 100-request concurrency limit
// is on.
import type { Db } from '../store/db.js';

export const HTTP_FAULT_STATUSES = [429, 500, 503] as const;
/** Twilio errors a create may be made to fail with, and their HTTP status */
export const CREATE_FAULT_CODES = [21408, 21610, 21611, 21612, 21614] as const;
/** asynchronous delivery errors (see lifecycle/fate.ts FATE_CODES) */
export const DELIVERY_FAULT_CODES = [30001, 30002, 30003, 30004, 30005, 30006, 30007, 30008] as const;

export type ChaosRule =
  | { type: 'http_error'; status: (typeof HTTP_FAULT_STATUSES)[number]; probability: number }
  | { type: 'create_error'; code: (typeof CREATE_FAULT_CODES)[number]; probability: number }
  | { type: 'latency'; ms: number; probability: number }
  | { type: 'delivery_failure'; code: (typeof DELIVERY_FAULT_CODES)[number]; probability: number }
  | { type: 'webhook_drop'; probability: number }
  | { type: 'webhook_delay'; ms: number; probability: number };

export interface RealismSettings {
  /** simulated time runs this many times faster than wall time (queues, validity, status steps) */
  speed_up: number;
  throughput: {
    enabled: boolean;
    /** message segments per second per sender */
    long_code_mps: number;
    toll_free_mps: number;
    short_code_mps: number;
    /** alphanumeric sender IDs and channel addresses */
    other_mps: number;
    /** how much backlog (in simulated seconds of sending) a sender's queue holds */
    queue_seconds: number;
  };
  concurrency: { enabled: boolean; max_requests: number };
  chaos: { enabled: boolean; rules: ChaosRule[] };
  /** 0 means no limit */
  retention: { max_messages: number; max_age_days: number };
  /** a WhatsApp user writing to a sender has read every message it delivered to them */
  whatsapp: { read_on_reply: boolean };
}

export function defaultSettings(): RealismSettings {
  return {
    speed_up: 1,
    throughput: {
      enabled: false,
      long_code_mps: 1,
      toll_free_mps: 3,
      short_code_mps: 100,
      other_mps: 10,
      queue_seconds: 36_000,
    },
    concurrency: { enabled: true, max_requests: 100 },
    chaos: { enabled: false, rules: [] },
    retention: { max_messages: 0, max_age_days: 0 },
    whatsapp: { read_on_reply: true },
  };
}

/** A settings document that cannot be used; `field` is its dotted path. */
export class SettingsError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.name = 'SettingsError';
    this.field = field;
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, field: string): Obj {
  if (!isObj(v)) throw new SettingsError(field, 'must be a JSON object');
  return v;
}

function onlyKeys(o: Obj, keys: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new SettingsError(field ? `${field}.${k}` : k, 'is not a known setting');
  }
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new SettingsError(field, 'must be true or false');
  return v;
}

function num(v: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new SettingsError(field, `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}

function oneOf<T extends number | string>(v: unknown, field: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new SettingsError(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function rule(v: unknown, field: string): ChaosRule {
  const o = object(v, field);
  const type = oneOf(o['type'], `${field}.type`, [
    'http_error',
    'create_error',
    'latency',
    'delivery_failure',
    'webhook_drop',
    'webhook_delay',
  ] as const);
  const probability = num(o['probability'] ?? 1, `${field}.probability`, 0, 1);
  switch (type) {
    case 'http_error':
      onlyKeys(o, ['type', 'probability', 'status'], field);
      return { type, probability, status: oneOf(o['status'], `${field}.status`, HTTP_FAULT_STATUSES) };
    case 'create_error':
      onlyKeys(o, ['type', 'probability', 'code'], field);
      return { type, probability, code: oneOf(o['code'], `${field}.code`, CREATE_FAULT_CODES) };
    case 'delivery_failure':
      onlyKeys(o, ['type', 'probability', 'code'], field);
      return { type, probability, code: oneOf(o['code'], `${field}.code`, DELIVERY_FAULT_CODES) };
    case 'latency':
    case 'webhook_delay':
      onlyKeys(o, ['type', 'probability', 'ms'], field);
      return { type, probability, ms: num(o['ms'], `${field}.ms`, 0, 60_000, true) };
    case 'webhook_drop':
      onlyKeys(o, ['type', 'probability'], field);
      return { type, probability };
  }
}

/**
 * Applies `patch` over `base`: sections merge key by key, `chaos.rules` is replaced as a whole.
 * Throws SettingsError for the first field that is unknown or out of range.
 */
export function mergeSettings(base: RealismSettings, patch: unknown): RealismSettings {
  const p = object(patch, 'settings');
  onlyKeys(p, ['speed_up', 'throughput', 'concurrency', 'chaos', 'retention', 'whatsapp'], '');
  const out: RealismSettings = structuredClone(base);
  if (p['speed_up'] !== undefined) out.speed_up = num(p['speed_up'], 'speed_up', 1, 100_000);
  if (p['throughput'] !== undefined) {
    const t = object(p['throughput'], 'throughput');
    const keys = ['enabled', 'long_code_mps', 'toll_free_mps', 'short_code_mps', 'other_mps', 'queue_seconds'] as const;
    onlyKeys(t, keys, 'throughput');
    if (t['enabled'] !== undefined) out.throughput.enabled = bool(t['enabled'], 'throughput.enabled');
    for (const k of ['long_code_mps', 'toll_free_mps', 'short_code_mps', 'other_mps'] as const) {
      if (t[k] !== undefined) out.throughput[k] = num(t[k], `throughput.${k}`, 0.001, 100_000);
    }
    if (t['queue_seconds'] !== undefined) {
      out.throughput.queue_seconds = num(t['queue_seconds'], 'throughput.queue_seconds', 1, 864_000);
    }
  }
  if (p['concurrency'] !== undefined) {
    const c = object(p['concurrency'], 'concurrency');
    onlyKeys(c, ['enabled', 'max_requests'], 'concurrency');
    if (c['enabled'] !== undefined) out.concurrency.enabled = bool(c['enabled'], 'concurrency.enabled');
    if (c['max_requests'] !== undefined) {
      out.concurrency.max_requests = num(c['max_requests'], 'concurrency.max_requests', 1, 100_000, true);
    }
  }
  if (p['chaos'] !== undefined) {
    const c = object(p['chaos'], 'chaos');
    onlyKeys(c, ['enabled', 'rules'], 'chaos');
    if (c['enabled'] !== undefined) out.chaos.enabled = bool(c['enabled'], 'chaos.enabled');
    if (c['rules'] !== undefined) {
      if (!Array.isArray(c['rules']) || c['rules'].length > 50) {
        throw new SettingsError('chaos.rules', 'must be a list of at most 50 rules');
      }
      out.chaos.rules = c['rules'].map((r, i) => rule(r, `chaos.rules[${i}]`));
    }
  }
  if (p['retention'] !== undefined) {
    const r = object(p['retention'], 'retention');
    onlyKeys(r, ['max_messages', 'max_age_days'], 'retention');
    if (r['max_messages'] !== undefined) {
      out.retention.max_messages = num(r['max_messages'], 'retention.max_messages', 0, 1e9, true);
    }
    if (r['max_age_days'] !== undefined) {
      out.retention.max_age_days = num(r['max_age_days'], 'retention.max_age_days', 0, 36_500);
    }
  }
  if (p['whatsapp'] !== undefined) {
    const w = object(p['whatsapp'], 'whatsapp');
    onlyKeys(w, ['read_on_reply'], 'whatsapp');
    if (w['read_on_reply'] !== undefined)
      out.whatsapp.read_on_reply = bool(w['read_on_reply'], 'whatsapp.read_on_reply');
  }
  return out;
}

const KEY = 'realism';

/** The stored settings over the defaults; a stored document that no longer validates is ignored. */
export function loadSettings(db: Db): RealismSettings {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(KEY) as { value: string } | undefined;
  if (!row) return defaultSettings();
  try {
    return mergeSettings(defaultSettings(), JSON.parse(row.value));
  } catch {
    return defaultSettings();
  }
}

export function saveSettings(db: Db, settings: RealismSettings): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(KEY, JSON.stringify(settings));
}

export function clearSettings(db: Db): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(KEY);
}
