// /_sandbox/content…: what Meta decides at Twilio, decided here by hand. Set a template's WhatsApp
// review to any status (approved, rejected with a reason, paused, disabled…), and read or change
// the review settings (the delay before a submitted template is decided, automatic rejection).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { RouteTable } from '../routes/table.js';
import { mergeReviewSettings, reviewSettings, saveReviewSettings } from '../content/review.js';
import {
  APPROVAL_STATUSES,
  approvalAt,
  contentBySid,
  setApprovalStatus,
  type ApprovalStatus,
} from '../store/contents.js';
import { isSid } from '../sids.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';

const SETTABLE = APPROVAL_STATUSES.filter((s) => s !== 'unsubmitted');

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return sendTwilioError(reply, new TwilioRestError(400, 20001, message), 'json');
}

function jsonObject(request: FastifyRequest): Record<string, unknown> | undefined {
  const type = request.headers['content-type'] ?? '';
  const body = request.body;
  if (!/^application\/json\b/i.test(type) || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return undefined;
  }
  return body as Record<string, unknown>;
}

export function registerContentControl(routes: RouteTable, ctx: SandboxContext): void {
  routes.control('GET', '/_sandbox/content/settings', () => reviewSettings(ctx.db));

  routes.control('PATCH', '/_sandbox/content/settings', (request, reply) => {
    const body = jsonObject(request);
    if (!body) return badRequest(reply, 'Send the settings as a JSON object (Content-Type: application/json)');
    const next = mergeReviewSettings(reviewSettings(ctx.db), body);
    if (typeof next === 'string') return badRequest(reply, next);
    ctx.writes.join();
    saveReviewSettings(ctx.db, next);
    return next;
  });

  routes.control('POST', '/_sandbox/content/:Sid/approval', (request, reply) => {
    const body = jsonObject(request);
    if (!body) return badRequest(reply, 'Send {"status": …} as JSON (Content-Type: application/json)');
    const status = body['status'];
    if (typeof status !== 'string' || !(SETTABLE as readonly string[]).includes(status)) {
      return badRequest(reply, `status must be one of ${SETTABLE.join(', ')}`);
    }
    const reason = body['rejection_reason'] ?? '';
    if (typeof reason !== 'string' || reason.length > 1024) {
      return badRequest(reply, 'rejection_reason must be a string of at most 1024 characters');
    }
    const sid = (request.params as { Sid?: string }).Sid ?? '';
    const row = isSid(sid, 'HX') ? contentBySid(ctx.db, sid) : undefined;
    if (!row) {
      return sendTwilioError(reply, new TwilioRestError(404, 20404, `No content template ${sid}`), 'json');
    }
    const now = ctx.clock.now();
    ctx.writes.join();
    const next = setApprovalStatus(
      ctx.db,
      row,
      status as Exclude<ApprovalStatus, 'unsubmitted'>,
      status === 'rejected' ? reason || 'Rejected in the sandbox' : '',
      now,
    );
    ctx.events.publish({ type: 'content', sid: next.sid, accountSid: next.account_sid });
    return { sid: next.sid, ...approvalAt(next, now) };
  });
}
