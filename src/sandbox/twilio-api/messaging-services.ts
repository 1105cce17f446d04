// Messaging Services on the messaging.twilio.com side (/v1/Services): create, list, fetch, update
// and delete services, and manage each one's sender pool (/PhoneNumbers). JSON only, v1 shapes:
// ISO 8601 dates, absolute `url`s, and `meta` paging.
import type { SandboxContext } from '../context.js';
import { isCallableUrl } from '../messaging/addresses.js';
import type { Product } from '../routes/table.js';
import type { TwilioRequest, V1Result } from '../routes/twilio.js';
import { numberBySid } from '../store/numbers.js';
import {
  addServiceNumber,
  deleteService,
  getService,
  getServiceNumber,
  insertService,
  listServiceNumbers,
  listServices,
  removeServiceNumber,
  serviceExtra,
  serviceOfNumber,
  serviceSeq,
  updateService,
  type PoolNumber,
  type ServiceColumns,
  type ServiceExtra,
  type ServiceRow,
} from '../store/services.js';
import { isSid } from '../sids.js';
import { TwilioRestError, invalidParam } from '../twilio-wire/errors.js';
import { v1Page, type KeysetWindow } from './paging.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function serviceJson(ctx: SandboxContext, s: ServiceRow): Record<string, unknown> {
  const url = `${ctx.baseUrl()}/v1/Services/${s.sid}`;
  const x = serviceExtra(s);
  const link = (name: string): string => `${url}/${name}`;
  return {
    account_sid: s.account_sid,
    area_code_geomatch: x.area_code_geomatch,
    date_created: iso(s.date_created),
    date_updated: iso(s.date_updated),
    fallback_method: x.fallback_method,
    fallback_to_long_code: x.fallback_to_long_code,
    fallback_url: s.fallback_url,
    friendly_name: s.friendly_name,
    inbound_method: s.inbound_method,
    inbound_request_url: s.inbound_request_url,
    links: {
      alpha_senders: link('AlphaSenders'),
      channel_senders: link('ChannelSenders'),
      destination_alpha_senders: link('DestinationAlphaSenders'),
      phone_numbers: link('PhoneNumbers'),
      short_codes: link('ShortCodes'),
      us_app_to_person: link('Compliance/Usa2p'),
      us_app_to_person_usecases: link('Compliance/Usa2p/Usecases'),
    },
    mms_converter: x.mms_converter,
    scan_message_content: x.scan_message_content,
    sid: s.sid,
    smart_encoding: x.smart_encoding,
    status_callback: s.status_callback,
    sticky_sender: x.sticky_sender,
    synchronous_validation: x.synchronous_validation,
    url,
    us_app_to_person_registered: false,
    use_inbound_webhook_on_number: x.use_inbound_webhook_on_number,
    usecase: x.usecase,
    validity_period: x.validity_period,
  };
}

function phoneNumberJson(ctx: SandboxContext, n: PoolNumber): Record<string, unknown> {
  const caps = JSON.parse(n.capabilities) as Record<string, boolean>;
  const capabilities = (['MMS', 'SMS', 'Voice', 'Fax'] as const).filter((c) => caps[c.toLowerCase()] === true);
  return {
    account_sid: n.account_sid,
    capabilities,
    country_code: n.iso_country,
    date_created: iso(n.joined),
    date_updated: iso(n.joined),
    phone_number: n.phone_number,
    service_sid: n.service_sid,
    sid: n.sid,
    url: `${ctx.baseUrl()}/v1/Services/${n.service_sid}/PhoneNumbers/${n.sid}`,
  };
}

/** A v1 list page: `{<key>: [...], meta: {...}}` with absolute page URLs. */
function page<Row extends { seq: number; sid: string }>(
  ctx: SandboxContext,
  req: TwilioRequest,
  key: string,
  seqOfSid: (sid: string) => number | undefined,
  fetch: (w: KeysetWindow) => Row[],
  render: (row: Row) => Record<string, unknown>,
): V1Result {
  return v1Page({ baseUrl: ctx.baseUrl(), req, key, seqOfSid, fetch, render });
}

