// Placeholder: registers the media resource.
import type { SandboxContext } from '../context.js';
import type { TwilioRoutes } from './route.js';

export function registerMedia(_routes: TwilioRoutes, _ctx: SandboxContext): void {}
