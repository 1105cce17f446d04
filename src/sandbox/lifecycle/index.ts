// Entry of the lifecycle part: registers the background services that move messages along
// (`lifecycle`) and deliver the webhooks their changes cause (`webhooks`).
import type { SandboxContext } from '../context.js';
import { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { LifecycleEngine } from './engine.js';

export { setFateDecider, defaultFate, FATE_CODES, type Fate, type FateDecider } from './fate.js';
export { priceOf } from './pricing.js';
export { enqueueStatusCallback } from './callbacks.js';

export function registerLifecycle(ctx: SandboxContext): void {
  ctx.services.set('lifecycle', new LifecycleEngine(ctx));
  ctx.services.set('webhooks', new WebhookDispatcher(ctx));
}
