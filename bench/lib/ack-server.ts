// Baseline for the triggers benchmark: a plain Fastify endpoint at the same path that reads Twilio's
// form body and acknowledges with empty TwiML, without checking the signature or persisting anything.
import Fastify from 'fastify';
import { announce } from './child.js';

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body as string)));
});
app.post('/twilio/messages/received', (_request, reply) =>
  reply.type('text/xml; charset=utf-8').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>'),
);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
announce(address, () => app.close());
