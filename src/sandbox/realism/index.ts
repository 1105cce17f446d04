// Entry of the realism part: loads the stored settings, puts the concurrency gate and request-level
// chaos in front of the Twilio API, and offers the hooks the Messages
// resource, the lifecycle and the webhook dispatcher call.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { createFault } from './chaos.js';
import { registerConcurrencyGate, requestsInFlight } from './concurrency.js';
import { initSettings, settingsOf } from './state.js';
import { setSenderTurn } from '../lifecycle/sender-turn.js';
import { admitToQueue, clearQueues, restoreQueues, senderTurn, type Plan, type SenderMessage } from './throughput.js';

export { senderTurn, clearQueues, type Plan } from './throughput.js';
export { settingsOf, updateSettings, resetSettings } from './state.js';
export { webhookFault } from './chaos.js';
export type { RealismSettings, ChaosRule } from './settings.js';

export function registerRealism(app: FastifyInstance, ctx: SandboxContext): void {
  initSettings(ctx);
  restoreQueues(ctx);
  registerConcurrencyGate(app, ctx);
  setSenderTurn(ctx, (m, now) => senderTurn(ctx, m, now));
  // a sandbox reset empties every queue along with the messages in it
  ctx.events.subscribe((e) => {
    if (e.type === 'reset') clearQueues(ctx);
  });
}

/**
 * The Messages create hook, after validation: a chaos create error, or the 21611 of a full sender
 * queue, is thrown; otherwise the message's first planned step, which may wait for its sender.
 */
export function admitMessage(
  ctx: SandboxContext,
  m: SenderMessage & Plan & { to_addr: string; media: readonly unknown[] },
  now: number,
): Plan {
  const fault = createFault(settingsOf(ctx), { to: m.to_addr, from: m.from_addr, mms: m.media.length > 0 });
  if (fault) throw fault;
  return admitToQueue(ctx, m, now);
}

/** What GET /_sandbox/health reports about realism. */
export function realismHealth(ctx: SandboxContext): Record<string, unknown> {
  const s = settingsOf(ctx);
  return {
    throughput: s.throughput.enabled,
    concurrency_limit: s.concurrency.enabled ? s.concurrency.max_requests : null,
    requests_in_flight: requestsInFlight(ctx),
    chaos: s.chaos.enabled ? s.chaos.rules : [],
    retention: s.retention,
    pruned_messages: ctx.retention.pruned,
  };
}
