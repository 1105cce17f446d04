// Placeholder: registers the messages resource.
import type { SandboxContext } from '../context.js';
import type { TwilioRoutes } from './route.js';

export function registerMessages(_routes: TwilioRoutes, _ctx: SandboxContext): void {}
