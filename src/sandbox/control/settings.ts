// GET|PUT|PATCH /_sandbox/settings and POST /_sandbox/settings/reset: the realism and fault
// settings at runtime. PUT replaces the document (what it leaves out goes back to its default),
// PATCH changes only what it names; either answers 400 naming the first field that is wrong.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { RouteTable } from '../routes/table.js';
import { clearQueues, resetSettings, settingsOf, updateSettings } from '../realism/index.js';
import { defaultSettings, mergeSettings, SettingsError, type RealismSettings } from '../realism/settings.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return sendTwilioError(reply, new TwilioRestError(400, 20001, message), 'json');
}

/** The JSON body, or undefined when it is not JSON (answered with a 400 by the caller). */
function jsonBody(request: FastifyRequest): { ok: true; value: unknown } | { ok: false; message: string } {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return { ok: false, message: 'Settings must be sent as JSON (Content-Type: application/json)' };
  }
  // Fastify has parsed it already; an empty body arrives as undefined
  return request.body === undefined || request.body === null
    ? { ok: false, message: 'The request body must be a JSON object of settings' }
    : { ok: true, value: request.body };
}

export function registerSettings(routes: RouteTable, ctx: SandboxContext): void {
  routes.control('GET', '/_sandbox/settings', () => settingsOf(ctx));

  const change = (base: () => RealismSettings) => (request: FastifyRequest, reply: FastifyReply) => {
    const body = jsonBody(request);
    if (!body.ok) return badRequest(reply, body.message);
    let next: RealismSettings;
    try {
      next = mergeSettings(base(), body.value);
    } catch (err) {
      if (err instanceof SettingsError) return badRequest(reply, err.message);
      throw err;
    }
    // senders keep their backlog unless throughput is switched off, when it no longer applies
    if (!next.throughput.enabled) clearQueues(ctx);
    return updateSettings(ctx, next);
  };
  routes.control('PUT', '/_sandbox/settings', change(defaultSettings));
  routes.control(
    'PATCH',
    '/_sandbox/settings',
    change(() => settingsOf(ctx)),
  );

  routes.control('POST', '/_sandbox/settings/reset', () => {
    clearQueues(ctx);
    return resetSettings(ctx);
  });
}
