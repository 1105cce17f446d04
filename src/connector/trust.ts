// What the actions and the triggers share to decide whom they serve: the verifier that proves a
// connection against Twilio, and the store's key under which idempotency scopes and forwarded
// callback tokens are hashed. buildConnector decorates the app with one instance, so the trigger
// plugin checks a credential once per TTL for both, and a forward token an action minted opens on
// the trigger side.
import { createHmac } from 'node:crypto';
import type { Connection } from './auth.js';
import type { Verified } from './verify.js';

export interface Trust {
  verify(connection: Connection): Promise<Verified>;
  /** the store's shared key (same for every instance on one store) */
  key(): Promise<Buffer>;
}

declare module 'fastify' {
  interface FastifyInstance {
    trust: Trust;
  }
}

export function trust(
  verifier: { verify(connection: Connection): Promise<Verified> },
  sharedKey: () => Promise<Buffer>,
): Trust {
  let pending: Promise<Buffer> | undefined;
  return {
    verify: (connection) => verifier.verify(connection),
    key() {
      // read once; a failed read is tried again by the next caller
      pending ??= sharedKey().catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
      return pending;
    },
  };
}

/**
 * The idempotency scope of a connection: its identity plus a keyed hash of its secret, so another
 * credential for the same account (a wrong token, a rotated one, another API key) never sees, replays
 * or probes this one's keys. The hash is stable across restarts and instances (the store's key).
 */
export function idempotencyScope(key: Buffer, connection: Pick<Connection, 'scope' | 'username' | 'password'>): string {
  const tag = createHmac('sha256', key)
    .update(`idempotency\n${connection.username}\n${connection.password}`)
    .digest('base64url')
    .slice(0, 32);
  return `${connection.scope}#${tag}`;
}
