// /2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers (and /Local, /Mobile, /TollFree): buy numbers
// from the sandbox inventory, list, fetch, configure (webhook URLs and methods, every writable
// field Twilio has) and release them. Everything is validated before anything is written.
import { rfc2822 } from '../../shared/dates.js';
import type { SandboxContext } from '../context.js';
import type { NumberType } from '../inventory/catalog.js';
import { chooseInAreaCode, choosePhoneNumber, type Purchase } from '../inventory/purchase.js';
import { isSid } from '../sids.js';
import {
  deleteNumber,
  insertNumber,
  listNumbers,
  numberByPhone,
  numberBySid,
  ownedNumbers,
  updateNumber,
  type Capabilities,
  type NumberColumns,
  type NumberFilters,
  type NumberRow,
} from '../store/numbers.js';
import { parseBool } from './available-phone-numbers.js';
import { TwilioRestError, invalidParam, notFound } from '../twilio-wire/errors.js';
import { parsePaging, readPage } from './paging.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX, type TwilioRequest } from '../routes/twilio.js';

type Kind =
  | { kind: 'url'; code: number }
  | { kind: 'method' }
  | { kind: 'sid'; prefix: string }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'name' };

/** Writable form fields → wire field, how to validate them, and whether a table column holds them. */
const FIELDS: readonly (readonly [string, string, Kind, boolean])[] = [
  ['ApiVersion', 'api_version', { kind: 'enum', values: ['2010-04-01', '2008-08-01'] }, false],
  ['FriendlyName', 'friendly_name', { kind: 'name' }, true],
  ['SmsApplicationSid', 'sms_application_sid', { kind: 'sid', prefix: 'AP' }, false],
  ['SmsFallbackMethod', 'sms_fallback_method', { kind: 'method' }, true],
  ['SmsFallbackUrl', 'sms_fallback_url', { kind: 'url', code: 21502 }, true],
  ['SmsMethod', 'sms_method', { kind: 'method' }, true],
  ['SmsUrl', 'sms_url', { kind: 'url', code: 21502 }, true],
  ['StatusCallback', 'status_callback', { kind: 'url', code: 21609 }, true],
  ['StatusCallbackMethod', 'status_callback_method', { kind: 'method' }, true],
  ['VoiceApplicationSid', 'voice_application_sid', { kind: 'sid', prefix: 'AP' }, false],
  ['VoiceCallerIdLookup', 'voice_caller_id_lookup', { kind: 'bool' }, false],
  ['VoiceFallbackMethod', 'voice_fallback_method', { kind: 'method' }, false],
  ['VoiceFallbackUrl', 'voice_fallback_url', { kind: 'url', code: 21502 }, false],
  ['VoiceMethod', 'voice_method', { kind: 'method' }, false],
  ['VoiceUrl', 'voice_url', { kind: 'url', code: 21502 }, false],
  ['EmergencyStatus', 'emergency_status', { kind: 'enum', values: ['Active', 'Inactive'] }, false],
  ['EmergencyAddressSid', 'emergency_address_sid', { kind: 'sid', prefix: 'AD' }, false],
  ['TrunkSid', 'trunk_sid', { kind: 'sid', prefix: 'TK' }, false],
  ['IdentitySid', 'identity_sid', { kind: 'sid', prefix: 'RI' }, false],
  ['AddressSid', 'address_sid', { kind: 'sid', prefix: 'AD' }, false],
  ['VoiceReceiveMode', 'voice_receive_mode', { kind: 'enum', values: ['voice', 'fax'] }, false],
  ['BundleSid', 'bundle_sid', { kind: 'sid', prefix: 'BU' }, false],
];

const MAX_NAME = 64;
const MAX_URL = 4000;

function validUrl(value: string): boolean {
  if (value.length > MAX_URL) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !u.hostname.includes('_');
  } catch {
    return false;
  }
}

function parseField(param: string, value: string, k: Kind): unknown {
  switch (k.kind) {
    case 'url':
      if (value !== '' && !validUrl(value)) {
        throw new TwilioRestError(
          400,
          k.code,
          `Invalid ${param}: ${value.slice(0, 100)} is not a valid http or https URL`,
        );
      }
      return value;
    case 'method': {
      const m = value.toUpperCase();
      if (m !== 'GET' && m !== 'POST') throw invalidParam(`Invalid ${param}: must be GET or POST`);
      return m;
    }
    case 'sid':
      if (value === '') return null;
      if (!isSid(value, k.prefix)) throw invalidParam(`Invalid ${param}: must be a ${k.prefix} SID`);
      return value;
    case 'bool':
      if (!/^(true|false)$/i.test(value)) throw invalidParam(`Invalid ${param}: must be true or false`);
      return value.toLowerCase() === 'true';
    case 'enum':
      if (!k.values.includes(value)) throw invalidParam(`Invalid ${param}: must be one of ${k.values.join(', ')}`);
      return value;
    case 'name':
      if (value.length > MAX_NAME) throw invalidParam(`Invalid FriendlyName: at most ${MAX_NAME} characters`);
      return value;
  }
}

