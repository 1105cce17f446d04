// Answering with Twilio's error shape, for every route that speaks Twilio's wire format: the
// Twilio API itself, and the hooks and control routes in front of or beside it.
import type { FastifyReply } from 'fastify';
import type { TwilioRestError } from './errors.js';
import { renderError, type Format } from './wire.js';

/** The 2010 API answers `.json` paths in JSON, every other path in XML. */
export function formatOf(path: string): Format {
  return path.endsWith('.json') ? 'json' : 'xml';
}

/**
 * The format of an error answer on any path: the 2010 API's by suffix; JSON everywhere else (the
 * v1 products, the control API, the inbox and paths that name nothing).
 */
export function errorFormatOf(path: string): Format {
  return path.startsWith('/2010-04-01') ? formatOf(path) : 'json';
}

/** Answers any request with Twilio's error shape, in the format its path asks for. */
export function sendErrorFor(reply: FastifyReply, path: string, err: TwilioRestError): FastifyReply {
  return sendTwilioError(reply, err, errorFormatOf(path));
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