const BOOLEAN_FIELDS = {
  StickySender: 'sticky_sender',
  MmsConverter: 'mms_converter',
  SmartEncoding: 'smart_encoding',
  FallbackToLongCode: 'fallback_to_long_code',
  AreaCodeGeomatch: 'area_code_geomatch',
  SynchronousValidation: 'synchronous_validation',
  UseInboundWebhookOnNumber: 'use_inbound_webhook_on_number',
} as const;

const METHODS = new Set(['GET', 'POST']);

/** Reads the writable fields present in the form, validating each. */
function serviceFields(form: URLSearchParams): { columns: Partial<ServiceColumns>; extra: Partial<ServiceExtra> } {
  const columns: Partial<ServiceColumns> = {};
  const extra: Partial<ServiceExtra> = {};
  const name = form.get('FriendlyName');
  if (name !== null) {
    if (name.length > 64) throw invalidParam('FriendlyName must be at most 64 characters');
    columns.friendly_name = name;
  }
  const url = (key: string): string | null | undefined => {
    const v = form.get(key);
    if (v === null) return undefined;
    if (v === '') return null;
    if (!isCallableUrl(v)) throw invalidParam(`${key} is not a valid URL: ${v}`);
    return v;
  };
  const method = (key: string): string | undefined => {
    const v = form.get(key);
    if (v === null) return undefined;
    if (!METHODS.has(v.toUpperCase())) throw invalidParam(`${key} must be GET or POST`);
    return v.toUpperCase();
  };
  const inbound = url('InboundRequestUrl');
  if (inbound !== undefined) columns.inbound_request_url = inbound;
  const fallback = url('FallbackUrl');
  if (fallback !== undefined) columns.fallback_url = fallback;
  const callback = url('StatusCallback');
  if (callback !== undefined) columns.status_callback = callback;
  const inboundMethod = method('InboundMethod');
  if (inboundMethod !== undefined) columns.inbound_method = inboundMethod;
  const fallbackMethod = method('FallbackMethod');
  if (fallbackMethod !== undefined) extra.fallback_method = fallbackMethod;
  for (const [param, field] of Object.entries(BOOLEAN_FIELDS)) {
    const v = form.get(param);
    if (v === null) continue;
    // any case, as Twilio reads them: older SDKs send Python's `True`/`False`
    if (!/^(true|false)$/i.test(v)) throw invalidParam(`${param} must be true or false`);
    extra[field] = v.toLowerCase() === 'true';
  }
  const scan = form.get('ScanMessageContent');
  if (scan !== null) {
    if (!['inherit', 'enable', 'disable'].includes(scan)) {
      throw invalidParam('ScanMessageContent must be inherit, enable or disable');
    }
    extra.scan_message_content = scan;
  }
  const validity = form.get('ValidityPeriod');
  if (validity !== null) {
    const n = /^\d{1,5}$/.test(validity) ? Number(validity) : Number.NaN;
    if (!(n >= 1 && n <= 36000)) throw invalidParam('ValidityPeriod must be between 1 and 36000');
    extra.validity_period = n;
  }
  const usecase = form.get('Usecase');
  if (usecase !== null) extra.usecase = usecase;
  return { columns, extra };
}

function findService(ctx: SandboxContext, req: TwilioRequest): ServiceRow {
  const sid = req.params['Sid'] ?? '';
  const row = isSid(sid, 'MG') ? getService(ctx.db, req.account.sid, sid) : undefined;
  if (!row) throw new TwilioRestError(404, 20404, `The requested resource ${req.path} was not found`);
  return row;
}

function createService(ctx: SandboxContext, req: TwilioRequest): V1Result {
  const name = req.form.get('FriendlyName');
  if (name === null || name === '') throw invalidParam('Missing required parameter FriendlyName in the post body');
  const { columns, extra } = serviceFields(req.form);
  const row = insertService(
    ctx.db,
    req.account.sid,
    {
      friendly_name: name,
      inbound_request_url: columns.inbound_request_url ?? null,
      inbound_method: columns.inbound_method ?? 'POST',
      fallback_url: columns.fallback_url ?? null,
      status_callback: columns.status_callback ?? null,
    },
    extra,
    ctx.clock.now(),
  );
  return { status: 201, body: serviceJson(ctx, row) };
}

