// GET /_sandbox/health and POST /_sandbox/reset: how the sandbox is doing, and back to the state it
// started in (the main account with its start number, nothing else).
import { realismHealth } from '../realism/index.js';
import type { Product } from '../routes/table.js';
import type { AccountRow } from '../store/accounts.js';
import { insertNumber } from '../store/numbers.js';
import { clearWhatsapp } from '../store/whatsapp.js';

/** `account` and `startNumber`: the main account and the number printed on start. */
export function healthAndReset(account: AccountRow, startNumber: string): Product {
  return (routes, ctx) => {
    routes.control('GET', '/_sandbox/health', () => {
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

    routes.control('POST', '/_sandbox/reset', () => {
      // writes already answered commit first, and their after-commit work (the lifecycle taking on new
      // messages) runs before the reset rather than after it, on rows it deleted
      ctx.writes.flush();
      ctx.db.transaction(() => {
        for (const table of [
          'webhooks',
          'opt_outs',
          'service_opt_out',
          'subscribed_events',
          'stream_subscriptions',
          'sinks',
          'contents',
          'media',
          'messages',
          'service_numbers',
          'services',
          'incoming_numbers',
          'api_keys',
        ]) {
          ctx.db.exec(`DELETE FROM ${table}`);
        }
        clearWhatsapp(ctx.db);
        // the number printed on start, even when it was not the configured one
        insertNumber(ctx.db, { accountSid: account.sid, phoneNumber: startNumber, now: ctx.clock.now() });
      })();
      ctx.events.publish({ type: 'reset' });
      return { status: 'reset' };
    });
  };
}
