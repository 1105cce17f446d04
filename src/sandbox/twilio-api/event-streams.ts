// Event Streams on the events.twilio.com side (/v1/Sinks, /v1/Subscriptions, /v1/Types,
// /v1/Schemas): sinks move `initialized → validating → active` through Test and Validate as at
// Twilio, a subscription selects event types (with schema versions) for one active sink, and the
// catalog of types and schemas is read-only. JSON only, v1 shapes: ISO 8601 dates, absolute `url`s
// and `meta` paging.
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context.js';
import {
  CATALOG_DATE,
  EVENT_TYPES,
  TEST_EVENT_SCHEMA,
  TEST_EVENT_TYPE,
  eventSchema,
  eventType,
  schemaUrl,
  type EventSchema,
} from '../event-streams/catalog.js';
import { webhookConfiguration } from '../event-streams/streams.js';
import { isCallableUrl } from '../messaging/addresses.js';
import type { Product } from '../routes/table.js';
import type { TwilioRequest } from '../routes/twilio.js';
import {
  deleteSink,
  deleteSubscribedEvent,
  deleteSubscription,
  getSink,
  getSubscribedEvent,
  getSubscription,
  insertSink,
  insertSubscription,
  listSinks,
  listSubscribedEvents,
  listSubscriptions,
  sinkSeq,
  subscriptionOfSink,
  updateSink,
  updateSubscription,
  upsertSubscribedEvent,
  type SinkFilter,
  type SinkRow,
  type StreamSubscriptionRow,
  type SubscribedEventRow,
} from '../store/event-streams.js';
import { isSid } from '../sids.js';
import { TwilioRestError, invalidParam } from '../twilio-wire/errors.js';
import { parsePaging, v1Page, type KeysetWindow } from './paging.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type V1Request = TwilioRequest;

type V1Result = { status: number; body: unknown } | null;
type V1Handler = (ctx: SandboxContext, req: V1Request) => V1Result;

const SINK_TYPES = new Set(['webhook', 'kinesis', 'segment', 'email']);
const SINK_STATUSES = new Set(['initialized', 'validating', 'active', 'failed']);

const notFound = (req: V1Request): TwilioRestError =>
  new TwilioRestError(404, 20404, `The requested resource ${req.path} was not found`);

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (v === null || v === '') throw invalidParam(`Missing required parameter ${name} in the post body`);
  return v;
}

