// The table of Twilio 2010 resources the sandbox serves: one module per resource.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { registerAccounts } from './accounts.js';
import { registerAvailablePhoneNumbers } from './available-phone-numbers.js';
import { registerIncomingPhoneNumbers } from './incoming-phone-numbers.js';
import { registerKeys } from './keys.js';
import { registerMedia } from './media.js';
import { registerMessages } from './messages.js';
import { TwilioRoutes } from './route.js';
import { registerUsage } from './usage.js';

export function registerTwilioApi(app: FastifyInstance, ctx: SandboxContext): void {
  const routes = new TwilioRoutes(app, ctx);
  registerAccounts(routes, ctx);
  registerKeys(routes, ctx);
  registerMessages(routes, ctx);
  registerMedia(routes, ctx);
  registerIncomingPhoneNumbers(routes, ctx);
  registerAvailablePhoneNumbers(routes, ctx);
  registerUsage(routes, ctx);
  routes.finish();
}
