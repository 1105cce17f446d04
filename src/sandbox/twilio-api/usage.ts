// /2010-04-01/Accounts/{Sid}/Usage/Records and its Daily, Monthly, Yearly, AllTime, Today,
// Yesterday, ThisMonth and LastMonth subresources, computed from stored messages and numbers.
// A list is periods × categories; a page touches only its own periods, so a ten-year Daily list
// costs no more per page than a one-day one. Page tokens are `AP` + base64(page), as Twilio's.
import { isoDay } from '../../shared/dates.js';
import type { SandboxContext } from '../context.js';
import { DAY, firstUsageDay, messageUsageByDay, numberHoldings, type Holding } from '../store/usage.js';
import { TwilioRestError, invalidParam } from '../twilio-wire/errors.js';
import { filterPairs, pageUri } from './paging.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX, type TwilioRequest } from '../routes/twilio.js';

interface Category {
  name: string;
  description: string;
  countUnit: string;
  usageUnit: string;
}

const CATEGORIES: readonly Category[] = [
  { name: 'mms', description: 'MMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  { name: 'mms-inbound', description: 'Inbound MMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  { name: 'mms-outbound', description: 'Outbound MMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  { name: 'phonenumbers', description: 'Phone Numbers', countUnit: 'phone-numbers', usageUnit: 'phone-numbers' },
  {
    name: 'phonenumbers-local',
    description: 'Local Phone Numbers',
    countUnit: 'phone-numbers',
    usageUnit: 'phone-numbers',
  },
  {
    name: 'phonenumbers-mobile',
    description: 'Mobile Phone Numbers',
    countUnit: 'phone-numbers',
    usageUnit: 'phone-numbers',
  },
  {
    name: 'phonenumbers-tollfree',
    description: 'Toll-Free Phone Numbers',
    countUnit: 'phone-numbers',
    usageUnit: 'phone-numbers',
  },
  { name: 'sms', description: 'SMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  { name: 'sms-inbound', description: 'Inbound SMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  { name: 'sms-outbound', description: 'Outbound SMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  { name: 'totalprice', description: 'Total Price', countUnit: '', usageUnit: 'usd' },
];

/** Monthly price of a number, in units of 0.00001 USD. */
const NUMBER_PRICE: Record<string, number> = { local: 115_000, mobile: 115_000, tollfree: 215_000 };

type Sub = 'Daily' | 'Monthly' | 'Yearly' | 'AllTime' | 'Today' | 'Yesterday' | 'ThisMonth' | 'LastMonth';
const SUBRESOURCES: Record<string, Sub> = {
  all_time: 'AllTime',
  daily: 'Daily',
  last_month: 'LastMonth',
  monthly: 'Monthly',
  this_month: 'ThisMonth',
  today: 'Today',
  yearly: 'Yearly',
  yesterday: 'Yesterday',
};

interface Period {
  start: number;
  end: number;
}

/** Periods of a list, by index: enough to page through decades without building them all. */
interface Periods {
  count: number;
  at(i: number): Period;
}

const dayOf = (ms: number): number => Math.floor(ms / DAY);
const ymd = (day: number): { y: number; m: number } => {
  const d = new Date(day * DAY);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() };
};
const monthStart = (y: number, m: number): number => dayOf(Date.UTC(y, m, 1));

function single(start: number, end: number): Periods {
  return { count: start <= end ? 1 : 0, at: () => ({ start, end }) };
}

function byMonths(start: number, end: number, step: number): Periods {
  if (start > end) return { count: 0, at: () => ({ start, end }) };
  const a = ymd(start);
  const b = ymd(end);
  const first = step === 12 ? a.y * 12 : a.y * 12 + a.m;
  const last = step === 12 ? b.y * 12 : b.y * 12 + b.m;
  return {
    count: Math.floor((last - first) / step) + 1,
    at: (i) => {
      const index = first + i * step;
      const s = monthStart(Math.floor(index / 12), index % 12);
      const e = monthStart(Math.floor((index + step) / 12), (index + step) % 12) - 1;
      return { start: Math.max(s, start), end: Math.min(e, end) };
    },
  };
}

function periodsFor(sub: Sub | undefined, start: number, end: number, today: number, first: number): Periods {
  const { y, m } = ymd(today);
  switch (sub) {
    case undefined:
      return single(start, end);
    case 'Daily':
      return { count: Math.max(0, end - start + 1), at: (i) => ({ start: start + i, end: start + i }) };
    case 'Monthly':
      return byMonths(start, end, 1);
    case 'Yearly':
      return byMonths(start, end, 12);
    case 'AllTime':
      return single(first, today);
    case 'Today':
      return single(today, today);
    case 'Yesterday':
      return single(today - 1, today - 1);
    case 'ThisMonth':
      return single(monthStart(y, m), today);
    case 'LastMonth':
      return single(monthStart(m === 0 ? y - 1 : y, (m + 11) % 12), monthStart(y, m) - 1);
  }
}

/** `YYYY-MM-DD`, or an offset from today such as `-30days` / `+1days`. */
function parseDay(query: URLSearchParams, name: string, today: number): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const rel = /^([+-])(\d{1,5})days?$/.exec(v);
  if (rel) return today + (rel[1] === '-' ? -1 : 1) * Number(rel[2]);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (isoDay(ms) === v) return dayOf(ms);
  }
  throw invalidParam(`Invalid ${name}: expected YYYY-MM-DD or an offset such as -30days`);
}

function parsePage(query: URLSearchParams): { page: number; pageSize: number } {
  const sizeText = query.get('PageSize');
  let pageSize = 50;
  if (sizeText !== null) {
    if (!/^\d{1,4}$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > 1000) {
      throw invalidParam('Invalid PageSize: must be between 1 and 1000');
    }
    pageSize = Number(sizeText);
  }
  const token = query.get('PageToken');
  if (token !== null && token !== '') {
    const m = /^AP([A-Za-z0-9+/]+={0,2})$/.exec(token);
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    if (!/^\d{1,9}$/.test(decoded)) throw new TwilioRestError(400, 21481, 'Invalid PageToken');
    return { page: Number(decoded), pageSize };
  }
  const pageText = query.get('Page');
  if (pageText !== null && !/^\d{1,9}$/.test(pageText))
    throw invalidParam('Invalid Page: must be a non-negative integer');
  return { page: pageText === null ? 0 : Number(pageText), pageSize };
}

const pageToken = (page: number): string => `AP${Buffer.from(String(page)).toString('base64')}`;

/** 0.00001 units → Twilio's decimal string ("0", "0.0079", "2.3"). */
function money(units: number): string {
  return (units / 100_000).toFixed(5).replace(/\.?0+$/, '');
}

interface Totals {
  count: Record<string, number>;
  usage: Record<string, number>;
  cost: Record<string, number>;
}

function emptyTotals(): Totals {
  return { count: {}, usage: {}, cost: {} };
}

function add(t: Totals, cat: string, count: number, usage: number, cost: number): void {
  t.count[cat] = (t.count[cat] ?? 0) + count;
  t.usage[cat] = (t.usage[cat] ?? 0) + usage;
  t.cost[cat] = (t.cost[cat] ?? 0) + cost;
}

/** Each number is billed on the day it was bought and on the same day of every later month. */
function billingDays(h: Holding, from: number, to: number, today: number): number[] {
  const bought = new Date(h.date_created);
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const y = bought.getUTCFullYear() + Math.floor((bought.getUTCMonth() + k) / 12);
    const mo = (bought.getUTCMonth() + k) % 12;
    const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
    const day = dayOf(Date.UTC(y, mo, Math.min(bought.getUTCDate(), lastDay)));
    if (day > to || day > today) break;
    if (day >= from) out.push(day);
  }
  return out;
}