function meta(ctx: SandboxContext, req: V1Request, key: string, pageSize: number, page: number, hasNext: boolean) {
  const url = (p: number): string => {
    const q = new URLSearchParams();
    for (const [k, v] of req.query) if (k !== 'PageSize' && k !== 'Page' && k !== 'PageToken') q.append(k, v);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    return `${ctx.baseUrl()}${req.path}?${q.toString()}`;
  };
  return {
    first_page_url: url(0),
    key,
    next_page_url: hasNext ? url(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_url: page > 0 ? url(page - 1) : null,
    url: url(page),
  };
}

/** A page of a short list held in memory (types, versions, a subscription's types). */
function arrayPage<T>(ctx: SandboxContext, req: V1Request, key: string, all: readonly T[], render: (t: T) => unknown) {
  const { pageSize, page } = parsePaging(req.query);
  const rows = all.slice(page * pageSize, page * pageSize + pageSize);
  const hasNext = all.length > (page + 1) * pageSize;
  return { status: 200, body: { [key]: rows.map(render), meta: meta(ctx, req, key, pageSize, page, hasNext) } };
}

/** A page of a table, keyset-paged newest first like every sandbox list. */
function tablePage<Row extends { seq: number; sid: string }>(
  ctx: SandboxContext,
  req: V1Request,
  key: string,
  seqOfSid: (sid: string) => number | undefined,
  fetch: (w: KeysetWindow) => Row[],
  render: (row: Row) => unknown,
): V1Result {
  return v1Page({ baseUrl: ctx.baseUrl(), req, key, seqOfSid, fetch, render });
}

// ---- representations

function sinkJson(ctx: SandboxContext, s: SinkRow): Record<string, unknown> {
  const url = `${ctx.baseUrl()}/v1/Sinks/${s.sid}`;
  return {
    date_created: iso(s.date_created),
    date_updated: iso(s.date_updated),
    description: s.description,
    sid: s.sid,
    sink_configuration: JSON.parse(s.sink_configuration) as unknown,
    sink_type: s.sink_type,
    status: s.status,
    url,
    links: { sink_test: `${url}/Test`, sink_validate: `${url}/Validate` },
  };
}

function subscriptionJson(ctx: SandboxContext, s: StreamSubscriptionRow): Record<string, unknown> {
  const url = `${ctx.baseUrl()}/v1/Subscriptions/${s.sid}`;
  return {
    account_sid: s.account_sid,
    sid: s.sid,
    date_created: iso(s.date_created),
    date_updated: iso(s.date_updated),
    description: s.description,
    sink_sid: s.sink_sid,
    url,
    links: { subscribed_events: `${url}/SubscribedEvents` },
  };
}

function subscribedEventJson(ctx: SandboxContext, e: SubscribedEventRow): Record<string, unknown> {
  return {
    account_sid: e.account_sid,
    type: e.type,
    schema_version: e.schema_version,
    subscription_sid: e.subscription_sid,
    url: `${ctx.baseUrl()}/v1/Subscriptions/${e.subscription_sid}/SubscribedEvents/${encodeURIComponent(e.type)}`,
  };
}

function typeJson(ctx: SandboxContext, t: (typeof EVENT_TYPES)[number]): Record<string, unknown> {
  return {
    type: t.type,
    schema_id: t.schema.id,
    date_created: iso(CATALOG_DATE),
    date_updated: iso(CATALOG_DATE),
    description: t.description,
    status: 'available',
    documentation_url: t.documentationUrl,
    url: `${ctx.baseUrl()}/v1/Types/${t.type}`,
    links: { schema: `${ctx.baseUrl()}/v1/Schemas/${t.schema.id}/Versions` },
  };
}

function schemaJson(ctx: SandboxContext, s: EventSchema): Record<string, unknown> {
  const url = `${ctx.baseUrl()}/v1/Schemas/${s.id}`;
  return {
    id: s.id,
    url,
    links: { versions: `${url}/Versions` },
    latest_version_date_created: iso(CATALOG_DATE),
    latest_version: s.latestVersion,
  };
}

function versionJson(ctx: SandboxContext, s: EventSchema, version: number): Record<string, unknown> {
  return {
    id: s.id,
    schema_version: version,
    date_created: iso(CATALOG_DATE),
    url: `${ctx.baseUrl()}/v1/Schemas/${s.id}/Versions/${version}`,
    raw: schemaUrl(s.id, version),
  };
}

// ---- sinks

/** Checks a SinkConfiguration for its type and returns it as stored (a JSON object text). */
function sinkConfiguration(type: string, text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParam('SinkConfiguration must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParam('SinkConfiguration must be a JSON object');
  }
  const c = parsed as Record<string, unknown>;
  if (type !== 'webhook') return JSON.stringify(c);
  const destination = c['destination'];
  if (typeof destination !== 'string' || !isCallableUrl(destination)) {
    throw invalidParam('SinkConfiguration.destination must be an http(s) URL');
  }
  if (destination.includes('#')) throw invalidParam('SinkConfiguration.destination must not have a fragment');
  const method = c['method'] ?? 'POST';
  if (typeof method !== 'string' || method.toUpperCase() !== 'POST') {
    throw invalidParam('SinkConfiguration.method must be POST (the sandbox delivers events by POST only)');
  }
  const batch = c['batch_events'] ?? false;
  if (typeof batch !== 'boolean') throw invalidParam('SinkConfiguration.batch_events must be true or false');
  return JSON.stringify({ destination, method: 'POST', batch_events: batch });
}

function findSink(ctx: SandboxContext, req: V1Request): SinkRow {
  const sid = req.params['Sid'] ?? '';
  const row = isSid(sid, 'DG') ? getSink(ctx.db, req.account.sid, sid) : undefined;
  if (!row) throw notFound(req);
  return row;
}

function createSink(ctx: SandboxContext, req: V1Request): V1Result {
  const description = required(req.form, 'Description');
  const type = required(req.form, 'SinkType');
  if (!SINK_TYPES.has(type)) throw invalidParam('SinkType must be one of webhook, kinesis, segment or email');
  const configuration = sinkConfiguration(type, required(req.form, 'SinkConfiguration'));
  const row = insertSink(
    ctx.db,
    { account_sid: req.account.sid, description, sink_type: type, sink_configuration: configuration },
    ctx.clock.now(),
  );
  return { status: 201, body: sinkJson(ctx, row) };
}

function sinkFilter(query: URLSearchParams): SinkFilter {
  const filter: SinkFilter = {};
  const inUse = query.get('InUse');
  if (inUse !== null) {
    if (!/^(true|false)$/i.test(inUse)) throw invalidParam('InUse must be true or false');
    filter.inUse = inUse.toLowerCase() === 'true';
  }
  const status = query.get('Status');
  if (status !== null) {
    if (!SINK_STATUSES.has(status)) throw invalidParam('Status must be initialized, validating, active or failed');
    filter.status = status;
  }
  return filter;
}

/** Sends the sink a test event; its `data.test_id` is what Validate must be given. */
function testSink(ctx: SandboxContext, req: V1Request): V1Result {
  const sink = findSink(ctx, req);
  const now = ctx.clock.now();
  const testId = randomUUID();
  updateSink(ctx.db, sink, { status: sink.status === 'active' ? 'active' : 'validating', test_id: testId }, now);
  if (sink.sink_type === 'webhook') {
    const config = webhookConfiguration(sink.sink_configuration);
    const event = {
      specversion: '1.0',
      type: TEST_EVENT_TYPE,
      source: 'Sink',
      id: req.account.sid,
      dataschema: TEST_EVENT_SCHEMA,
      datacontenttype: 'application/json',
      time: new Date(now).toISOString(),
      data: { test_id: testId },
    };
    const body = JSON.stringify(config.batch_events ? [event] : event);
    if (ctx.streams.deliver(req.account.sid, sink.sid, config.destination, body, now) !== undefined) {
      ctx.writes.afterCommit(() => ctx.webhooks.poke());
    }
  }
  ctx.streams.changed();
  return { status: 201, body: { result: 'submitted' } };
}

function validateSink(ctx: SandboxContext, req: V1Request): V1Result {
  const sink = findSink(ctx, req);
  const testId = required(req.form, 'TestId');
  if (sink.test_id === null || testId !== sink.test_id) return { status: 201, body: { result: 'invalid' } };
  updateSink(ctx.db, sink, { status: 'active' }, ctx.clock.now());
  ctx.streams.changed();
  return { status: 201, body: { result: 'valid' } };
}

// ---- subscriptions

interface WantedType {
  type: string;
  schemaVersion: number;
}

function wantedType(type: string, version: string | number | undefined | null): WantedType {
  const known = eventType(type);
  if (known === undefined) throw invalidParam(`Type ${type} is not a valid event type (see /v1/Types)`);
  if (version === undefined || version === null || version === '') {
    return { type, schemaVersion: known.schema.latestVersion };
  }
  const n = typeof version === 'number' ? version : /^\d{1,4}$/.test(version) ? Number(version) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > known.schema.latestVersion) {
    throw invalidParam(`Schema version ${String(version)} does not exist for ${type}`);
  }
  return { type, schemaVersion: n };
}