/** The form's writable fields, validated, split into table columns and `extra` JSON. */
function parseWritable(form: URLSearchParams): { columns: NumberColumns; extra: Record<string, unknown> } {
  const columns: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [param, key, kind, isColumn] of FIELDS) {
    const value = form.get(param);
    if (value === null) continue;
    const parsed = parseField(param, value, kind);
    // the voice URLs read as null when unset, like Twilio's own examples
    const stored = parsed === '' && (key === 'voice_url' || key === 'voice_fallback_url') ? null : parsed;
    (isColumn ? columns : extra)[key] = stored;
  }
  return { columns: columns, extra };
}

function extraOf(n: NumberRow): Record<string, unknown> {
  return JSON.parse(n.extra) as Record<string, unknown>;
}

/** Twilio's IncomingPhoneNumber JSON, in the field order of Twilio's own example. */
export function numberJson(n: NumberRow): Record<string, unknown> {
  const x = extraOf(n);
  const pick = (key: string, fallback: unknown): unknown => (key in x ? x[key] : fallback);
  const caps = JSON.parse(n.capabilities) as Capabilities;
  const uri = `${API_PREFIX}/Accounts/${n.account_sid}/IncomingPhoneNumbers/${n.sid}`;
  return {
    account_sid: n.account_sid,
    address_sid: pick('address_sid', null),
    address_requirements: pick('address_requirements', 'none'),
    api_version: pick('api_version', '2010-04-01'),
    beta: pick('beta', false),
    capabilities: { voice: caps.voice, sms: caps.sms, mms: caps.mms, fax: caps.fax },
    date_created: rfc2822(n.date_created),
    date_updated: rfc2822(n.date_updated),
    emergency_status: pick('emergency_status', 'Inactive'),
    emergency_address_sid: pick('emergency_address_sid', null),
    emergency_address_status: 'unregistered',
    friendly_name: n.friendly_name,
    identity_sid: pick('identity_sid', null),
    origin: pick('origin', 'twilio'),
    phone_number: n.phone_number,
    sid: n.sid,
    sms_application_sid: pick('sms_application_sid', null),
    sms_fallback_method: n.sms_fallback_method,
    sms_fallback_url: n.sms_fallback_url,
    sms_method: n.sms_method,
    sms_url: n.sms_url,
    status_callback: n.status_callback,
    status_callback_method: n.status_callback_method,
    trunk_sid: pick('trunk_sid', null),
    uri: `${uri}.json`,
    voice_application_sid: pick('voice_application_sid', null),
    voice_caller_id_lookup: pick('voice_caller_id_lookup', false),
    voice_fallback_method: pick('voice_fallback_method', 'POST'),
    voice_fallback_url: pick('voice_fallback_url', null),
    voice_method: pick('voice_method', 'POST'),
    voice_url: pick('voice_url', null),
    voice_receive_mode: pick('voice_receive_mode', 'voice'),
    status: 'in-use',
    bundle_sid: pick('bundle_sid', null),
    type: n.type,
    subresource_uris: { assigned_add_ons: `${uri}/AssignedAddOns.json` },
  };
}

const instance = (n: NumberRow): { type: 'instance'; element: string; data: Record<string, unknown> } => ({
  type: 'instance',
  element: 'IncomingPhoneNumber',
  data: numberJson(n),
});

/** `PhoneNumber` filter: partial match, `*` standing for any one character. */
function phoneLike(text: string): string {
  const cleaned = text.replace(/[^0-9+*]/g, '');
  return `%${cleaned.replace(/\*/g, '_')}%`;
}

function listFilters(query: URLSearchParams, type: NumberType | undefined): NumberFilters {
  const f: NumberFilters = {};
  const phone = query.get('PhoneNumber');
  if (phone !== null && phone !== '') f.phoneLike = phoneLike(phone);
  const name = query.get('FriendlyName');
  if (name !== null && name !== '') f.friendlyName = name;
  const beta = parseBool(query, 'Beta');
  if (beta !== undefined) f.beta = beta;
  const origin = query.get('Origin');
  if (origin !== null && origin !== '') {
    if (origin !== 'twilio' && origin !== 'hosted') throw invalidParam('Invalid Origin: must be twilio or hosted');
    f.origin = origin;
  }
  if (type !== undefined) f.type = type;
  return f;
}

