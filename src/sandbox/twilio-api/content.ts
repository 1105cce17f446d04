// The Content API v1 on the content.twilio.com side (/v1/Content…): create, list, fetch, update
// and delete templates, the ContentAndApprovals and LegacyContent lists, and WhatsApp approval
// requests. JSON bodies in and out, v1 shapes: ISO 8601 dates, absolute URLs, `meta` paging.
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { invalidUpdate, parseContentDefinition, parseContentUpdate } from '../content/definition.js';
import { channelType } from '../content/render.js';
import { placeholderProblem, reviewSettings } from '../content/review.js';
import type { Product } from '../routes/table.js';
import type { TwilioRequest, V1Result } from '../routes/twilio.js';
import {
  approvalAt,
  contentSeq,
  deleteContent,
  getContent,
  insertContent,
  listContents,
  submitApproval,
  updateContent,
  type ContentRow,
} from '../store/contents.js';
import { isSid } from '../sids.js';
import { TwilioRestError, invalidParam, notFound } from '../twilio-wire/errors.js';
import { v1Page, type KeysetWindow } from './paging.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const APPROVAL_CATEGORIES = new Set(['UTILITY', 'MARKETING', 'AUTHENTICATION']);

const parsed = (
  row: ContentRow,
): { variables: Record<string, string>; types: Record<string, Record<string, unknown>> } => ({
  variables: JSON.parse(row.variables) as Record<string, string>,
  types: JSON.parse(row.types) as Record<string, Record<string, unknown>>,
});

function contentFields(row: ContentRow): Record<string, unknown> {
  const { variables, types } = parsed(row);
  return {
    account_sid: row.account_sid,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
    friendly_name: row.friendly_name,
    language: row.language,
    sid: row.sid,
    types,
    variables,
  };
}

function contentJson(ctx: SandboxContext, row: ContentRow): Record<string, unknown> {
  const url = `${ctx.baseUrl()}/v1/Content/${row.sid}`;
  return {
    ...contentFields(row),
    links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
    url,
  };
}

/** The WhatsApp review in the shape approval requests and ContentAndApprovals use. */
function approvalJson(ctx: SandboxContext, row: ContentRow): Record<string, unknown> {
  const a = approvalAt(row, ctx.clock.now());
  return {
    allow_category_change: true,
    category: a.category,
    content_type: a.status === 'unsubmitted' ? '' : (channelType(parsed(row).types, 'whatsapp') ?? ''),
    name: a.name,
    rejection_reason: a.rejection_reason,
    status: a.status,
  };
}

function page(
  ctx: SandboxContext,
  req: TwilioRequest,
  fetch: (w: KeysetWindow) => ContentRow[],
  render: (row: ContentRow) => Record<string, unknown>,
): V1Result {
  const seqOfSid = (sid: string): number | undefined => contentSeq(ctx.db, req.account.sid, sid);
  return v1Page({ baseUrl: ctx.baseUrl(), req, key: 'contents', seqOfSid, fetch, render });
}

function find(ctx: SandboxContext, req: TwilioRequest): ContentRow {
  const sid = req.params['Sid'] ?? '';
  const row = isSid(sid, 'HX') ? getContent(ctx.db, req.account.sid, sid) : undefined;
  if (!row) throw notFound(req.path);
  return row;
}

function submit(ctx: SandboxContext, req: TwilioRequest, body: unknown): V1Result {
  const row = find(ctx, req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidParam('The request body must be a JSON object');
  }
  const { name, category } = body as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw invalidParam('Missing required parameter name in the post body');
  if (!/^[a-z0-9_]{1,512}$/.test(name)) {
    throw invalidParam('name may only contain lowercase letters, digits and underscores');
  }
  if (typeof category !== 'string' || category === '') {
    throw invalidParam('Missing required parameter category in the post body');
  }
  if (!APPROVAL_CATEGORIES.has(category)) {
    throw invalidParam('category must be UTILITY, MARKETING or AUTHENTICATION');
  }
  const { variables, types } = parsed(row);
  if (channelType(types, 'whatsapp') === undefined) {
    throw new TwilioRestError(400, 216602, 'Content Type is not supported on this channel');
  }
  const now = ctx.clock.now();
  const current = approvalAt(row, now).status;
  if (current !== 'unsubmitted' && current !== 'rejected') {
    throw invalidParam(`This content was already submitted for WhatsApp approval (status ${current})`);
  }
  const settings = reviewSettings(ctx.db);
  const problem = settings.auto_reject ? placeholderProblem(types, variables) : undefined;
  const delay = ctx.clock.delay(settings.approval_delay_ms);
  const next = submitApproval(ctx.db, row, {
    name,
    category,
    pendingAt: now + delay / 3,
    decidedAt: now + delay,
    outcome: problem === undefined ? 'approved' : 'rejected',
    rejectionReason: problem ?? '',
    now,
  });
  ctx.events.publish({ type: 'content', sid: next.sid, accountSid: next.account_sid });
  return { status: 201, body: approvalJson(ctx, next) };
}

