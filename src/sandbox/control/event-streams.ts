// GET /_sandbox/event-streams: what the inbox's Event Streams panel shows of the main account: its
// sinks with their subscription and types, and the latest deliveries to them (state, attempts,
// answer), as the webhook log shows webhooks.
import type { Product } from '../routes/table.js';
import type { AccountRow } from '../store/accounts.js';

const RECENT = 50;

interface SinkLine {
  sid: string;
  description: string;
  status: string;
  sink_type: string;
  sink_configuration: string;
  subscription_sid: string | null;
  types: string | null;
}

interface DeliveryLine {
  id: number;
  sink_sid: string | null;
  url: string;
  state: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
  body: string | null;
  created_at: number;
}

/** The destination without its query (bodySHA256, and any secret the user put there) or user-info. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return '';
  }
}

export function eventStreamsPanelApi(account: AccountRow): Product {
  return (routes, ctx) => {
    routes.control('GET', '/_sandbox/event-streams', () => {
      const sinks = ctx.db
        .prepare(
          `SELECT k.sid, k.description, k.status, k.sink_type, k.sink_configuration, s.sid AS subscription_sid,
                  (SELECT group_concat(e.type || '@' || e.schema_version, ' ') FROM subscribed_events e
                    WHERE e.subscription_sid = s.sid) AS types
             FROM sinks k LEFT JOIN stream_subscriptions s ON s.sink_sid = k.sid
            WHERE k.account_sid = ? ORDER BY k.seq DESC`,
        )
        .all(account.sid) as SinkLine[];
      const deliveries = ctx.db
        .prepare(
          `SELECT id, sink_sid, url, state, attempts, response_status, error, body, created_at FROM webhooks
            WHERE account_sid = ? AND kind = 'event' ORDER BY id DESC LIMIT ?`,
        )
        .all(account.sid, RECENT) as DeliveryLine[];
      return {
        sinks: sinks.map((s) => {
          const config = JSON.parse(s.sink_configuration) as { destination?: unknown; batch_events?: unknown };
          return {
            sid: s.sid,
            description: s.description,
            status: s.status,
            sink_type: s.sink_type,
            destination: typeof config.destination === 'string' ? shown(config.destination) : null,
            batch_events: config.batch_events === true,
            subscription_sid: s.subscription_sid,
            types:
              s.types === null
                ? []
                : s.types.split(' ').map((t) => {
                    const at = t.lastIndexOf('@');
                    return { type: t.slice(0, at), schema_version: Number(t.slice(at + 1)) };
                  }),
          };
        }),
        deliveries: deliveries.map((d) => {
          let types: string[] = [];
          try {
            const parsed = JSON.parse(d.body ?? '[]') as unknown;
            types = (Array.isArray(parsed) ? parsed : [parsed]).map((e) => String((e as { type?: unknown }).type));
          } catch {
            types = [];
          }
          return {
            id: d.id,
            sink_sid: d.sink_sid,
            url: shown(d.url),
            state: d.state,
            attempts: d.attempts,
            response_status: d.response_status,
            error: d.error,
            types,
            created_at: new Date(d.created_at).toISOString(),
          };
        }),
      };
    });
  };
}