function addNumber(ctx: SandboxContext, req: TwilioRequest): V1Result {
  const service = findService(ctx, req);
  const numberSid = req.form.get('PhoneNumberSid');
  if (numberSid === null || numberSid === '') {
    throw invalidParam('Missing required parameter PhoneNumberSid in the post body');
  }
  const number = isSid(numberSid, 'PN') ? numberBySid(ctx.db, req.account.sid, numberSid) : undefined;
  if (!number) throw new TwilioRestError(400, 21421, 'Phone Number is invalid');
  const caps = JSON.parse(number.capabilities) as { sms?: boolean; mms?: boolean };
  if (caps.sms !== true && caps.mms !== true) {
    throw new TwilioRestError(400, 21715, 'Phone Number Does Not Have Correct Messaging Service Capabilities');
  }
  const current = serviceOfNumber(ctx.db, number.sid);
  if (current === service.sid) {
    throw new TwilioRestError(409, 21710, 'Phone Number is already in the Messaging Service');
  }
  if (current !== undefined) {
    throw new TwilioRestError(409, 21712, 'Phone Number or Short Code is associated with another Messaging Service.');
  }
  addServiceNumber(ctx.db, service.sid, number.sid, ctx.clock.now());
  return { status: 201, body: phoneNumberJson(ctx, getServiceNumber(ctx.db, service.sid, number.sid)!) };
}

function findNumber(ctx: SandboxContext, req: TwilioRequest): PoolNumber {
  const service = findService(ctx, req);
  const sid = req.params['NumberSid'] ?? '';
  const row = isSid(sid, 'PN') ? getServiceNumber(ctx.db, service.sid, sid) : undefined;
  if (!row) throw new TwilioRestError(404, 20404, `The requested resource ${req.path} was not found`);
  return row;
}

/** The /v1/Services routes. */
export const registerMessagingServices: Product = (routes, ctx) => {
  routes.v1('POST', '/v1/Services', (req) => createService(ctx, req));
  routes.v1('GET', '/v1/Services', (req) =>
    page(
      ctx,
      req,
      'services',
      (sid) => serviceSeq(ctx.db, req.account.sid, sid),
      (w) => listServices(ctx.db, req.account.sid, w),
      (row) => serviceJson(ctx, row),
    ),
  );
  routes.v1('GET', '/v1/Services/:Sid', (req) => ({ status: 200, body: serviceJson(ctx, findService(ctx, req)) }));
  routes.v1('POST', '/v1/Services/:Sid', (req) => {
    const row = findService(ctx, req);
    const { columns, extra } = serviceFields(req.form);
    if (columns.friendly_name === '') throw invalidParam('FriendlyName must not be empty');
    return { status: 200, body: serviceJson(ctx, updateService(ctx.db, row, columns, extra, ctx.clock.now())) };
  });
  routes.v1('DELETE', '/v1/Services/:Sid', (req) => {
    deleteService(ctx.db, req.account.sid, findService(ctx, req).sid);
    return null;
  });
  routes.v1('POST', '/v1/Services/:Sid/PhoneNumbers', (req) => addNumber(ctx, req));
  routes.v1('GET', '/v1/Services/:Sid/PhoneNumbers', (req) => {
    const service = findService(ctx, req);
    return page(
      ctx,
      req,
      'phone_numbers',
      (sid) => getServiceNumber(ctx.db, service.sid, sid)?.seq,
      (w) => listServiceNumbers(ctx.db, service.sid, w),
      (row) => phoneNumberJson(ctx, row),
    );
  });
  routes.v1('GET', '/v1/Services/:Sid/PhoneNumbers/:NumberSid', (req) => ({
    status: 200,
    body: phoneNumberJson(ctx, findNumber(ctx, req)),
  }));
  routes.v1('DELETE', '/v1/Services/:Sid/PhoneNumbers/:NumberSid', (req) => {
    const n = findNumber(ctx, req);
    removeServiceNumber(ctx.db, n.service_sid, n.sid);
    return null;
  });
};
