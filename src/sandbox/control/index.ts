// The sandbox's own control API under /_sandbox (not part of Twilio): health, reset, and the
// parts registered by their owners (inbound texts, settings, events).
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { AccountRow } from '../store/accounts.js';
import { insertNumber } from '../store/numbers.js';
import { registerEvents } from './events.js';
import { registerInbound } from './inbound.js';
import { realismHealth } from '../realism/index.js';
import { registerSettings } from './settings.js';
import { registerUiApi } from './ui-api.js';

export function registerControl(
  app: FastifyInstance,
  ctx: SandboxContext,
  account: AccountRow,
  startNumber: string,
): void {
  app.get('/_sandbox/health', () => {
    const counts = ctx.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM messages) AS messages, (SELECT COUNT(*) FROM incoming_numbers) AS numbers,
                (SELECT COUNT(*) FROM webhooks WHERE state = 'pending') AS pending_webhooks`,
      )
      .get() as Record<string, number>;
    return {
      status: 'ok',
      account_sid: account.sid,
      ...counts,
      speed_up: ctx.clock.speedUp,
      realism: realismHealth(ctx),
    };
  });

  app.post('/_sandbox/reset', () => {
    // writes already answered commit first, and their after-commit work (the lifecycle taking on new
    // messages) runs before the reset rather than after it, on rows it deleted
    ctx.writes.flush();
    ctx.db.transaction(() => {
      for (const table of [
        'webhooks',
        'media',
        'messages',
        'service_numbers',
        'services',
        'incoming_numbers',
        'api_keys',
      ]) {
        ctx.db.exec(`DELETE FROM ${table}`);
      }
      // the number printed on start, even when it was not the configured one
      insertNumber(ctx.db, { accountSid: account.sid, phoneNumber: startNumber, now: ctx.clock.now() });
    })();
    ctx.events.publish({ type: 'reset' });
    return { status: 'reset' };
  });

  registerInbound(app, ctx);
  registerUiApi(app, ctx, account);
  registerEvents(app, ctx);
  registerSettings(app, ctx);
}
