// Where the sender's queue gives a message its turn. With throughput on (realism/throughput.ts),
// a message about to be handed to the carrier waits for its sender, or fails when the queue is
// full or its validity runs out. Realism installs that rule here, so the lifecycle, which it
// builds on, never imports it; without one, every message goes at the time its step says.
import type { SandboxContext } from '../context.js';
import type { Plan, SenderMessage } from '../realism/throughput.js';

export type SenderTurn = (message: SenderMessage & Plan, now: number) => Plan;

const turns = new WeakMap<SandboxContext, SenderTurn>();

/** Installs (or with `undefined`, removes) the sender queue's rule. */
export function setSenderTurn(ctx: SandboxContext, turn: SenderTurn | undefined): void {
  if (turn) turns.set(ctx, turn);
  else turns.delete(ctx);
}

/** The plan of `message` once its sender has been asked for a turn. */
export function senderTurnOf(ctx: SandboxContext, message: SenderMessage & Plan, now: number): Plan {
  const turn = turns.get(ctx);
  return turn ? turn(message, now) : { next_at: message.next_at, next_status: message.next_status, fate: message.fate };
}
