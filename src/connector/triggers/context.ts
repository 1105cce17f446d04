// What every trigger route shares: the store, the sealing key, how to authenticate a caller and
// build its Twilio (and Event Streams) client, where the connector is reachable, which URLs it may call, and the
// delivery worker to wake.
import type { FastifyRequest } from 'fastify';
import type { ConnectorStore } from '../../store/index.js';
import type { EventStreamsResource, TwilioClient } from '../../twilio/index.js';
import type { Connection } from '../auth.js';
import type { Trust } from '../trust.js';
import type { Admission } from './admission.js';
import type { OutboundPolicy } from '../outbound-url.js';
import type { Handshakes } from './event-streams.js';
import type { SecretBox } from './secret-box.js';

/** The parts of the Twilio client the triggers use. */
export type TriggerClient = Pick<TwilioClient, 'messages' | 'incomingPhoneNumbers' | 'nextPage'>;

export interface TriggerContext {
  store: ConnectorStore;
  /** undefined: no key, so no subscriptions may be created */
  box: SecretBox | undefined;
  authenticate(request: FastifyRequest): Connection;
  /** the connector's verifier and shared key (one per app, shared with the actions) */
  trust: Trust;
  clientFor(connection: Pick<Connection, 'accountSid' | 'username' | 'password'>): TriggerClient;
  /** Event Streams (events.twilio.com, or the upstream itself when it is not Twilio) for a connection */
  eventsFor(connection: Pick<Connection, 'accountSid' | 'username' | 'password'>): EventStreamsResource;
  /** bounds each account's subscriptions and hands back an identical one instead of a copy */
  admission: Admission;
  /** subscribe requests waiting for their sink's test event */
  handshakes: Handshakes;
  publicUrl: string | undefined;
  trustProxy: boolean;
  pollIntervalSeconds: number;
  /** the policy every URL the connector will call passes (callbacks, forwarded status callbacks) */
  outbound: OutboundPolicy;
  wake(): void;
  /** an account's subscriptions were created or removed here (the send path caches whether it has any) */
  subscriptionsChanged(accountSid: string): void;
}

/** The secret sealed into a subscription: enough to validate Twilio's signatures and restore numbers. */
export interface SealedConnection {
  accountSid: string;
  username: string;
  password: string;
}
