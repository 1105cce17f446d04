// SendMessage, GetMessage and ListMessages: the seeds' three message actions. The request model is
// the managed connector's snake_case one; Twilio's answer passes through with the seeds' types
// (error_code as a string) and paging links that lead back to the connector.
import type { FastifyInstance } from 'fastify';
import { envelope, validation } from '../errors.js';
import { IDEMPOTENCY_KEY, requestHash, type Outcome } from '../idempotency.js';
import { maxForwardUrl, MAX_FORWARD_TOKEN } from '../triggers/forward-token.js';
import { FORWARD_PARAM, trackedStatusCallback } from '../triggers/twilio-endpoints.js';
import { idempotencyScope } from '../trust.js';
import { applyAliases, type Aliases } from './aliases.js';
import { isNotSent } from '../../twilio/index.js';
import type { Connection } from '../auth.js';
import {
  action,
  addPageCounts,
  asObject,
  baseUrl,
  rewritePageLinks,
  type ActionInput,
  type RouteContext,
} from './context.js';
import { bodyObject, checkUrl, dateFilter, optionalString, paging, single, truncate, type Query } from './validate.js';

/**
 * The 2015 Twilio API App's capitalised request fields (also Twilio's own form parameter names):
 * workflows written against it keep working. Documented, not published in the definitions.
 */
export const SEND_MESSAGE_ALIASES: Aliases = {
  From: 'from',
  To: 'to',
  Body: 'body',
  MediaUrl: 'media_url',
  StatusCallback: 'status_callback',
  MessagingServiceSid: 'messaging_service_sid',
  ApplicationSid: 'application_sid',
  MaxPrice: 'max_price',
  ContentSid: 'content_sid',
  ContentVariables: 'content_variables',
};

export interface SendMessageRequest {
  from?: string;
  to: string;
  body?: string;
  media_url?: string[];
  status_callback?: string;
  messaging_service_sid?: string;
  application_sid?: string;
  max_price?: string;
  content_sid?: string;
  /** sent upstream as Twilio's ContentVariables JSON string */
  content_variables?: Record<string, string>;
}

/**
 * The SendMessageRequest schema (src/connector/schemas) has already checked patterns, lengths and
 * which fields are required; this reads the body into its type and adds the rules a schema cannot
 * say: URLs Twilio refuses (underscores in host names) and an empty media list standing in for a body.
 */
export function parseSendMessage(raw: unknown): SendMessageRequest {
  const input = bodyObject(raw);
  const text = (name: string): string | undefined => {
    const v = optionalString(input, name, Number.MAX_SAFE_INTEGER);
    return v === '' ? undefined : v;
  };
  const to = text('to');
  if (to === undefined) throw validation('Field to is required: the recipient in E.164 form, e.g. +14155550123');
  const out: SendMessageRequest = { to };
  const from = text('from');
  const service = text('messaging_service_sid');
  if (from === undefined && service === undefined) {
    throw validation('Field from is required unless messaging_service_sid is given');
  }
  if (from !== undefined) out.from = from;
  if (service !== undefined) out.messaging_service_sid = service;
  const body = text('body');
  if (body !== undefined) out.body = body;

  const media = input['media_url'];
  if (media !== undefined && media !== null) {
    const list = typeof media === 'string' ? [media] : media;
    if (!Array.isArray(list) || list.some((u) => typeof u !== 'string')) {
      throw validation('Field media_url must be an array of URLs');
    }
    const urls = (list as string[]).filter((u) => u !== '');
    urls.forEach((u, i) => checkUrl(u, `media_url[${i}]`));
    if (urls.length > 0) out.media_url = urls;
  }
  const contentSid = text('content_sid');
  if (contentSid !== undefined) out.content_sid = contentSid;
  const variables = input['content_variables'];
  if (variables !== undefined && variables !== null) {
    if (contentSid === undefined)
      throw validation('Field content_variables needs content_sid: the template to fill in');
    out.content_variables = contentVariables(variables);
  }
  if (out.body === undefined && out.media_url === undefined && out.content_sid === undefined) {
    throw validation('Field body is required (or at least one media_url, or a content_sid)');
  }
  const callback = text('status_callback');
  if (callback !== undefined) {
    checkUrl(callback, 'status_callback');
    out.status_callback = callback;
  }
  const app = text('application_sid');
  if (app !== undefined) out.application_sid = app;
  const price = input['max_price'];
  if (typeof price === 'string' && price !== '') out.max_price = price;
  else if (typeof price === 'number') out.max_price = String(price);
  return out;
}

