// What users write by hand: a small node:http server that, per request, builds the official `twilio`
// client with the caller's Basic credentials (pointed at UPSTREAM_URL) and creates the message.
// Runs as its own process so its memory and CPU are its own.
import { createServer } from 'node:http';
import twilio from 'twilio';
import { announce } from './child.js';

const upstream = process.env['UPSTREAM_URL'] ?? '';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      try {
        const auth = req.headers.authorization ?? '';
        const decoded = Buffer.from(auth.replace(/^Basic /i, ''), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
        const client = twilio(decoded.slice(0, colon), decoded.slice(colon + 1));
        client.api.baseUrl = upstream;
        const message = await client.messages.create({
          to: input['to'] ?? '',
          ...(input['from'] === undefined ? {} : { from: input['from'] }),
          ...(input['body'] === undefined ? {} : { body: input['body'] }),
        });
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(message.toJSON()));
      } catch (err) {
        const status = (err as { status?: unknown }).status;
        res.writeHead(typeof status === 'number' ? status : 502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : 'failed' }));
      }
    })();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  announce(`http://127.0.0.1:${port}`, () => new Promise((r) => server.close(r)));
});
