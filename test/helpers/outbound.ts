// Outbound messages for lifecycle tests, created the way the Messages resource creates them (a row
// with its first planned step, then a poke), and a wait for a message to reach a status.
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { getMessageBySid, insertMessage, type MessageRow } from '../../src/sandbox/store/messages.js';
import { webhooksOf, type WebhookRow } from '../../src/sandbox/webhooks/outbox.js';
import type { TestSandbox } from './sandbox.js';

/** What message creation does: a row with its first planned step, then a poke. */
export function sendOutbound(
  sb: TestSandbox,
  fields: Partial<MessageRow> & { status?: 'queued' | 'accepted' | 'scheduled'; media?: string[] } = {},
): MessageRow {
  const { ctx } = sb.sandbox;
  const now = ctx.clock.now();
  const status = fields.status ?? 'queued';
  const row = insertMessage(ctx.db, {
    account_sid: sb.accountSid,
    to_addr: fields.to_addr ?? '+15557654321',
    from_addr: sb.phoneNumber,
    body: fields.body ?? 'Hello from the sandbox',
    status,
    direction: 'outbound-api',
    num_segments: fields.num_segments ?? 1,
    encoding: 'GSM-7',
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: null,
    status_callback: fields.status_callback ?? null,
    application_sid: null,
    validity_period: null,
    send_at: fields.send_at ?? null,
    date_created: now,
    date_sent: null,
    next_at: fields.next_at ?? (status === 'scheduled' ? (fields.send_at ?? now) : now),
    next_status: status === 'queued' ? 'sending' : 'queued',
    fate: null,
    media: (fields.media ?? []).map((url) => ({ url, contentType: 'image/png' })),
  });
  ctx.lifecycle.poke();
  return row;
}

/** Resolves when the message reaches `status` (checks the row first, then listens). */
export function reach(sb: TestSandbox, sid: string, status: string): Promise<MessageRow> {
  const { ctx } = sb.sandbox;
  return new Promise((resolve) => {
    const done = (): boolean => {
      const row = getMessageBySid(ctx.db, sid);
      if (row?.status !== status) return false;
      off();
      resolve(row);
      return true;
    };
    const off = ctx.events.subscribe((e: SandboxEvent) => {
      if (e.type === 'message' && e.sid === sid) done();
    });
    done();
  });
}

/** Resolves once every webhook of the message has settled (delivered or failed). */
export function settled(sb: TestSandbox, sid: string, count: number): Promise<WebhookRow[]> {
  const { ctx } = sb.sandbox;
  return new Promise((resolve) => {
    const check = (): void => {
      const rows = webhooksOf(ctx.db, sid);
      if (rows.length >= count && rows.every((r) => r.state !== 'pending')) {
        off();
        resolve(rows);
      }
    };
    const off = ctx.events.subscribe((e: SandboxEvent) => {
      if (e.type === 'webhook' && e.messageSid === sid) check();
    });
    check();
  });
}
