// Placeholder: registers the keys resource.
import type { SandboxContext } from '../context.js';
import type { TwilioRoutes } from './route.js';

export function registerKeys(_routes: TwilioRoutes, _ctx: SandboxContext): void {}
