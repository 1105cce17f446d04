// The connector's triggers as one Fastify plugin: polling for received messages, webhook
// subscriptions for received messages and status changes, the signed endpoints Twilio calls, and
// the durable outbox worker that delivers to subscribers. The app registers it through
// `registerTriggers(app, deps)` (or `deps.plugins`), and the worker stops when the app closes.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { ConnectorStore } from '../../store/index.js';
import { TwilioClient } from '../../twilio/index.js';
import type { Connection } from '../auth.js';
import { trust } from '../trust.js';
import { accountPath, ConnectionVerifier } from '../verify.js';
import type { TriggerClient, TriggerContext } from './context.js';
import { startDelivery, type DeliveryOptions } from './delivery.js';
import { registerPolling } from './polling.js';
import { secretBox } from './secret-box.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerTwilioEndpoints } from './twilio-endpoints.js';

export { resolveSecretKey, secretBox } from './secret-box.js';
export { trackedStatusCallback } from './twilio-endpoints.js';
export { startDelivery } from './delivery.js';

export interface TriggerDeps {
  store: ConnectorStore;
  /** who the caller is (the connector's own authentication) */
  authenticate(request: FastifyRequest): Connection;
  /** Twilio or sandbox base URL, for the default client */
  upstreamUrl: string;
  /** overrides the default typed client */
  clientFor?: (connection: Pick<Connection, 'accountSid' | 'username' | 'password'>) => TriggerClient;
  /** from resolveSecretKey: undefined refuses subscriptions */
  secretKey: Buffer | undefined;
  /** the connector's address as Twilio reaches it (--public-url) */
  publicUrl?: string | undefined;
  /** read X-Forwarded-Proto/Host when there is no public URL (only behind a trusted proxy) */
  trustProxy?: boolean;
  /** Retry-After of a quiet poll; default 60 */
  pollIntervalSeconds?: number;
  /** false: only accept events, deliver them elsewhere (another instance) */
  deliver?: boolean;
  delivery?: DeliveryOptions;
  dispatcher?: Dispatcher;
}

export function triggersPlugin(deps: TriggerDeps): FastifyPluginAsync {
  return async (app) => {
    const worker =
      deps.deliver === false
        ? undefined
        : startDelivery(deps.store, {
            onError: (err) => app.log.error({ err }, 'trigger delivery: store failure'),
            ...deps.delivery,
          });
    app.addHook('onClose', async () => {
      await worker?.stop();
    });
    // inside buildConnector the app's own verifier and key are used; registered elsewhere, the
    // plugin proves connections itself and keys its hashes with its store
    const shared = app.hasDecorator('trust')
      ? app.trust
      : trust(
          new ConnectionVerifier(async (c) => {
            const client = new TwilioClient(
              { accountSid: c.accountSid, username: c.username, password: c.password },
              { baseUrl: deps.upstreamUrl, ...(deps.dispatcher === undefined ? {} : { dispatcher: deps.dispatcher }) },
            );
            await client.request('GET', accountPath(c.accountSid));
          }),
          () => deps.store.sharedKey(),
        );
    const ctx: TriggerContext = {
      store: deps.store,
      box: deps.secretKey === undefined ? undefined : secretBox(deps.secretKey),
      authenticate: (request) => deps.authenticate(request),
      trust: shared,
      clientFor:
        deps.clientFor ??
        ((c) =>
          new TwilioClient(
            { accountSid: c.accountSid, username: c.username, password: c.password },
            { baseUrl: deps.upstreamUrl, ...(deps.dispatcher === undefined ? {} : { dispatcher: deps.dispatcher }) },
          )),
      publicUrl: deps.publicUrl,
      trustProxy: deps.trustProxy ?? false,
      pollIntervalSeconds: deps.pollIntervalSeconds ?? 60,
      wake: () => worker?.wake(),
      subscriptionsChanged: (accountSid) => app.statusWatch.invalidate(accountSid),
    };
    app.statusWatch.attach(async (accountSid) => (await deps.store.listSubscriptions(accountSid, 'status')).length > 0);
    registerPolling(app, ctx);
    registerSubscriptions(app, ctx);
    registerTwilioEndpoints(app, ctx);
    await Promise.resolve();
  };
}

export function registerTriggers(app: FastifyInstance, deps: TriggerDeps): void {
  void app.register(triggersPlugin(deps));
}
