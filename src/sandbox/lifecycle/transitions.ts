// The outbound message state machine, in one place and free of I/O: which status may follow which,
// and what entering each status writes on the row. The engine (engine.ts) runs it on due rows and
// does the rest: timers, the UPDATE, the `message` event and the signed status callback that every
// step announces, and the sender's queue when throughput is on. A new status is a new row of STEPS
// (and of the vocabulary in shared/wire/message.ts), with its tests.
import type { MessageStatus } from '../../shared/wire/message.js';
import { encodeFate, type Fate } from './fate.js';

/** What a step reads and writes of a message, besides its times. */
export interface StepState {
  status: MessageStatus;
  /** the status the message moves to next; null once it has ended */
  next_status: string | null;
  /** the outcome decided at `sending` (fate.ts's encoding) */
  fate: string | null;
  date_sent: number | null;
  price: string | null;
  error_code: number | null;
  error_message: string | null;
}

/** What a step may need from outside, asked for only by the steps that need it. */
export interface StepInputs {
  /** the time of the step (ms) */
  now: number;
  /** the outcome, decided when the message is handed to the carrier */
  decide(): Fate;
  /** the stored outcome of a message that has one */
  outcome(fate: string | null): Fate;
  /** what the message costs once sent */
  price(): string;
  /**
   * The channel's last word on a message it is about to deliver: a failure when the channel
   * refuses it at that point (WhatsApp outside its 24-hour window), else undefined.
   */
  refusal(): Fate | undefined;
}

/** A field a step fills in (`unbilled` clears the price: a failed message costs nothing). */
type Write = 'fate' | 'date_sent' | 'price' | 'unbilled' | 'error';

interface Step {
  /** the statuses that may follow this one (the lifecycle's or an API action's) */
  readonly follows: readonly MessageStatus[];
  /** what entering this status fills in */
  readonly writes: readonly Write[];
  /** the status the lifecycle moves the message to next, from its outcome; null when it ends here */
  next(outcome: () => Fate): MessageStatus | null;
}

/**
 * Every status an outbound message passes through. `accepted` (Messaging Service) and `scheduled`
 * (SendAt) are where a create starts besides `queued`; a scheduled message may be canceled.
 * `failed` follows `queued` only through the sender's queue (full, or validity run out),
 * `accepted` when the recipient opted out of the Messaging Service (21610), and `sent` only when the
 * channel refuses the message as it would deliver it (`refusal`). `read` follows `delivered`
 * through an action (the recipient opened the chat), never by the lifecycle alone.
 */
export const STEPS = {
  accepted: { follows: ['queued', 'failed'], writes: [], next: () => 'queued' },
  scheduled: { follows: ['queued', 'canceled'], writes: [], next: () => 'queued' },
  queued: { follows: ['sending', 'failed'], writes: [], next: () => 'sending' },
  sending: {
    follows: ['sent', 'failed'],
    writes: ['fate'],
    next: (outcome) => (outcome().status === 'failed' ? 'failed' : 'sent'),
  },
  sent: {
    follows: ['delivered', 'undelivered', 'failed'],
    writes: ['date_sent', 'price'],
    next: (outcome) => (outcome().status === 'undelivered' ? 'undelivered' : 'delivered'),
  },
  delivered: { follows: ['read'], writes: [], next: () => null },
  read: { follows: [], writes: [], next: () => null },
  undelivered: { follows: [], writes: ['error'], next: () => null },
  failed: { follows: [], writes: ['unbilled', 'error'], next: () => null },
  canceled: { follows: [], writes: [], next: () => null },
} as const satisfies Partial<Record<MessageStatus, Step>>;

export type OutboundStatus = keyof typeof STEPS;

export function isOutboundStatus(status: string): status is OutboundStatus {
  return Object.hasOwn(STEPS, status);
}

/** The columns each kind of write fills in. */
const COLUMNS: Readonly<Record<Write, readonly (keyof StepState)[]>> = {
  fate: ['fate'],
  date_sent: ['date_sent'],
  price: ['price'],
  unbilled: ['price'],
  error: ['error_code', 'error_message'],
};

/** The columns entering `status` fills in (besides status and next_status). */
export function columnsWritten(status: OutboundStatus): (keyof StepState)[] {
  return (STEPS[status] as Step).writes.flatMap((w) => COLUMNS[w]);
}

/** True when `to` may follow `from`. */
export function canFollow(from: MessageStatus, to: MessageStatus): boolean {
  return isOutboundStatus(from) && (STEPS[from].follows as readonly MessageStatus[]).includes(to);
}

/** The status a new outbound message moves to first, from the one it is created in. */
export function firstNext(status: 'queued' | 'accepted' | 'scheduled'): MessageStatus {
  return (STEPS[status] as Step).next(() => ({ status: 'delivered' }))!;
}

/**
 * The state after entering `status`: what the step fills in, and the status that comes next (the
 * engine gives it a time). Undefined when `status` cannot follow the current one (a row changed by
 * hand): the engine then stops moving the message rather than invent a history.
 */
export function enter(state: StepState, status: string, inputs: StepInputs): StepState | undefined {
  if (!isOutboundStatus(status) || !canFollow(state.status, status)) return undefined;
  let target: OutboundStatus = status;
  let fate = state.fate;
  if (status === 'delivered') {
    const refused = inputs.refusal();
    if (refused && refused.status !== 'delivered' && canFollow(state.status, refused.status)) {
      target = refused.status;
      fate = encodeFate(refused);
    }
  }
  const step: Step = STEPS[target];
  const after: StepState = { ...state, status: target, fate, next_status: null };
  for (const write of step.writes) {
    switch (write) {
      case 'fate':
        // a fate already stored (a fault decided earlier, or the sender's queue) stands
        after.fate = state.fate ?? encodeFate(inputs.decide());
        break;
      case 'date_sent':
        after.date_sent = inputs.now;
        break;
      case 'price':
        after.price = inputs.price();
        break;
      case 'unbilled':
        after.price = null;
        break;
      case 'error': {
        const outcome = inputs.outcome(after.fate);
        if (outcome.status !== 'delivered') {
          after.error_code = outcome.code;
          after.error_message = outcome.message;
        }
        break;
      }
    }
  }
  after.next_status = step.next(() => inputs.outcome(after.fate));
  return after;
}
