// The connector's triggers as one Fastify plugin: polling for received messages, webhook
// subscriptions for received messages and status changes, the signed endpoints Twilio calls, and
// the durable outbox worker that delivers to subscribers. The app registers it through
// `registerTriggers(app, deps)` (or `deps.plugins`), and the worker stops when the app closes.
import type { LookupFunction } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { ConnectorStore } from '../../store/index.js';
import { TwilioClient, eventStreamsResource } from '../../twilio/index.js';
import type { Connection } from '../auth.js';
import { trust } from '../trust.js';
import { accountPath, ConnectionVerifier } from '../verify.js';
import { connectorOutboundPolicy } from '../outbound-url.js';
import type { TriggerClient, TriggerContext } from './context.js';
import { Admission } from './admission.js';
import { startDelivery, type DeliveryOptions, type DeliveryWorker } from './delivery.js';
import { registerOptOutSubscriptions } from './opt-out.js';
import { registerPolling } from './polling.js';
import { secretBox } from './secret-box.js';
import { registerCloudEventsEndpoint } from './cloudevents-endpoint.js';
import { Handshakes, reconcileStreams } from './event-streams.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerTwilioEndpoints } from './twilio-endpoints.js';

export { resolveSecretKey, secretBox } from './secret-box.js';
export { trackedStatusCallback } from './twilio-endpoints.js';
export { startDelivery, OUTCOME } from './delivery.js';
export { OutboundPolicy, checkOutboundUrl, classifyAddress, connectorOutboundPolicy } from '../outbound-url.js';

export interface TriggerDeps {
  store: ConnectorStore;
  /** who the caller is (the connector's own authentication) */
  authenticate(request: FastifyRequest): Connection;
  /** Twilio or sandbox base URL, for the default client */
  upstreamUrl: string;
  /** Event Streams base URL; default https://events.twilio.com for Twilio, else the upstream URL */
  eventsUrl?: string;
  /** false: do not remove this store's leftover Event Streams sinks on start */
  reconcile?: boolean;
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
  delivery?: Omit<DeliveryOptions, 'policy'>;
  /** for the Twilio client only: callbacks always go through the outbound URL policy */
  dispatcher?: Dispatcher;
  /**
   * Callbacks to loopback and private addresses: allowed or not; when undefined, allowed only
   * while the connector itself listens on a loopback address (local development).
   */
  allowPrivateCallbacks?: boolean | undefined;
  /** name resolution for the outbound URL policy (tests); the system resolver by default */
  outboundLookup?: LookupFunction;
  /** subscriptions one account may have (--max-subscriptions); default 100 */
  maxSubscriptions?: number;
}

export function triggersPlugin(deps: TriggerDeps): FastifyPluginAsync {
  return async (app) => {
    const outbound = connectorOutboundPolicy(
      app.server,
      deps.allowPrivateCallbacks,
      deps.outboundLookup,
      deps.publicUrl,
    );
    // The worker starts once the connector listens: whether private callbacks are allowed may
    // depend on the address it listens on, and events left from a previous run must not be judged
    // (and refused) before that is known.
    let worker: DeliveryWorker | undefined;
    const startWorker = (): void => {
      if (deps.deliver === false || worker !== undefined) return;
      worker = startDelivery(deps.store, {
        onError: (err) => app.log.error({ err }, 'trigger delivery: store failure'),
        ...deps.delivery,
        policy: outbound,
      });
    };
    if (app.server.listening) startWorker();
    else app.server.once('listening', startWorker);
    app.addHook('onClose', async () => {
      app.server.off('listening', startWorker);
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
    const upstream = new URL(deps.upstreamUrl);
    const eventsUrl =
      deps.eventsUrl ?? (upstream.hostname === 'api.twilio.com' ? 'https://events.twilio.com' : deps.upstreamUrl);
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
      eventsFor: (c) =>
        eventStreamsResource(
          new TwilioClient(
            { accountSid: c.accountSid, username: c.username, password: c.password },
            { baseUrl: eventsUrl, ...(deps.dispatcher === undefined ? {} : { dispatcher: deps.dispatcher }) },
          ),
        ),
      admission: new Admission(deps.maxSubscriptions),
      handshakes: new Handshakes(),
      publicUrl: deps.publicUrl,
      trustProxy: deps.trustProxy ?? false,
      pollIntervalSeconds: deps.pollIntervalSeconds ?? 60,
      outbound,
      wake: () => worker?.wake(),
      subscriptionsChanged: (accountSid) => app.statusWatch.invalidate(accountSid),
    };
    // account-wide status subscriptions hear through Event Streams: sends need no tracking for them
    app.statusWatch.attach(async (accountSid) =>
      (await deps.store.listSubscriptions(accountSid, 'status')).some((s) => s.stream === undefined),
    );
    registerPolling(app, ctx);
    registerSubscriptions(app, ctx);
    registerOptOutSubscriptions(app, ctx);
    registerTwilioEndpoints(app, ctx);
    registerCloudEventsEndpoint(app, ctx);
    // sinks this store created and no longer knows (a crash mid-subscribe, a lost unsubscribe) go
    // once the connector listens: their removal needs Twilio, never delays start-up
    const reconcile = (): void => {
      if (deps.reconcile === false || deps.deliver === false) return;
      void reconcileStreams(ctx, (err, accountSid) =>
        app.log.warn({ err, accountSid }, 'event streams: could not check for leftover sinks'),
      )
        .then((r) => {
          if (r.removedSinks + r.removedSubscriptions > 0) app.log.info(r, 'event streams: removed leftovers');
        })
        .catch((err: unknown) => app.log.error({ err }, 'event streams: reconciliation failed'));
    };
    if (app.server.listening) reconcile();
    else app.server.once('listening', reconcile);
    await Promise.resolve();
  };
}

export function registerTriggers(app: FastifyInstance, deps: TriggerDeps): void {
  void app.register(triggersPlugin(deps));
}
