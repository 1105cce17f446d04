// Answering with Twilio's error shape, for every route that speaks Twilio's wire format: the
// Twilio API itself, and the hooks and control routes in front of or beside it.
import type { FastifyReply } from 'fastify';
import type { TwilioRestError } from './errors.js';
import { renderError, type Format } from './wire.js';

/** The 2010 API answers `.json` paths in JSON, every other path in XML. */
export function formatOf(path: string): Format {
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** Splits `/x/y.json?q` into the path and its query. */
export function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

export function sendTwilioError(reply: FastifyReply, err: TwilioRestError, format: Format): FastifyReply {
  const { body, contentType } = renderError(err, format);
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  return reply.code(err.status).type(contentType).send(body);
}
