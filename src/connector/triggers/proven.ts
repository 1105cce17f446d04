// The caller of a trigger route, proven against Twilio before any subscription, dead letter or
// cursor is read or changed on its behalf. A connection Twilio accepts with an auth token is also
// remembered, sealed, as the account's current credential: Twilio signs the account's webhooks with
// its auth token, so that is the one secret the Twilio-facing endpoints check signatures with.
import type { FastifyRequest } from 'fastify';
import type { Connection } from '../auth.js';
import type { SealedConnection, TriggerContext } from './context.js';

export async function provenConnection(
  ctx: TriggerContext,
  request: FastifyRequest,
  options: { remember?: boolean } = {},
): Promise<Connection> {
  const connection = ctx.authenticate(request);
  const { fresh } = await ctx.trust.verify(connection);
  // a fresh proof may be a rotated token; a subscription always records the token it was made with
  if ((fresh || options.remember === true) && ctx.box !== undefined && connection.username === connection.accountSid) {
    const sealed: SealedConnection = {
      accountSid: connection.accountSid,
      username: connection.username,
      password: connection.password,
    };
    await ctx.store.setAccountCredential(connection.accountSid, ctx.box.seal(JSON.stringify(sealed)), Date.now());
  }
  return connection;
}

/** The account's current credential: the one last proven, else (state from older versions) the newest subscription's. */
export async function currentCredential(
  ctx: TriggerContext,
  accountSid: string,
  newestFirst: () => Promise<string | undefined>,
): Promise<SealedConnection | undefined> {
  if (ctx.box === undefined) return undefined;
  const sealed = (await ctx.store.getAccountCredential(accountSid)) ?? (await newestFirst());
  if (sealed === undefined) return undefined;
  try {
    const c = JSON.parse(ctx.box.open(sealed)) as SealedConnection;
    return c.accountSid === accountSid && c.username === accountSid ? c : undefined;
  } catch {
    // sealed under another key: nothing here can verify this account's webhooks any more
    return undefined;
  }
}