/**
 * content_variables as an object of strings. The designer sends an object (its fields come from the
 * template); a flow may pass the JSON string Twilio itself takes. Numbers are written out.
 */
export function contentVariables(raw: unknown): Record<string, string> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw validation('Field content_variables must be an object, or a JSON string of one, e.g. {"1": "Ada"}');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validation('Field content_variables must be an object of names and values, e.g. {"1": "Ada"}');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = String(v);
    else if (typeof v === 'string') out[k] = v;
    else throw validation(`Field content_variables.${truncate(k, 40)} must be a string`);
  }
  return out;
}

/** Before schema validation: a JSON-string content_variables becomes the object the schema describes. */
function prepareSendBody(body: unknown): unknown {
  const aliased = applyAliases(body, SEND_MESSAGE_ALIASES);
  if (typeof aliased !== 'object' || aliased === null || Array.isArray(aliased)) return aliased;
  const fields = aliased as Record<string, unknown>;
  const v = fields['content_variables'];
  if (typeof v !== 'string') return aliased;
  return { ...fields, content_variables: v.trim() === '' ? undefined : contentVariables(v) };
}

function toForm(m: SendMessageRequest): Record<string, string | readonly string[] | undefined> {
  return {
    To: m.to,
    From: m.from,
    Body: m.body,
    MediaUrl: m.media_url,
    StatusCallback: m.status_callback,
    MessagingServiceSid: m.messaging_service_sid,
    ApplicationSid: m.application_sid,
    MaxPrice: m.max_price,
    ContentSid: m.content_sid,
    ContentVariables: m.content_variables === undefined ? undefined : JSON.stringify(m.content_variables),
  };
}

/** The seeds' Message model types error_code as a string. */
export function messageModel(raw: unknown): Record<string, unknown> {
  const m = { ...(raw as Record<string, unknown>) };
  if (typeof m['error_code'] === 'number') m['error_code'] = String(m['error_code']);
  return m;
}

/**
 * A Message answer as JSON: Twilio's own text when it already is the model (an object without a
 * numeric error_code, as every freshly sent message is), so it is not serialised a second time.
 */
function messageJson(res: { body: unknown; text?: string }): string {
  const body = res.body;
  const isModel =
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    typeof asObject(body)['error_code'] !== 'number';
  return isModel && res.text !== undefined ? res.text : JSON.stringify(messageModel(body));
}

function listQuery(query: Query): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of ['To', 'From'] as const) {
    const v = single(query, name);
    if (v !== undefined && v !== '') {
      if (v.length > 300) throw validation(`Query parameter ${name} is too long`);
      out.set(name, v);
    }
  }
  const on = single(query, 'DateSent');
  if (on !== undefined && on !== '') out.set('DateSent', dateFilter(on, 'DateSent'));
  // `?DateSent<=2024-01-01` arrives as key `DateSent<` (the `=` separates key and value), and an
  // encoded `DateSent%3C%3D=…` as `DateSent<=`; both mean "on or before", Twilio's `DateSent<`.
  for (const [names, upstream] of [
    [['DateSent<', 'DateSent<='], 'DateSent<'],
    [['DateSent>', 'DateSent>='], 'DateSent>'],
  ] as const) {
    for (const name of names) {
      const v = single(query, name);
      if (v !== undefined && v !== '') out.set(upstream, dateFilter(v, `${upstream}=`));
    }
  }
  paging(query, out);
  return out;
}

/** A store that cannot answer must not stop a send: it goes out untracked, and the log says so. */
async function subscribed(ctx: RouteContext, input: ActionInput): Promise<boolean> {
  try {
    return await ctx.statusWatch.has(input.connection.accountSid);
  } catch (err) {
    input.request.log.warn({ err }, 'status subscriptions unknown: the message is sent untracked');
    return false;
  }
}

