// The absolute base URL of the connector as callers and Twilio see it: --public-url when set, else
// the request's own Host (and, only when the operator says a proxy is trusted, X-Forwarded-*).
// Twilio signs the exact URL it called, so signature checks depend on getting this right.
import type { FastifyRequest } from 'fastify';

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(',')[0]?.trim() || undefined;
}

export function baseUrlOf(request: FastifyRequest, publicUrl: string | undefined, trustProxy: boolean): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  const proto = (trustProxy ? first(request.headers['x-forwarded-proto']) : undefined) ?? request.protocol;
  const host =
    (trustProxy ? first(request.headers['x-forwarded-host']) : undefined) ?? request.headers.host ?? 'localhost';
  return `${proto}://${host}`;
}

/** The full URL of this request as its sender addressed it (what X-Twilio-Signature covers). */
export function requestUrlOf(request: FastifyRequest, publicUrl: string | undefined, trustProxy: boolean): string {
  return baseUrlOf(request, publicUrl, trustProxy) + request.url;
}