const SEGMENTS: readonly (readonly [string, NumberType])[] = [
  ['Local', 'local'],
  ['Mobile', 'mobile'],
  ['TollFree', 'tollfree'],
];

export function registerIncomingPhoneNumbers(routes: RouteTable, ctx: SandboxContext): void {
  const isOwned = (e164: string): boolean => numberByPhone(ctx.db, e164) !== undefined;

  const create = (
    req: TwilioRequest,
    type: NumberType | undefined,
  ): { status: number; rep: ReturnType<typeof instance> } => {
    const phone = req.form.get('PhoneNumber');
    const area = req.form.get('AreaCode');
    if (type !== undefined && area !== null) throw new TwilioRestError(400, 21457, 'AreaCode Parameter not Supported');
    if ((phone === null || phone === '') && (type !== undefined || area === null || area === '')) {
      throw invalidParam(
        type === undefined ? 'Either PhoneNumber or AreaCode is required' : 'Required parameter PhoneNumber is missing',
      );
    }
    const { columns, extra } = parseWritable(req.form);
    const chosen: Purchase =
      phone !== null && phone !== ''
        ? choosePhoneNumber(phone, type, isOwned)
        : chooseInAreaCode(area ?? '', isOwned, (iso) => ownedNumbers(ctx.db, iso));
    const row = insertNumber(ctx.db, {
      accountSid: req.account.sid,
      phoneNumber: chosen.phoneNumber,
      ...(columns.friendly_name === undefined ? {} : { friendlyName: columns.friendly_name }),
      type: chosen.type,
      isoCountry: chosen.isoCountry,
      capabilities: chosen.capabilities,
      now: ctx.clock.now(),
      fields: columns,
      extra: { ...extra, beta: chosen.beta, address_requirements: chosen.addressRequirements, origin: 'twilio' },
    });
    return { status: 201, rep: instance(row) };
  };

  const read = (req: TwilioRequest, type: NumberType | undefined, path: string) => {
    const filters = listFilters(req.query, type);
    const paging = parsePaging(req.query);
    const { rows, meta } = readPage({
      path,
      query: req.query,
      paging,
      seqOfSid: (sid) => (isSid(sid, 'PN') ? numberBySid(ctx.db, req.account.sid, sid)?.seq : undefined),
      fetch: (w) => listNumbers(ctx.db, req.account.sid, filters, w),
    });
    return {
      type: 'list' as const,
      key: 'incoming_phone_numbers',
      element: 'IncomingPhoneNumbers',
      itemElement: 'IncomingPhoneNumber',
      items: rows.map(numberJson),
      meta,
    };
  };

  const base = '/Accounts/:AccountSid/IncomingPhoneNumbers';
  routes.api2010('POST', base, (req) => create(req, undefined));
  routes.api2010('GET', base, (req) =>
    read(req, undefined, `${API_PREFIX}/Accounts/${req.account.sid}/IncomingPhoneNumbers.json`),
  );
  for (const [segment, type] of SEGMENTS) {
    routes.api2010('POST', `${base}/${segment}`, (req) => create(req, type));
    routes.api2010('GET', `${base}/${segment}`, (req) =>
      read(req, type, `${API_PREFIX}/Accounts/${req.account.sid}/IncomingPhoneNumbers/${segment}.json`),
    );
  }

  const find = (req: TwilioRequest): NumberRow => {
    const sid = req.params['Sid'] ?? '';
    const row = isSid(sid, 'PN') ? numberBySid(ctx.db, req.account.sid, sid) : undefined;
    if (!row) throw notFound(req.path);
    return row;
  };

  routes.api2010('GET', `${base}/:Sid`, (req) => instance(find(req)));

  routes.api2010('POST', `${base}/:Sid`, (req) => {
    const row = find(req);
    const target = req.form.get('AccountSid');
    if (target !== null && target !== req.account.sid) {
      throw invalidParam('Invalid AccountSid: the sandbox has no subaccounts to transfer the number to');
    }
    const { columns, extra } = parseWritable(req.form);
    return instance(updateNumber(ctx.db, row, columns, extra, ctx.clock.now()));
  });

  routes.api2010('DELETE', `${base}/:Sid`, (req) => {
    const row = find(req);
    deleteNumber(ctx.db, req.account.sid, row.sid);
    return null;
  });
}
