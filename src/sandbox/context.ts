// What every part of the sandbox receives: configuration, database, clock, event bus (the push
// channel to the inbox), and the background parts the routes hand work to: the lifecycle, the
// webhook dispatcher and the retention pruner, each a typed member, so a call to a part that does
// not exist fails to compile instead of doing nothing.
import type { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import type { EventStreams } from './event-streams/streams.js';
import type { SandboxEvents } from './events.js';
import type { Db } from './store/db.js';
import type { GroupCommit } from './store/group-commit.js';
import type { MessageRow } from './store/messages.js';

/** A background part: started after listen, stopped before the database closes. */
export interface Service {
  start(): void;
  stop(): Promise<void>;
}

/** Moves outbound messages through their statuses (lifecycle/engine.ts). */
export interface LifecyclePart extends Service {
  /** new work may be due (at `at`, clock ms, when known): look now instead of at the next timer */
  poke(at?: number): void;
  /** runs every step due now (tests, instant mode) */
  drain(): Promise<void>;
  /** a committed message that just entered the lifecycle: its first step will not read it back */
  track(message: MessageRow): void;
}

/** Delivers the outbox of signed webhooks (delivery/dispatcher.ts). */
export interface WebhooksPart extends Service {
  /** new webhooks may be due: look now */
  poke(): void;
  /** sends every webhook due now and waits for the answers */
  drain(): Promise<void>;
}

/** Keeps the store within the retention limits (realism/retention.ts). */
export interface RetentionPart extends Service {
  /** the limits may have changed: prune now */
  poke(): void;
  /** prunes until within the limits */
  drain(): Promise<void>;
  /** messages removed since start */
  readonly pruned: number;
}

/** The background parts, in the order they start (and stop). */
export interface SandboxParts {
  readonly retention: RetentionPart;
  readonly lifecycle: LifecyclePart;
  readonly webhooks: WebhooksPart;
}

export interface SandboxCore {
  readonly config: SandboxConfig;
  readonly db: Db;
  /** API writes of one event-loop turn share a transaction: join it before writing, answer after it commits */
  readonly writes: GroupCommit;
  readonly clock: Clock;
  readonly events: SandboxEvents;
  /** Event Streams: queues CloudEvents for sinks subscribed to a message's change (event-streams/streams.ts) */
  readonly streams: EventStreams;
  /** base URL the sandbox is reachable at (known after listen) */
  baseUrl(): string;
  /** a background part's work failed (it tries again later): logged, never thrown from a timer */
  backgroundError(part: string, err: unknown): void;
}

export interface SandboxContext extends SandboxCore, SandboxParts {}
