// Small HTTP servers that play Twilio badly on purpose, for the client's tests: each records what
// it received and answers through a per-test handler. Listens on 127.0.0.1:0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TwilioClient, type ClientOptions } from '../../src/twilio/index.js';

export const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
export const AUTH_TOKEN = 'secret-token-do-not-leak';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Received, res: ServerResponse, n: number) => unknown;

export interface FakeTwilio {
  url: string;
  received: Received[];
  server: Server;
  client(options?: ClientOptions): TwilioClient;
  close(): Promise<void>;
}

export async function fakeTwilio(handler: Handler): Promise<FakeTwilio> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      void handler(r, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    server,
    client: (options = {}) =>
      new TwilioClient(
        { accountSid: ACCOUNT_SID, username: ACCOUNT_SID, password: AUTH_TOKEN },
        { baseUrl: url, retry: { baseDelayMs: 1, maxDelayMs: 50 }, ...options },
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function twilioError(code: number, status: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const messageJson = (sid: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  sid,
  account_sid: ACCOUNT_SID,
  body: 'hi',
  status: 'queued',
  ...extra,
});
