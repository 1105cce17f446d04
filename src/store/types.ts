// The connector's durable state behind one interface: SQLite by default, PostgreSQL when several
// connector instances share it. Everything here is async so both backends fit.

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'in-flight'; requestHash: string }
  | { state: 'done'; requestHash: string; status: number; body: string; contentType: string };

/**
 * A lease on an in-flight claim: after `ms` a request with the same key and body may take the claim
 * over (its holder is presumed dead), and only the holder of `token` may complete or release it.
 */
export interface IdempotencyLease {
  ms: number;
  token: string;
}

export interface IdempotencyStore {
  /**
   * Atomically claims `key` in `scope` (the connection) for a request body hash, or reports who has it.
   * Without a lease an in-flight claim lasts until the key expires.
   */
  claimIdempotencyKey(
    scope: string,
    key: string,
    requestHash: string,
    ttlMs: number,
    lease?: IdempotencyLease,
  ): Promise<IdempotencyClaim>;
  /** Stores the response of the first request so repeats get it back (only the lease holder's, when `token` is given). */
  completeIdempotencyKey(
    scope: string,
    key: string,
    status: number,
    body: string,
    contentType: string,
    token?: string,
  ): Promise<void>;
  /** Forgets an in-flight claim whose request was surely not processed upstream, so a retry may send. */
  releaseIdempotencyKey(scope: string, key: string, token?: string): Promise<void>;
  /**
   * 32 random bytes generated once per store and shared by every instance using it: the key of the
   * hashes that scope idempotency keys to a credential and of the tokens naming forwarded callbacks.
   */
  sharedKey(): Promise<Buffer>;
}

export type SubscriptionKind = 'received' | 'status' | 'optout';

/** A trigger subscription. `credentials` is the sealed (encrypted) connection secret. */
export interface Subscription {
  id: string;
  kind: SubscriptionKind;
  account_sid: string;
  callback_url: string;
  /** the number whose inbound messages are watched (received, optout) */
  phone_number: string | null;
  number_sid: string | null;
  /** TwiML reply text sent back to the texter (received) */
  auto_reply: string | null;
  /** statuses to forward; null means all (status) */
  statuses: string[] | null;
  credentials: string;
  created_at: number;
  /**
   * Present when Twilio delivers this subscription's events through Event Streams (a sink and a
   * subscription upstream) instead of the number's SmsUrl or tracked status callbacks.
   */
  stream?: StreamBinding | undefined;
}

/** The upstream Event Streams resources a subscription created; null until created. */
export interface StreamBinding {
  sink_sid: string | null;
  subscription_sid: string | null;
}

/** What a number's SmsUrl pointed at before the first subscription took it over. */
export interface NumberHook {
  account_sid: string;
  number_sid: string;
  phone_number: string;
  previous_sms_url: string;
  previous_sms_method: string;
}

/**
 * An account's sealed signing credentials: the current one, and the one it replaced at `since`.
 * `current` is null once Twilio refused it (the row stays, so the refusal is remembered).
 */
export interface AccountCredentials {
  current: string | null;
  previous: string | null;
  since: number;
}

export interface SubscriptionStore {
  createSubscription(sub: Subscription): Promise<void>;
  getSubscription(id: string): Promise<Subscription | undefined>;
  listSubscriptions(accountSid: string, kind: SubscriptionKind, phoneNumber?: string): Promise<Subscription[]>;
  /** Removes a subscription; when it was the last one on its number, also returns (and forgets) the number's hook. */
  deleteSubscription(id: string): Promise<{ removed: Subscription; lastOnNumber: NumberHook | undefined } | undefined>;
  /** Remembers a number's previous webhook unless already remembered; true when this call stored it. */
  saveNumberHook(hook: NumberHook, now: number): Promise<boolean>;
  getNumberHook(accountSid: string, numberSid: string): Promise<NumberHook | undefined>;
  /**
   * Records the sealed credential Twilio most recently accepted for an account (it signs the account's
   * webhooks); the one it replaces is kept as the previous one. `fingerprint` identifies the token
   * (the sealed form differs each time): recording the fingerprint already current changes nothing,
   * so two proofs of one new token at once keep the token before it as the previous one. A current
   * token Twilio refused is not kept as the previous one. `provenAt` is when the proof that Twilio
   * accepts the token began: a token refused at or after it is not recorded again (the proof is stale);
   * one Twilio accepted after its refusal is recorded and no longer refused.
   */
  setAccountCredential(
    accountSid: string,
    credentials: string,
    now: number,
    fingerprint?: string,
    provenAt?: number,
  ): Promise<void>;
  getAccountCredentials(accountSid: string): Promise<AccountCredentials | undefined>;
  /** Records the upstream Event Streams resources of a subscription as they are created. */
  setSubscriptionStream(id: string, stream: StreamBinding): Promise<void>;
  /** Accounts with a current credential (the ones whose upstream state the connector can inspect). */
  listCredentialAccounts(): Promise<string[]>;
  /**
   * Twilio refused the token stored, sealed, as `sealed` (the account's current or previous credential):
   * the previous one is forgotten, the current one signs nothing until another is recorded, and the
   * token is remembered as refused at `now` by its `fingerprint`. A credential no longer stored as
   * `sealed` (a newer rotation) is left alone.
   */
  refuseCredential(accountSid: string, sealed: string, fingerprint: string, now: number): Promise<void>;
}

export type OutboxState = 'pending' | 'delivered' | 'dead';

export interface NewOutboxEvent {
  account_sid: string;
  subscription_id: string;
  /** events with one order key are delivered strictly one after another, oldest first */
  order_key: string;
  /** a second event with the same subscription and dedupe key is dropped */
  dedupe_key: string;
  callback_url: string;
  payload: string;
}

export interface OutboxEvent extends NewOutboxEvent {
  id: number;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface OutboxStore {
  /** Commits events durably; returns how many were new (duplicates are ignored). */
  enqueue(events: readonly NewOutboxEvent[], now: number): Promise<number>;
  /**
   * Leases up to `limit` due events: at most the oldest pending one per order key, at most one per
   * subscription, none of a subscription that already has a leased event, and no more than leaves
   * `perAccount` (default: `limit`) of one account's events leased at once.
   */
  claimDue(owner: string, now: number, leaseMs: number, limit: number, perAccount?: number): Promise<OutboxEvent[]>;
  /** Gives back a leased event unattempted (shutdown interrupted it): it is due again at once. */
  releaseClaim(id: number, owner: string): Promise<void>;
  /** Gives back a leased event unattempted, due again at `nextAttemptAt` (its attempt did not count). */
  deferClaim(id: number, owner: string, nextAttemptAt: number): Promise<void>;
  /** Gives up on a leased event unattempted (dead letter), its attempt not counted. */
  abandonClaim(id: number, owner: string, error: string, now: number): Promise<void>;
  markDelivered(id: number, owner: string, now: number): Promise<void>;
  /** Schedules another attempt at `nextAttemptAt`, or gives up (dead letter) when it is null. */
  markFailed(id: number, owner: string, error: string, nextAttemptAt: number | null, now: number): Promise<void>;
  listOutbox(accountSid: string, state: OutboxState, limit: number): Promise<OutboxEvent[]>;
  /** Forgets delivered events older than `before` (their dedupe keys go with them). */
  pruneOutbox(before: number): Promise<number>;
}

export interface ConnectorStore extends IdempotencyStore, SubscriptionStore, OutboxStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Deletes idempotency keys whose TTL ended before `now`; returns how many. */
  pruneIdempotencyKeys(now: number): Promise<number>;
  close(): Promise<void>;
}