/** The parsed JSON body; a form or a text body that is not JSON counts as none. */
function jsonBody(request: FastifyRequest): unknown {
  const body = request.body;
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw invalidParam('The request body is not valid JSON');
    }
  }
  return body instanceof URLSearchParams ? undefined : body;
}

export const registerContent: Product = (routes, ctx) => {
  routes.v1('POST', '/v1/Content', (req) => {
    const def = parseContentDefinition(jsonBody(req.raw));
    const row = insertContent(ctx.db, { accountSid: req.account.sid, ...def, now: ctx.clock.now() });
    ctx.events.publish({ type: 'content', sid: row.sid, accountSid: row.account_sid });
    return { status: 201, body: contentJson(ctx, row) };
  });
  routes.v1('GET', '/v1/Content', (req) =>
    page(
      ctx,
      req,
      (w) => listContents(ctx.db, req.account.sid, w),
      (row) => contentJson(ctx, row),
    ),
  );
  routes.v1('GET', '/v1/Content/:Sid', (req) => ({ status: 200, body: contentJson(ctx, find(ctx, req)) }));
  routes.v1('PUT', '/v1/Content/:Sid', (req) => {
    const row = find(ctx, req);
    // Twilio refuses to change a template once it went to WhatsApp for review, whatever became of
    // the review: what Meta approved is what gets sent, and a new template is the way to change it
    const review = approvalAt(row, ctx.clock.now()).status;
    if (review !== 'unsubmitted') {
      throw invalidUpdate(
        `the template was submitted for WhatsApp approval (status ${review}); create a new template to change it`,
      );
    }
    const def = parseContentUpdate(jsonBody(req.raw), row.language);
    const next = updateContent(ctx.db, row, { ...def, now: ctx.clock.now() });
    ctx.events.publish({ type: 'content', sid: next.sid, accountSid: next.account_sid });
    return { status: 200, body: contentJson(ctx, next) };
  });
  routes.v1('DELETE', '/v1/Content/:Sid', (req) => {
    const row = find(ctx, req);
    deleteContent(ctx.db, req.account.sid, row.sid);
    ctx.events.publish({ type: 'content', sid: row.sid, accountSid: row.account_sid });
    return null;
  });
  routes.v1('GET', '/v1/ContentAndApprovals', (req) =>
    page(
      ctx,
      req,
      (w) => listContents(ctx.db, req.account.sid, w),
      (row) => ({ ...contentFields(row), approval_requests: approvalJson(ctx, row) }),
    ),
  );
  // templates carried over from WhatsApp's former template system: the sandbox never had any
  routes.v1('GET', '/v1/LegacyContent', (req) => page(ctx, req, () => [], contentFields));
  routes.v1('POST', '/v1/Content/:Sid/ApprovalRequests/whatsapp', (req) => submit(ctx, req, jsonBody(req.raw)));
  routes.v1('GET', '/v1/Content/:Sid/ApprovalRequests', (req) => {
    const row = find(ctx, req);
    return {
      status: 200,
      body: {
        account_sid: row.account_sid,
        sid: row.sid,
        url: `${ctx.baseUrl()}/v1/Content/${row.sid}/ApprovalRequests`,
        whatsapp: { type: 'whatsapp', ...approvalJson(ctx, row), flows: null },
      },
    };
  });
};
