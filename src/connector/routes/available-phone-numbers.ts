// GetAvailable{Local,TollFree,Mobile}Numbers: numbers the account could buy. The seeds' model
// flattens capabilities to top-level sms/mms/voice; Twilio has sent both `sms` and `SMS` keys, so
// they are read case-insensitively.
import type { FastifyInstance } from 'fastify';
import { validation } from '../errors.js';
import { action, asObject, baseUrl, connectorLink, type RouteContext } from './context.js';
import { E164, boolParam, paging, single, truncate, type Query } from './validate.js';

const TYPES = [
  { type: 'Local', operation: 'GetAvailableLocalNumbers' },
  { type: 'TollFree', operation: 'GetAvailableTollFreeNumbers' },
  { type: 'Mobile', operation: 'GetAvailableMobileNumbers' },
] as const;

type NumberType = (typeof TYPES)[number]['type'];

/** Filters per type, as the managed connector offered them. */
const LOCAL_ONLY = [
  'NearNumber',
  'NearLatLong',
  'InPostalCode',
  'InRegion',
  'Distance',
  'InLocality',
  'InLata',
  'InRateCenter',
];

export function flattenCapabilities(item: Record<string, unknown>): Record<string, unknown> {
  const caps = item['capabilities'];
  const lower: Record<string, unknown> = {};
  if (caps !== null && typeof caps === 'object') {
    for (const [k, v] of Object.entries(caps as Record<string, unknown>)) lower[k.toLowerCase()] = v;
  }
  const flag = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
  return { ...item, sms: flag(lower['sms']), mms: flag(lower['mms']), voice: flag(lower['voice']) };
}

function filters(query: Query, type: NumberType): URLSearchParams {
  const out = new URLSearchParams();
  const areaCode = single(query, 'AreaCode');
  if (areaCode !== undefined && areaCode !== '') {
    if (!/^\d{3}$/.test(areaCode))
      throw validation(`Query parameter AreaCode must be 3 digits, got "${truncate(areaCode, 20)}"`);
    out.set('AreaCode', areaCode);
  }
  const contains = single(query, 'Contains');
  if (contains !== undefined && contains !== '') {
    if (!/^[0-9A-Za-z*%+$]{2,16}$/.test(contains)) {
      throw validation('Query parameter Contains must be 2 to 16 letters, digits or the wildcards * % + $');
    }
    out.set('Contains', contains);
  }
  for (const name of ['SmsEnabled', 'MmsEnabled', 'VoiceEnabled'] as const) {
    const v = single(query, name);
    if (v !== undefined && v !== '') out.set(name, boolParam(v, name));
  }
  if (type === 'Local') {
    for (const name of LOCAL_ONLY) {
      const v = single(query, name);
      if (v === undefined || v === '') continue;
      if (v.length > 64) throw validation(`Query parameter ${name} must be at most 64 characters`);
      if (name === 'NearNumber' && !E164.test(v))
        throw validation('Query parameter NearNumber must be an E.164 number');
      if (name === 'NearLatLong' && !/^-?\d{1,3}(\.\d+)?,\s*-?\d{1,3}(\.\d+)?$/.test(v)) {
        throw validation('Query parameter NearLatLong must be "latitude,longitude", e.g. 37.84,-122.28');
      }
      if (name === 'Distance' && !/^\d{1,3}$/.test(v))
        throw validation('Query parameter Distance must be 0 to 500 miles');
      out.set(name, v);
    }
  }
  paging(query, out);
  return out;
}

export function registerAvailablePhoneNumbers(app: FastifyInstance, ctx: RouteContext): void {
  for (const { type, operation } of TYPES) {
    action(app, ctx, {
      operation,
      method: 'GET',
      path: `/AvailablePhoneNumbers/:IsoCountryCode/${type}.json`,
      handler: async ({ client, params, query, request, format }) => {
        const country = params['IsoCountryCode'] ?? '';
        if (!/^[A-Za-z]{2}$/.test(country)) {
          throw validation(
            `Path parameter IsoCountryCode must be a two-letter ISO country code such as US, got "${truncate(country, 20)}"`,
          );
        }
        const res0 = await client.request('GET', `/AvailablePhoneNumbers/${country.toUpperCase()}/${type}.json`, {
          query: filters(query, type),
        });
        const res = { body: asObject(res0.body) };
        const items = Array.isArray(res.body['available_phone_numbers'])
          ? (res.body['available_phone_numbers'] as Record<string, unknown>[])
          : [];
        return {
          root: 'AvailablePhoneNumbers',
          data: {
            ...res.body,
            uri: connectorLink(res.body['uri'], baseUrl(ctx.config, request), format),
            available_phone_numbers: items.map(flattenCapabilities),
          },
        };
      },
    });
  }
}