/** `Types`: repeated, each a JSON object text `{"type": …, "schema_version": …}`. */
function wantedTypes(form: URLSearchParams): WantedType[] {
  const values = form.getAll('Types');
  if (values.length === 0) throw invalidParam('Missing required parameter Types in the post body');
  const out = new Map<string, WantedType>();
  values.forEach((text, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalidParam(`Missing required input parameter event_types[${i}].type`);
    }
    const o = parsed as { type?: unknown; schema_version?: unknown };
    if (typeof o.type !== 'string' || o.type === '') {
      throw invalidParam(`Missing required input parameter event_types[${i}].type`);
    }
    const v = o.schema_version;
    if (v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'string') {
      throw invalidParam(`event_types[${i}].schema_version must be an integer`);
    }
    out.set(o.type, wantedType(o.type, v));
  });
  return [...out.values()];
}

/** The sink a subscription may use: active, and used by no other subscription. */
function usableSink(ctx: SandboxContext, req: V1Request, sid: string, except?: string): SinkRow {
  const sink = isSid(sid, 'DG') ? getSink(ctx.db, req.account.sid, sid) : undefined;
  if (!sink) throw invalidParam(`Sink with SID ${sid} does not exist`);
  if (sink.status !== 'active') throw invalidParam(`Sink with SID ${sid} is not active: test and validate it first`);
  const user = subscriptionOfSink(ctx.db, sid);
  if (user !== undefined && user.sid !== except) throw invalidParam(`Sink with SID ${sid} is in use`);
  return sink;
}

