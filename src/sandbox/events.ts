// In-process event bus of the sandbox. The inbox's live push channel (server-sent events) and
// tests subscribe here. An event published while a turn of group commit holds uncommitted writes
// reaches subscribers once that turn commits, and never if it is rolled back: whoever hears of a
// change can read it, and never hears of one a crash would lose.
import { EventEmitter } from 'node:events';
import type { GroupCommit } from './store/group-commit.js';

export type SandboxEvent =
  | { type: 'message'; sid: string; status: string; accountSid: string }
  | { type: 'message.deleted'; sid: string; accountSid: string }
  | { type: 'webhook'; id: number; messageSid: string | null; state: string }
  | { type: 'number'; sid: string }
  | { type: 'content'; sid: string; accountSid: string }
  | { type: 'settings' }
  | { type: 'opt-out'; accountSid: string }
  | { type: 'reset' };

export class SandboxEvents {
  private readonly emitter = new EventEmitter();
  private readonly writes: GroupCommit;

  constructor(writes: GroupCommit) {
    this.writes = writes;
    this.emitter.setMaxListeners(0);
  }

  publish(event: SandboxEvent): void {
    if (this.writes.pending) this.writes.afterCommit(() => this.emitter.emit('event', event));
    else this.emitter.emit('event', event);
  }

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
