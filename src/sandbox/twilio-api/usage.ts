// Placeholder: registers the usage resource.
import type { SandboxContext } from '../context.js';
import type { TwilioRoutes } from './route.js';

export function registerUsage(_routes: TwilioRoutes, _ctx: SandboxContext): void {}
