// The limit for the connector's design: a minimal pass-through with the same shape of work (JSON in,
// form to the upstream over a keep-alive pool, JSON out) and nothing else — no validation, no
// throttling, no idempotency, no error mapping. Runs as its own process; UPSTREAM_URL is the upstream.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';
import { announce } from './child.js';

const upstream = process.env['UPSTREAM_URL'] ?? '';
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
const FIELDS: Record<string, string> = { to: 'To', from: 'From', body: 'Body', status_callback: 'StatusCallback' };

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      try {
        const auth = req.headers.authorization ?? '';
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
        const [user] = Buffer.from(auth.replace(/^Basic /i, ''), 'base64')
          .toString('utf8')
          .split(':');
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(input)) if (FIELDS[k] !== undefined) form.set(FIELDS[k], v);
        const r = await request(`${upstream}/2010-04-01/Accounts/${user ?? ''}/Messages.json`, {
          method: 'POST',
          dispatcher: agent,
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
        const text = await r.body.text();
        res.writeHead(r.statusCode, { 'content-type': 'application/json; charset=utf-8' });
        res.end(text);
      } catch {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"error":"upstream failed"}');
      }
    })();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  announce(`http://127.0.0.1:${port}`, async () => {
    await new Promise((r) => server.close(r));
    await agent.close();
  });
});
