// The realism settings in force for one sandbox, reachable from the hooks in the request path, the
// lifecycle and the webhook dispatcher. Changing them persists, applies the clock speed-up and the
// delivery-failure decider, and tells the inbox.
import type { SandboxContext } from '../context.js';
import { setFateDecider } from '../lifecycle/fate.js';
import { deliveryFault } from './chaos.js';
import { clearSettings, defaultSettings, loadSettings, saveSettings, type RealismSettings } from './settings.js';

const states = new WeakMap<SandboxContext, RealismSettings>();
/** sandboxes whose fate decider is the chaos one */
const ownDecider = new WeakSet<SandboxContext>();

/** The settings in force (the defaults when realism was never registered, e.g. bare test contexts). */
export function settingsOf(ctx: SandboxContext): RealismSettings {
  return states.get(ctx) ?? defaultSettings();
}

function apply(ctx: SandboxContext, settings: RealismSettings): void {
  states.set(ctx, settings);
  ctx.clock.setSpeedUp(settings.speed_up);
  const delivery = settings.chaos.enabled && settings.chaos.rules.some((r) => r.type === 'delivery_failure');
  // a decider installed by code embedding the sandbox stays unless chaos needs the slot
  if (delivery) {
    setFateDecider(ctx, (m) => deliveryFault(settingsOf(ctx), m));
    ownDecider.add(ctx);
  } else if (ownDecider.delete(ctx)) {
    setFateDecider(ctx, undefined);
  }
  // a changed speed-up or retention limit should take effect now, not at the next timer
  ctx.lifecycle.poke();
  ctx.retention.poke();
}

/** Loads the stored settings at start-up. */
export function initSettings(ctx: SandboxContext): void {
  apply(ctx, loadSettings(ctx.db));
}

export function updateSettings(ctx: SandboxContext, next: RealismSettings): RealismSettings {
  saveSettings(ctx.db, next);
  apply(ctx, next);
  ctx.events.publish({ type: 'settings' });
  return next;
}

export function resetSettings(ctx: SandboxContext): RealismSettings {
  clearSettings(ctx.db);
  const next = defaultSettings();
  apply(ctx, next);
  ctx.events.publish({ type: 'settings' });
  return next;
}