export function registerUsage(routes: RouteTable, ctx: SandboxContext): void {
  const handler = (sub: Sub | undefined) => (req: TwilioRequest) => {
    const accountSid = req.account.sid;
    const today = dayOf(ctx.clock.now());
    const first = Math.min(firstUsageDay(ctx.db, accountSid) ?? today, dayOf(req.account.date_created), today);
    const categoryText = req.query.get('Category');
    const cats =
      categoryText === null || categoryText === '' ? CATEGORIES : CATEGORIES.filter((c) => c.name === categoryText);
    if (cats.length === 0) {
      throw invalidParam(`Invalid Category: ${categoryText} (known: ${CATEGORIES.map((c) => c.name).join(', ')})`);
    }
    const start = parseDay(req.query, 'StartDate', today) ?? first;
    const end = parseDay(req.query, 'EndDate', today) ?? today;
    const { page, pageSize } = parsePage(req.query);
    const periods = periodsFor(sub, start, end, today, first);
    const total = periods.count * cats.length;
    const from = page * pageSize;
    const to = Math.min(total, from + pageSize);

    const base = `${API_PREFIX}/Accounts/${accountSid}/Usage/Records`;
    const path = `${base}${sub === undefined ? '' : `/${sub}`}.json`;
    const items: Record<string, unknown>[] = [];
    if (from < to) {
      const firstPeriod = Math.floor(from / cats.length);
      const lastPeriod = Math.floor((to - 1) / cats.length);
      const spans: Period[] = [];
      for (let i = firstPeriod; i <= lastPeriod; i++) spans.push(periods.at(i));
      const lo = spans[0]!.start;
      const hi = spans[spans.length - 1]!.end;
      const perDay = new Map<number, Totals>();
      const totalsOn = (day: number): Totals => {
        let t = perDay.get(day);
        if (!t) perDay.set(day, (t = emptyTotals()));
        return t;
      };
      for (const r of messageUsageByDay(ctx.db, accountSid, lo, hi)) {
        const t = totalsOn(r.day);
        const kind = r.mms ? 'mms' : 'sms';
        const usage = r.mms ? r.messages : r.segments;
        add(t, kind, r.messages, usage, r.cost);
        add(t, `${kind}-${r.inbound ? 'inbound' : 'outbound'}`, r.messages, usage, r.cost);
        add(t, 'totalprice', 0, r.cost, r.cost);
      }
      for (const h of numberHoldings(ctx.db, accountSid)) {
        const price = NUMBER_PRICE[h.type] ?? NUMBER_PRICE['local']!;
        for (const day of billingDays(h, lo, hi, today)) {
          const t = totalsOn(day);
          add(t, 'phonenumbers', 1, 1, price);
          add(t, `phonenumbers-${h.type}`, 1, 1, price);
          add(t, 'totalprice', 0, price, price);
        }
      }
      const asOf = `${new Date(ctx.clock.now()).toISOString().slice(0, 19)}+00:00`;
      for (let i = from; i < to; i++) {
        const span = spans[Math.floor(i / cats.length) - firstPeriod]!;
        const cat = cats[i % cats.length]!;
        let count = 0;
        let usage = 0;
        let cost = 0;
        for (const [day, t] of perDay) {
          if (day < span.start || day > span.end) continue;
          count += t.count[cat.name] ?? 0;
          usage += t.usage[cat.name] ?? 0;
          cost += t.cost[cat.name] ?? 0;
        }
        const subresource_uris: Record<string, string> = {};
        for (const [key, name] of Object.entries(SUBRESOURCES)) {
          subresource_uris[key] = `${base}/${name}.json?Category=${cat.name}`;
        }
        const startDate = isoDay(span.start * DAY);
        const endDate = isoDay(span.end * DAY);
        const isPrice = cat.name === 'totalprice';
        items.push({
          account_sid: accountSid,
          api_version: '2010-04-01',
          as_of: asOf,
          category: cat.name,
          count: isPrice ? null : String(count),
          count_unit: cat.countUnit,
          description: cat.description,
          end_date: endDate,
          price: money(cost),
          price_unit: 'usd',
          start_date: startDate,
          subresource_uris,
          uri: `${path}?Category=${cat.name}&StartDate=${startDate}&EndDate=${endDate}`,
          usage: isPrice ? money(usage) : String(usage),
          usage_unit: cat.usageUnit,
        });
      }
    }

    const filters = filterPairs(req.query);
    const hasNext = to < total;
    return {
      type: 'list' as const,
      key: 'usage_records',
      element: 'UsageRecords',
      itemElement: 'UsageRecord',
      items,
      meta: {
        first_page_uri: pageUri(path, filters, pageSize, 0),
        end: items.length === 0 ? from : from + items.length - 1,
        next_page_uri: hasNext ? pageUri(path, filters, pageSize, page + 1, pageToken(page + 1)) : null,
        page,
        page_size: pageSize,
        previous_page_uri: page > 0 ? pageUri(path, filters, pageSize, page - 1, pageToken(page - 1)) : null,
        start: from,
        uri: pageUri(path, filters, pageSize, page, req.query.get('PageToken') || undefined),
      },
    };
  };

  routes.api2010('GET', '/Accounts/:AccountSid/Usage/Records', handler(undefined));
  for (const sub of Object.values(SUBRESOURCES))
    routes.api2010('GET', `/Accounts/:AccountSid/Usage/Records/${sub}`, handler(sub));
}
