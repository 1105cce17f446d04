// Placeholder: registers the available-phone-numbers resource.
import type { SandboxContext } from '../context.js';
import type { TwilioRoutes } from './route.js';

export function registerAvailablePhoneNumbers(_routes: TwilioRoutes, _ctx: SandboxContext): void {}
