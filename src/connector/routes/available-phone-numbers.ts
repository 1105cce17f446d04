// GetAvailable{Local,TollFree,Mobile}Numbers: numbers the account could buy. The seeds' model
// flattens capabilities to top-level sms/mms/voice; Twilio has sent both `sms` and `SMS` keys, so
// they are read case-insensitively.
import type { FastifyInstance } from 'fastify';
import { validation } from '../errors.js';
import { action, asObject, baseUrl, connectorLink, type RouteContext } from './context.js';
import { paging, single, type Query } from './validate.js';

const TYPES = [
  { type: 'Local', operation: 'GetAvailableLocalNumbers' },
  { type: 'TollFree', operation: 'GetAvailableTollFreeNumbers' },
  { type: 'Mobile', operation: 'GetAvailableMobileNumbers' },
] as const;

type NumberType = (typeof TYPES)[number]['type'];

/**
 * Filters Twilio accepts only on Local searches. The published ones (NearNumber, NearLatLong,
 * InPostalCode, InRegion) are checked by the operation's schema; the rest pass through as text.
 */
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
const ANY_TYPE = ['AreaCode', 'Contains', 'SmsEnabled', 'MmsEnabled', 'VoiceEnabled'];

export function flattenCapabilities(item: Record<string, unknown>): Record<string, unknown> {
  const caps = item['capabilities'];
  const lower: Record<string, unknown> = {};
  if (caps !== null && typeof caps === 'object') {
    for (const [k, v] of Object.entries(caps as Record<string, unknown>)) lower[k.toLowerCase()] = v;
  }
  const flag = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
  return { ...item, sms: flag(lower['sms']), mms: flag(lower['mms']), voice: flag(lower['voice']) };
}

/** Query values were validated (and typed) by the operation's schema; Twilio wants them as text. */
function filters(query: Query, type: NumberType): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of type === 'Local' ? [...ANY_TYPE, ...LOCAL_ONLY] : ANY_TYPE) {
    const v = single(query, name);
    if (v === undefined || v === '') continue;
    if (v.length > 64) throw validation(`Query parameter ${name} must be at most 64 characters`);
    out.set(name, v);
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
        const res0 = await client.request(
          'GET',
          `/AvailablePhoneNumbers/${encodeURIComponent(country.toUpperCase())}/${type}.json`,
          {
            query: filters(query, type),
          },
        );
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
