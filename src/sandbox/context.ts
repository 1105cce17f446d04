// What every part of the sandbox receives: configuration, database, clock, event bus, and the
// background services (lifecycle, webhooks) that the routes hand work to.
import type { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import type { SandboxEvents } from './events.js';
import type { Db } from './store/db.js';
import type { GroupCommit } from './store/group-commit.js';
import type { MessageRow } from './store/messages.js';

/** A background service: started after listen, stopped before the database closes. */
export interface Service {
  start(): void;
  stop(): Promise<void>;
  /** runs due work now (tests, instant mode); resolves when idle */
  drain?(): Promise<void>;
  /** new work may be due (at `at`, clock ms, when known): look now instead of at the next timer */
  poke?(at?: number): void;
  /** a committed message the service will work on (the lifecycle keeps what its steps need) */
  track?(message: MessageRow): void;
}

export interface SandboxContext {
  readonly config: SandboxConfig;
  readonly db: Db;
  /** API writes of one event-loop turn share a transaction: join it before writing, answer after it commits */
  readonly writes: GroupCommit;
  readonly clock: Clock;
  readonly events: SandboxEvents;
  /** base URL the sandbox is reachable at (known after listen) */
  baseUrl(): string;
  /** background services by name, registered by the parts that own them */
  readonly services: Map<string, Service>;
}
