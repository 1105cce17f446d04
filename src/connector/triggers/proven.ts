// The caller of a trigger route, proven against Twilio before any subscription, dead letter or
// cursor is read or changed on its behalf. A connection Twilio accepts with an auth token is also
// remembered, sealed, as the account's current credential: Twilio signs the account's webhooks with
// its auth token, so that is the one secret the Twilio-facing endpoints check signatures with. The
// credential it replaces stays valid for signatures a short while, so webhooks Twilio signed just
// before a token rotation (and its retries of them) are not refused during the switch. As soon as
// Twilio refuses that previous token when a caller proves it here, it is forgotten: a token the owner
// rotated because it leaked must not go on signing forged webhooks for the rest of the hour.
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Connection } from '../auth.js';
import { ApiError } from '../errors.js';
import type { SealedConnection, TriggerContext } from './context.js';

/** How long after a rotation webhooks signed with the previous auth token are still accepted. */
export const PREVIOUS_CREDENTIAL_GRACE_MS = 3_600_000;

export async function provenConnection(
  ctx: TriggerContext,
  request: FastifyRequest,
  options: { remember?: boolean } = {},
): Promise<Connection> {
  const connection = ctx.authenticate(request);
  let fresh: boolean;
  try {
    ({ fresh } = await ctx.trust.verify(connection));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'TWILIO_AUTH_FAILED') {
      // the caller still gets its 401: a store failure here must not turn it into a 500
      await forgetIfPrevious(ctx, connection).catch((e: unknown) =>
        request.log.warn({ err: e }, 'could not forget a refused previous credential'),
      );
    }
    throw err;
  }
  // a fresh proof may be a rotated token; a subscription always records the token it was made with
  if ((fresh || options.remember === true) && ctx.box !== undefined && connection.username === connection.accountSid) {
    const known = await signingCredentials(ctx, connection.accountSid, Date.now());
    // written only when it changed, so the one it replaces is the previous token, not itself
    if (known[0]?.password !== connection.password) {
      const sealed: SealedConnection = {
        accountSid: connection.accountSid,
        username: connection.username,
        password: connection.password,
      };
      await ctx.store.setAccountCredential(
        connection.accountSid,
        ctx.box.seal(JSON.stringify(sealed)),
        Date.now(),
        credentialFingerprint(await ctx.trust.key(), connection),
      );
    }
  }
  return connection;
}

/** Names a token without revealing it: the same for every instance on one store (its shared key). */
export function credentialFingerprint(key: Buffer, connection: Pick<Connection, 'username' | 'password'>): string {
  return createHmac('sha256', key)
    .update(`signing\n${connection.username}\n${connection.password}`)
    .digest('base64url');
}

/** Twilio refused `connection`: if it is the account's previous credential, webhooks signed with it are refused from now on. */
async function forgetIfPrevious(ctx: TriggerContext, connection: Connection): Promise<void> {
  if (ctx.box === undefined || connection.username !== connection.accountSid) return;
  const stored = await ctx.store.getAccountCredentials(connection.accountSid);
  if (stored?.previous == null) return;
  let previous: SealedConnection;
  try {
    previous = JSON.parse(ctx.box.open(stored.previous)) as SealedConnection;
  } catch {
    return; // sealed under another key: it signs nothing here anyway
  }
  if (previous.password === connection.password) {
    await ctx.store.forgetPreviousCredential(connection.accountSid, stored.previous);
  }
}

/**
 * The credentials whose signatures the account's webhooks may carry, current first: the one last
 * proven, and the one before it while the rotation is younger than the grace period (at `now`).
 */
export async function signingCredentials(
  ctx: TriggerContext,
  accountSid: string,
  now: number,
): Promise<SealedConnection[]> {
  if (ctx.box === undefined) return [];
  const box = ctx.box;
  const stored = await ctx.store.getAccountCredentials(accountSid);
  if (stored === undefined) return [];
  const open = (sealed: string): SealedConnection | undefined => {
    try {
      const c = JSON.parse(box.open(sealed)) as SealedConnection;
      return c.accountSid === accountSid && c.username === accountSid ? c : undefined;
    } catch {
      // sealed under another key: nothing here can verify this account's webhooks with it
      return undefined;
    }
  };
  const current = open(stored.current);
  if (current === undefined) return [];
  const recent = stored.previous !== null && now - stored.since < PREVIOUS_CREDENTIAL_GRACE_MS;
  const previous = recent ? open(stored.previous as string) : undefined;
  return previous === undefined ? [current] : [current, previous];
}
