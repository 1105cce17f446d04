// A fixed-response stand-in for Twilio's Messages API, run as its own process: POST
// …/Accounts/{AccountSid}/Messages.json answers 201 with a queued Message (and GET of the account
// answers 200, as the connector's connection check needs), so a benchmark through a
// middle layer measures the middle layer rather than the upstream's own work.
import { createServer } from 'node:http';
import { announce } from './child.js';

const CREATE = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;
const ACCOUNT = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\.json$/;
let counter = 0;

function message(accountSid: string): string {
  const sid = `SM${(counter++).toString(16).padStart(32, '0')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  return JSON.stringify({
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: 'Benchmark message',
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: '+14155550100',
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    to: '+14155551234',
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
  });
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const account = req.method === 'GET' ? ACCOUNT.exec(req.url ?? '') : null;
    if (account) {
      // the connector's check of a connection before it uses stored state (an Idempotency-Key)
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ sid: account[1], status: 'active', type: 'Full' }));
      return;
    }
    const m = req.method === 'POST' ? CREATE.exec(req.url ?? '') : null;
    if (!m) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"code":20404,"message":"The requested resource was not found","status":404}');
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
    res.end(message(m[1]!));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  announce(`http://127.0.0.1:${port}`, () => new Promise((r) => server.close(r)));
});
