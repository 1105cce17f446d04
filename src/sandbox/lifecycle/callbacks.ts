// The status callback of one status change: signed and stored in the outbox inside the caller's
// transaction. The engine uses it for every step; code that changes a status outside the engine
// (a canceled scheduled message) calls it too, so the receiver hears about every change.
import type { Db } from '../store/db.js';
import { getAccount } from '../store/accounts.js';
import type { MessageRow } from '../store/messages.js';
import { enqueueWebhook, normalizeMethod } from '../webhooks/outbox.js';
import { statusCallbackParams } from '../webhooks/params.js';

/** Auth tokens by account, for a batch of changes. */
export type TokenCache = Map<string, string | undefined>;

/**
 * Queues the callback for `message`'s current status; returns the webhook id, or undefined when
 * the message has no StatusCallback. Call ctx.webhooks.poke() after commit.
 */
export function enqueueStatusCallback(
  db: Db,
  message: MessageRow,
  now: number,
  tokens: TokenCache = new Map(),
): number | undefined {
  if (!message.status_callback) return undefined;
  if (!tokens.has(message.account_sid))
    tokens.set(message.account_sid, getAccount(db, message.account_sid)?.auth_token);
  const authToken = tokens.get(message.account_sid);
  if (authToken === undefined) return undefined;
  return enqueueWebhook(db, {
    accountSid: message.account_sid,
    authToken,
    messageSid: message.sid,
    kind: 'status',
    url: message.status_callback,
    method: normalizeMethod(callbackMethod(message)),
    params: statusCallbackParams(message, now),
    now,
  });
}

/** Replies from TwiML may ask for GET callbacks (`<Message method>`); API messages use POST. */
function callbackMethod(row: MessageRow): string | undefined {
  try {
    const extra = JSON.parse(row.extra) as { status_callback_method?: unknown };
    return typeof extra.status_callback_method === 'string' ? extra.status_callback_method : undefined;
  } catch {
    return undefined;
  }
}
