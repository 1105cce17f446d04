// Placeholder: registers the incoming-phone-numbers resource.
import type { SandboxContext } from '../context.js';
import type { TwilioRoutes } from './route.js';

export function registerIncomingPhoneNumbers(_routes: TwilioRoutes, _ctx: SandboxContext): void {}
