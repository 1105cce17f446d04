// The pass-through of proxy-server.ts on Fastify instead of bare node:http (JSON body parsed by
// Fastify, no schema, no hooks): it separates what the framework costs from what the connector's own
// work (validation, throttling, idempotency, error mapping, metrics) costs.
import Fastify from 'fastify';
import { Agent, request } from 'undici';
import { announce } from './child.js';

const upstream = process.env['UPSTREAM_URL'] ?? '';
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
const FIELDS: Record<string, string> = { to: 'To', from: 'From', body: 'Body', status_callback: 'StatusCallback' };

const app = Fastify({ logger: false });
app.post('/Messages.json', async (req, reply) => {
  const auth = req.headers.authorization ?? '';
  const [user] = Buffer.from(auth.replace(/^Basic /i, ''), 'base64')
    .toString('utf8')
    .split(':');
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(req.body as Record<string, string>)) {
    if (FIELDS[k] !== undefined) form.set(FIELDS[k], v);
  }
  const r = await request(`${upstream}/2010-04-01/Accounts/${user ?? ''}/Messages.json`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const text = await r.body.text();
  return reply.code(r.statusCode).type('application/json; charset=utf-8').send(text);
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
announce(address, async () => {
  await app.close();
  await agent.close();
});