function findSubscription(ctx: SandboxContext, req: V1Request, param = 'Sid'): StreamSubscriptionRow {
  const sid = req.params[param] ?? '';
  const row = isSid(sid, 'DF') ? getSubscription(ctx.db, req.account.sid, sid) : undefined;
  if (!row) throw notFound(req);
  return row;
}

function createSubscription(ctx: SandboxContext, req: V1Request): V1Result {
  const description = required(req.form, 'Description');
  const sinkSid = required(req.form, 'SinkSid');
  const types = wantedTypes(req.form);
  usableSink(ctx, req, sinkSid);
  const row = insertSubscription(
    ctx.db,
    { account_sid: req.account.sid, description, sink_sid: sinkSid },
    types,
    ctx.clock.now(),
  );
  ctx.streams.changed();
  return { status: 201, body: subscriptionJson(ctx, row) };
}

function findSubscribedEvent(ctx: SandboxContext, req: V1Request): SubscribedEventRow {
  const sub = findSubscription(ctx, req, 'SubscriptionSid');
  const row = getSubscribedEvent(ctx.db, sub.sid, req.params['Type'] ?? '');
  if (!row) throw notFound(req);
  return row;
}

// ---- the table

const ROUTES: [method: 'GET' | 'POST' | 'DELETE', url: string, handler: V1Handler][] = [
  ['POST', '/v1/Sinks', createSink],
  [
    'GET',
    '/v1/Sinks',
    (ctx, req) => {
      const filter = sinkFilter(req.query);
      return tablePage(
        ctx,
        req,
        'sinks',
        (sid) => sinkSeq(ctx.db, req.account.sid, sid),
        (w) => listSinks(ctx.db, req.account.sid, filter, w),
        (row) => sinkJson(ctx, row),
      );
    },
  ],
  ['GET', '/v1/Sinks/:Sid', (ctx, req) => ({ status: 200, body: sinkJson(ctx, findSink(ctx, req)) })],
  [
    'POST',
    '/v1/Sinks/:Sid',
    (ctx, req) => {
      const sink = findSink(ctx, req);
      const description = required(req.form, 'Description');
      return { status: 200, body: sinkJson(ctx, updateSink(ctx.db, sink, { description }, ctx.clock.now())) };
    },
  ],
  [
    'DELETE',
    '/v1/Sinks/:Sid',
    (ctx, req) => {
      const sink = findSink(ctx, req);
      if (subscriptionOfSink(ctx.db, sink.sid) !== undefined) {
        throw invalidParam(`Sink with SID ${sink.sid} is in use: delete its subscription first`);
      }
      deleteSink(ctx.db, req.account.sid, sink.sid);
      ctx.streams.changed();
      return null;
    },
  ],
  ['POST', '/v1/Sinks/:Sid/Test', testSink],
  ['POST', '/v1/Sinks/:Sid/Validate', validateSink],
  ['POST', '/v1/Subscriptions', createSubscription],
  [
    'GET',
    '/v1/Subscriptions',
    (ctx, req) => {
      const sinkSid = req.query.get('SinkSid') ?? undefined;
      return tablePage(
        ctx,
        req,
        'subscriptions',
        (sid) => getSubscription(ctx.db, req.account.sid, sid)?.seq,
        (w) => listSubscriptions(ctx.db, req.account.sid, sinkSid, w),
        (row) => subscriptionJson(ctx, row),
      );
    },
  ],
  [
    'GET',
    '/v1/Subscriptions/:Sid',
    (ctx, req) => ({ status: 200, body: subscriptionJson(ctx, findSubscription(ctx, req)) }),
  ],
  [
    'POST',
    '/v1/Subscriptions/:Sid',
    (ctx, req) => {
      const sub = findSubscription(ctx, req);
      const change: { description?: string; sink_sid?: string } = {};
      const description = req.form.get('Description');
      if (description !== null) {
        if (description === '') throw invalidParam('Description must not be empty');
        change.description = description;
      }
      const sinkSid = req.form.get('SinkSid');
      if (sinkSid !== null) change.sink_sid = usableSink(ctx, req, sinkSid, sub.sid).sid;
      const row = updateSubscription(ctx.db, sub, change, ctx.clock.now());
      ctx.streams.changed();
      return { status: 200, body: subscriptionJson(ctx, row) };
    },
  ],
  [
    'DELETE',
    '/v1/Subscriptions/:Sid',
    (ctx, req) => {
      // its sink stays (and stays active), as at Twilio
      deleteSubscription(ctx.db, req.account.sid, findSubscription(ctx, req).sid);
      ctx.streams.changed();
      return null;
    },
  ],
  [
    'GET',
    '/v1/Subscriptions/:SubscriptionSid/SubscribedEvents',
    (ctx, req) => {
      const sub = findSubscription(ctx, req, 'SubscriptionSid');
      return arrayPage(ctx, req, 'types', listSubscribedEvents(ctx.db, sub.sid), (e) => subscribedEventJson(ctx, e));
    },
  ],
  [
    'POST',
    '/v1/Subscriptions/:SubscriptionSid/SubscribedEvents',
    (ctx, req) => {
      const sub = findSubscription(ctx, req, 'SubscriptionSid');
      const wanted = wantedType(required(req.form, 'Type'), req.form.get('SchemaVersion'));
      upsertSubscribedEvent(ctx.db, sub.sid, sub.account_sid, wanted.type, wanted.schemaVersion);
      ctx.streams.changed();
      return { status: 201, body: subscribedEventJson(ctx, getSubscribedEvent(ctx.db, sub.sid, wanted.type)!) };
    },
  ],
  [
    'GET',
    '/v1/Subscriptions/:SubscriptionSid/SubscribedEvents/:Type',
    (ctx, req) => ({ status: 200, body: subscribedEventJson(ctx, findSubscribedEvent(ctx, req)) }),
  ],
  [
    'POST',
    '/v1/Subscriptions/:SubscriptionSid/SubscribedEvents/:Type',
    (ctx, req) => {
      const row = findSubscribedEvent(ctx, req);
      const wanted = wantedType(row.type, required(req.form, 'SchemaVersion'));
      upsertSubscribedEvent(ctx.db, row.subscription_sid, row.account_sid, row.type, wanted.schemaVersion);
      ctx.streams.changed();
      return {
        status: 200,
        body: subscribedEventJson(ctx, getSubscribedEvent(ctx.db, row.subscription_sid, row.type)!),
      };
    },
  ],
  [
    'DELETE',
    '/v1/Subscriptions/:SubscriptionSid/SubscribedEvents/:Type',
    (ctx, req) => {
      const row = findSubscribedEvent(ctx, req);
      deleteSubscribedEvent(ctx.db, row.subscription_sid, row.type);
      ctx.streams.changed();
      return null;
    },
  ],
  [
    'GET',
    '/v1/Types',
    (ctx, req) => {
      const schemaId = req.query.get('SchemaId');
      const types = schemaId === null ? EVENT_TYPES : EVENT_TYPES.filter((t) => t.schema.id === schemaId);
      return arrayPage(ctx, req, 'types', types, (t) => typeJson(ctx, t));
    },
  ],
  [
    'GET',
    '/v1/Types/:Type',
    (ctx, req) => {
      const t = eventType(req.params['Type'] ?? '');
      if (!t) throw notFound(req);
      return { status: 200, body: typeJson(ctx, t) };
    },
  ],
  [
    'GET',
    '/v1/Schemas/:Id',
    (ctx, req) => {
      const s = eventSchema(req.params['Id'] ?? '');
      if (!s) throw notFound(req);
      return { status: 200, body: schemaJson(ctx, s) };
    },
  ],
  [
    'GET',
    '/v1/Schemas/:Id/Versions',
    (ctx, req) => {
      const s = eventSchema(req.params['Id'] ?? '');
      if (!s) throw notFound(req);
      const versions = Array.from({ length: s.latestVersion }, (_, i) => s.latestVersion - i);
      return arrayPage(ctx, req, 'schema_versions', versions, (v) => versionJson(ctx, s, v));
    },
  ],
  [
    'GET',
    '/v1/Schemas/:Id/Versions/:SchemaVersion',
    (ctx, req) => {
      const s = eventSchema(req.params['Id'] ?? '');
      const text = req.params['SchemaVersion'] ?? '';
      const v = /^\d{1,4}$/.test(text) ? Number(text) : 0;
      if (!s || v < 1 || v > s.latestVersion) throw notFound(req);
      return { status: 200, body: versionJson(ctx, s, v) };
    },
  ],
];

/** The Event Streams routes; a write is whole or not at all (a subscription and its types). */
export const registerEventStreams: Product = (routes, ctx) => {
  for (const [method, url, handler] of ROUTES) {
    routes.v1(method, url, (req) =>
      method === 'GET' ? handler(ctx, req) : ctx.db.transaction(() => handler(ctx, req))(),
    );
  }
};
