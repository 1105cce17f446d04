// ListUsage: usage records, whole-period (`/Usage/Records.json`) or split by period
// (`/Usage/Records/{SubResource}.json`, or `?SubResource=` as the managed connector's advanced
// parameter). The seeds type `price` as a number where Twilio sends a string.
import type { FastifyInstance } from 'fastify';
import { validation } from '../errors.js';
import { action, asObject, rewritePageLinks, type ActionInput, type RouteContext } from './context.js';
import { paging, single, truncate } from './validate.js';

export const SUBRESOURCES = [
  'Daily',
  'Monthly',
  'Yearly',
  'AllTime',
  'Today',
  'Yesterday',
  'ThisMonth',
  'LastMonth',
] as const;

function subresource(value: string): string {
  const found = SUBRESOURCES.find((s) => s.toLowerCase() === value.toLowerCase());
  if (!found) throw validation(`SubResource must be one of ${SUBRESOURCES.join(', ')}, got "${truncate(value, 30)}"`);
  return found;
}

/** The seeds' UsageRecord: `price` a number, or null when Twilio sent none (or nothing numeric). */
export function usageRecordModel(raw: unknown): Record<string, unknown> {
  const r = { ...(raw as Record<string, unknown>) };
  if (!('price' in r)) return r;
  const price = r['price'];
  if (typeof price === 'number') r['price'] = Number.isFinite(price) ? price : null;
  else if (typeof price === 'string' && price.trim() !== '' && Number.isFinite(Number(price)))
    r['price'] = Number(price);
  else r['price'] = null;
  return r;
}

async function listUsage(
  ctx: RouteContext,
  input: ActionInput,
  sub: string | undefined,
): Promise<{ root: string; data: unknown }> {
  const { query, client, request, format } = input;
  // Category, StartDate, EndDate and IncludeSubaccounts were checked by the operation's schema
  const out = new URLSearchParams();
  for (const name of ['Category', 'StartDate', 'EndDate', 'IncludeSubaccounts'] as const) {
    const v = single(query, name);
    if (v !== undefined && v !== '') out.set(name, v);
  }
  paging(query, out);
  const path = sub === undefined ? '/Usage/Records.json' : `/Usage/Records/${sub}.json`;
  const res = await client.request('GET', path, { query: out });
  const body = rewritePageLinks(asObject(res.body), request, ctx, format);
  const records = Array.isArray(body['usage_records']) ? (body['usage_records'] as unknown[]) : [];
  body['usage_records'] = records.map(usageRecordModel);
  return { root: 'UsageRecords', data: body };
}

export function registerUsage(app: FastifyInstance, ctx: RouteContext): void {
  action(app, ctx, {
    operation: 'ListUsage',
    method: 'GET',
    path: '/Usage/Records.json',
    handler: (input) => {
      const sub = single(input.query, 'SubResource');
      return listUsage(ctx, input, sub === undefined || sub === '' ? undefined : subresource(sub));
    },
  });
  action(app, ctx, {
    operation: 'ListUsageBySubResource',
    method: 'GET',
    path: '/Usage/Records/:SubResource.json',
    handler: (input) => listUsage(ctx, input, subresource(input.params['SubResource'] ?? '')),
  });
}
