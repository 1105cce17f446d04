// In-process event bus of the sandbox. The inbox's live push channel (server-sent events) and
// tests subscribe here; resources publish after they commit.
import { EventEmitter } from 'node:events';

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

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: SandboxEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