async function sendMessage(ctx: RouteContext, input: ActionInput, message: SendMessageRequest): Promise<Outcome> {
  // while the account has a status subscription every send is tracked, so a flow's ordinary Send
  // action fires "When a message status changes"; `track_status: false` opts one send out
  const track = (input.request.body as Record<string, unknown>)['track_status'];
  const tracked =
    track === true || track === 'true' || (track !== false && track !== 'false' && (await subscribed(ctx, input)));
  if (tracked) {
    const own = message.status_callback;
    message.status_callback = trackedStatusCallback(
      baseUrl(ctx.config, input.request),
      own === undefined ? undefined : { key: await ctx.trust.key(), accountSid: input.connection.accountSid, url: own },
    );
    // the sealed callback is longer than the URL itself, and a token too long to open would be
    // sent and then never forwarded: refuse it now, while the caller can shorten it
    const token = new URL(message.status_callback).searchParams.get(FORWARD_PARAM);
    if (own !== undefined && token !== null && token.length > MAX_FORWARD_TOKEN) {
      throw validation(
        `Field status_callback is too long to forward on a tracked message (${own.length} characters; ` +
          `at most ${maxForwardUrl()} bytes fit): shorten it, or send with track_status false`,
      );
    }
  }
  try {
    const res = await input.client.request('POST', '/Messages.json', { form: toForm(message) });
    return { status: 200, body: messageJson(res), contentType: 'application/json' };
  } catch (err) {
    const apiError = ctx.upstreamError(err);
    ctx.metrics.observeUpstreamError('SendMessage', apiError.code);
    // free the key only when Twilio surely did not get the message: a 429, or a connection that
    // was never made, by the client's own rule (a reset after sending may have been processed)
    const errno = (err as { errno?: unknown }).errno;
    // nor is an answer remembered that Twilio gave without creating anything (bad credentials, a
    // refused field): a later send with the right token or a corrected field may use the key
    const release =
      (apiError.status >= 400 && apiError.status < 500) ||
      (apiError.code === 'UPSTREAM_UNREACHABLE' && isNotSent(typeof errno === 'string' ? errno : undefined));
    if (apiError.code === 'INTERNAL') throw apiError;
    if (apiError.status >= 500) input.request.log.warn({ code: apiError.code, err }, 'upstream failure');
    return {
      status: apiError.status,
      body: JSON.stringify(envelope(apiError, input.request.id)),
      contentType: 'application/json',
      headers: apiError.headers,
      release,
    };
  }
}

export function registerMessages(app: FastifyInstance, ctx: RouteContext): void {
  // a connection keeps its identity while its credentials are in use (see auth.ts): its scope's
  // hash is computed once rather than on every keyed send
  const scopes = new WeakMap<Connection, string>();
  action(app, ctx, {
    operation: 'SendMessage',
    method: 'POST',
    path: '/Messages.json',
    prepareBody: prepareSendBody,
    handler: async (input) => {
      const header = input.request.headers['idempotency-key'];
      const key = Array.isArray(header) ? header[0] : header;
      let outcome: Outcome & { replayed?: boolean };
      if (key === undefined) {
        outcome = await sendMessage(ctx, input, parseSendMessage(input.request.body));
      } else {
        if (!IDEMPOTENCY_KEY.test(key)) {
          throw validation('Header Idempotency-Key must be 1 to 255 visible ASCII characters');
        }
        const message = parseSendMessage(input.request.body);
        // a stored answer is connector state: only a connection Twilio accepts may claim or read it
        await ctx.trust.verify(input.connection);
        let scope = scopes.get(input.connection);
        if (scope === undefined) {
          scope = idempotencyScope(await ctx.trust.key(), input.connection);
          scopes.set(input.connection, scope);
        }
        const hash = requestHash('SendMessage', message);
        outcome = await ctx.idempotency.run(scope, key, hash, () => sendMessage(ctx, input, message));
      }
      const isError = outcome.status >= 400;
      const headers: Record<string, string> = { ...(outcome.headers ?? {}) };
      if (key !== undefined) headers['idempotent-replayed'] = outcome.replayed ? 'true' : 'false';
      return { status: outcome.status, root: isError ? 'error' : 'Message', json: outcome.body, headers };
    },
  });

  action(app, ctx, {
    operation: 'GetMessage',
    method: 'GET',
    path: '/Messages/:MessageId.json',
    handler: async ({ client, params }) => {
      const sid = params['MessageId'] ?? '';
      if (!/^(SM|MM)[0-9a-fA-F]{32}$/.test(sid)) {
        throw validation(
          `Path parameter MessageId must be SM or MM followed by 32 hex characters, got "${truncate(sid, 40)}"`,
        );
      }
      const res = await client.request('GET', `/Messages/${sid}.json`);
      return { root: 'Message', data: messageModel(res.body) };
    },
  });

  action(app, ctx, {
    operation: 'ListMessages',
    method: 'GET',
    path: '/Messages.json',
    handler: async ({ client, query, request, format }) => {
      const res = await client.request('GET', '/Messages.json', { query: listQuery(query) });
      const body = rewritePageLinks(asObject(res.body), request, ctx, format);
      const messages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
      body['messages'] = messages.map(messageModel);
      return { root: 'MessageList', data: addPageCounts(body, 'messages', ['num_pages', 'total']) };
    },
  });
}
