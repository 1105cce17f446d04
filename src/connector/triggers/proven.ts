// The caller of a trigger route, proven against Twilio before any subscription, dead letter or
// cursor is read or changed on its behalf. A connection Twilio accepts with an auth token is also
// remembered, sealed, as the account's current credential: Twilio signs the account's webhooks with
// its auth token, so that is the one secret the Twilio-facing endpoints check signatures with. The
// credential it replaces stays valid for signatures a short while, so webhooks Twilio signed just
// before a token rotation (and its retries of them) are not refused during the switch. As soon as
// Twilio refuses a stored token (current or previous) when a caller proves it here, that token signs
// nothing more: a token the owner rotated because it leaked must not go on signing forged webhooks,
// neither as the previous one for the rest of the hour nor as the current one until a new token is
// proven. The refusal is remembered by the token's fingerprint, so a proof that began before it
// cannot record the token again, and the refused token is never kept as the previous one.
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Connection } from '../auth.js';
import { ApiError } from '../errors.js';
import type { Verified } from '../verify.js';
import type { SealedConnection, TriggerContext } from './context.js';
import type { SecretBox } from './secret-box.js';

/** How long after a rotation webhooks signed with the previous auth token are still accepted. */
export const PREVIOUS_CREDENTIAL_GRACE_MS = 3_600_000;

export async function provenConnection(
  ctx: TriggerContext,
  request: FastifyRequest,
  options: { remember?: boolean } = {},
): Promise<Connection> {
  const connection = ctx.authenticate(request);
  let proof: Verified;
  try {
    proof = await ctx.trust.verify(connection);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'TWILIO_AUTH_FAILED') {
      // the caller still gets its 401: a store failure here must not turn it into a 500
      await forgetRefused(ctx, connection).catch((e: unknown) =>
        request.log.warn({ err: e }, 'could not forget a refused credential'),
      );
    }
    throw err;
  }
  // a fresh proof may be a rotated token; a subscription always records the token it was made with
  if (
    (proof.fresh || options.remember === true) &&
    ctx.box !== undefined &&
    connection.username === connection.accountSid
  ) {
    const stored = await ctx.store.getAccountCredentials(connection.accountSid);
    const current = stored?.current == null ? undefined : openFor(ctx.box, connection.accountSid, stored.current);
    // written only when it changed (or Twilio refused it before), so the one it replaces is the
    // previous token, not itself; the store decides whether the refusal came after this proof
    if (current?.password !== connection.password) {
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
        proof.at,
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

/** Twilio refused `connection`: if it is the account's current or previous credential, it signs nothing from now on. */
async function forgetRefused(ctx: TriggerContext, connection: Connection): Promise<void> {
  if (ctx.box === undefined || connection.username !== connection.accountSid) return;
  const box = ctx.box;
  const stored = await ctx.store.getAccountCredentials(connection.accountSid);
  if (stored === undefined) return;
  for (const sealed of [stored.current, stored.previous]) {
    if (sealed !== null && openFor(box, connection.accountSid, sealed)?.password === connection.password) {
      const fingerprint = credentialFingerprint(await ctx.trust.key(), connection);
      await ctx.store.refuseCredential(connection.accountSid, sealed, fingerprint, Date.now());
      return;
    }
  }
}

/** A stored credential of `accountSid`; undefined when sealed under another key or for another account. */
function openFor(box: SecretBox, accountSid: string, sealed: string): SealedConnection | undefined {
  try {
    const c = JSON.parse(box.open(sealed)) as SealedConnection;
    return c.accountSid === accountSid && c.username === accountSid ? c : undefined;
  } catch {
    // sealed under another key: nothing here can verify this account's webhooks with it
    return undefined;
  }
}

/**
 * The credentials whose signatures the account's webhooks may carry, current first: the one last
 * proven unless Twilio refused it since, and the one before it while the rotation is younger than
 * the grace period (at `now`).
 */
export async function signingCredentials(
  ctx: TriggerContext,
  accountSid: string,
  now: number,
): Promise<SealedConnection[]> {
  if (ctx.box === undefined) return [];
  const stored = await ctx.store.getAccountCredentials(accountSid);
  if (stored === undefined) return [];
  const current = stored.current === null ? undefined : openFor(ctx.box, accountSid, stored.current);
  const recent = stored.previous !== null && now - stored.since < PREVIOUS_CREDENTIAL_GRACE_MS;
  const previous = recent ? openFor(ctx.box, accountSid, stored.previous as string) : undefined;
  return [current, previous].filter((c) => c !== undefined);
}
