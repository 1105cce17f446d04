import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { authenticate } from '../../src/connector/auth.js';
import { connectorConfig } from '../../src/connector/config.js';
import { classifyAddress } from '../../src/connector/outbound-url.js';
import { triggersPlugin } from '../../src/connector/triggers/index.js';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { basic, json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';
import { startSecure, type SecureHarness } from './security-harness.js';

// Deterministic pseudo-random inputs (seeded), so a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = [
  ['POST', '/Messages.json'],
  ['POST', '/Messages.xml'],
  ['GET', '/Messages.json'],
  ['GET', '/Messages/SM0123456789abcdef0123456789abcdef.json'],
  ['GET', '/IncomingPhoneNumbers.json'],
  ['POST', '/IncomingPhoneNumbers.json'],
  ['GET', '/IncomingPhoneNumbers/PN0123456789abcdef0123456789abcdef.json'],
  ['GET', '/AvailablePhoneNumbers/US/Local.json'],
  ['GET', '/AvailablePhoneNumbers/GB/Mobile.xml'],
  ['GET', '/AvailablePhoneNumbers/US/TollFree.json'],
  ['GET', '/Usage/Records.json'],
  ['GET', '/Usage/Records/Daily.json'],
] as const;

/** the trigger routes and the Twilio-facing ones: subscriptions, polling, signed webhooks */
const TRIGGER_PATHS = [
  ['POST', '/subscriptions/messages/received'],
  ['POST', '/subscriptions/messages/status'],
  ['GET', '/subscriptions/dead-letters'],
  ['DELETE', '/subscriptions/00000000-0000-0000-0000-000000000000'],
  ['DELETE', '/subscriptions/%E2%80%AE..'],
  ['GET', '/triggers/messages/received'],
  ['POST', '/twilio/messages/received'],
  ['POST', '/twilio/messages/status'],
] as const;

const KEYS = [
  'from',
  'to',
  'body',
  'media_url',
  'status_callback',
  'messaging_service_sid',
  'application_sid',
  'max_price',
  'PhoneNumber',
  'AreaCode',
  'FriendlyName',
  'To',
  'From',
  'DateSent',
  'DateSent<',
  'DateSent>',
  'PageSize',
  'Page',
  'PageToken',
  'Contains',
  'SmsEnabled',
  'NearLatLong',
  'Category',
  'StartDate',
  'EndDate',
  'SubResource',
  'Beta',
  '__proto__',
  'constructor',
  'callbackUrl',
  'autoReply',
  'statuses',
  'status',
  'Cursor',
  'forward',
  'AccountSid',
  'MessageSid',
  'MessageStatus',
  'Body',
];

describe('connector under random input', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector({ throttleLimit: 0 });
  });
  after(() => h.close());

  it('answers 400 random requests with a 2xx or an enveloped 4xx, never a 5xx', async () => {
    await fuzz(
      (method, url, init) => h.call(method, url, init),
      PATHS,
      20240601,
      400,
      () => ({}),
    );
  });
});

describe('connector triggers under random input', () => {
  let h: SecureHarness;
  before(async () => {
    h = await startSecure({ throttleLimit: 0, logLevel: 'silent' });
  });
  after(() => h.close());

  it('answers 300 random trigger and Twilio-facing requests without a 5xx', async () => {
    const r = rng(20261207);
    await fuzz(
      (method, url, init) => h.call(method, url, init),
      TRIGGER_PATHS,
      20261207,
      300,
      () => {
        const headers: Record<string, string> = {};
        const who = r();
        if (who < 0.2) headers['authorization'] = h.wrongAuth;
        else if (who < 0.3) headers['authorization'] = basic(`AC${'f'.repeat(32)}`, 'x');
        else if (who < 0.35) headers['authorization'] = 'Basic !!!';
        if (r() < 0.4) headers['x-twilio-signature'] = r() < 0.5 ? 'bm90IGEgc2lnbmF0dXJl' : '';
        return headers;
      },
    );
  });
});

type Call = (
  method: string,
  url: string,
  init: { headers: Record<string, string>; body?: string; auth?: string | null },
) => Promise<Response>;

async function fuzz(
  call: Call,
  paths: readonly (readonly [string, string])[],
  seed: number,
  count: number,
  extraHeaders: () => Record<string, string>,
): Promise<void> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const value = (depth = 0): unknown => {
    switch (Math.floor(r() * 10)) {
      case 0:
        return null;
      case 1:
        return Math.floor(r() * 1e6) - 5e5;
      case 2:
        return r() < 0.5;
      case 3:
        return 'x'.repeat(Math.floor(r() * 3000));
      case 4:
        return depth < 2 ? Array.from({ length: Math.floor(r() * 12) }, () => value(depth + 1)) : [];
      case 5:
        return depth < 2 ? { [pick(KEYS)]: value(depth + 1) } : {};
      case 6:
        return pick([
          '+14155550100',
          'whatsapp:+14155550101',
          'https://e.com/a.png',
          'https://a_b.com/x',
          '2024-02-30',
          '-30days',
          'Daily',
          'true',
          'MG' + '0'.repeat(32),
        ]);
      case 7:
        return '\u0000\uD800\u202E<&>"\'';
      case 8:
        return '😀'.repeat(Math.floor(r() * 900));
      default:
        return String(r());
    }
  };
  for (let i = 0; i < count; i++) {
    const [method, path] = pick(paths);
    const query = new URLSearchParams();
    for (let k = Math.floor(r() * 4); k > 0; k--) query.append(pick(KEYS), String(value(2)).slice(0, 200));
    const headers: Record<string, string> = extraHeaders();
    if (r() < 0.3) headers['accept'] = pick(['application/xml', 'text/xml;q=0.1, application/json', '*/*', 'garbage']);
    if (r() < 0.2) headers['idempotency-key'] = pick(['k1', 'k2', 'x'.repeat(300), 'é']);
    let body: string | undefined;
    if (method === 'POST') {
      const kind = r();
      if (kind < 0.7) {
        const obj: Record<string, unknown> = {};
        for (let k = Math.floor(r() * 6); k > 0; k--) obj[pick(KEYS)] = value();
        body = JSON.stringify(kind < 0.1 ? value() : obj);
        headers['content-type'] = 'application/json';
      } else if (kind < 0.85) {
        body = query.toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else {
        body = String(value()).slice(0, 100);
        headers['content-type'] = pick(['application/json', 'text/plain', 'application/xml']);
      }
    }
    const url = query.size > 0 ? `${path}?${query.toString()}` : path;
    let res: Response;
    try {
      const auth = headers['authorization'];
      delete headers['authorization'];
      res = await call(method, url, {
        headers,
        ...(auth === undefined ? {} : { auth }),
        ...(body === undefined ? {} : { body }),
      });
    } catch (err) {
      // headers the fetch client itself refuses to send are not the connector's concern
      if (err instanceof TypeError) continue;
      throw err;
    }
    const text = await res.clone().text();
    assert.ok(
      res.status < 500,
      `#${i} ${method} ${url.slice(0, 120)} ${body?.slice(0, 120) ?? ''} → ${res.status}: ${text.slice(0, 200)}`,
    );
    if (res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
      const { error } = await json(res);
      assert.equal(typeof error.code, 'string');
    } else {
      await res.arrayBuffer();
    }
  }
}
describe('subscription callbackUrl under random input', () => {
  let h: Harness;
  let store: ConnectorStore;
  before(async () => {
    store = await openStore({ dataDir: ':memory:' });
    const config = connectorConfig();
    h = await startConnector(
      {},
      {
        plugins: [
          triggersPlugin({
            store,
            authenticate: (req) => authenticate(config, req),
            upstreamUrl: 'http://127.0.0.1:9',
            secretKey: randomBytes(32),
            allowPrivateCallbacks: false,
            deliver: false,
          }),
        ],
      },
    );
  });
  after(async () => {
    await h.close();
    await store.close();
  });

  it('answers 150 random callback URLs with 201 or an enveloped 400, and never subscribes a refused address', async () => {
    const r = rng(20261207);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const schemes = ['http://', 'https://', 'HTTP://', 'ftp://', 'javascript:', 'http:/', '//'];
    const userinfo = ['', '', 'u@', 'u:p@', ':@', '%40@'];
    const hosts = [
      '203.0.113.7',
      '127.0.0.1',
      '2130706433',
      '0x7f.1',
      '017700000001',
      '127.1',
      '[::1]',
      '[::ffff:169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      '[fd00:ec2::254]',
      '[fe80::1]',
      '[::]',
      '169.254.169.254',
      '0.0.0.0',
      '10.0.0.1',
      '100.100.100.200',
      '256.1.1.1',
      'example.invalid',
      '',
      '%00',
      '😀.example',
    ];
    const ports = ['', ':0', ':80', ':65536', ':99999', ':-1'];
    const paths = ['', '/', '/cb?sig=x', '/%zz', '#frag', '/' + 'a'.repeat(2100)];
    for (let i = 0; i < 150; i++) {
      const callbackUrl = pick(schemes) + pick(userinfo) + pick(hosts) + pick(ports) + pick(paths);
      const res = await h.call('POST', '/subscriptions/messages/status', { json: { callbackUrl } });
      const body = await json(res);
      const where = `#${i} ${callbackUrl.slice(0, 120)} → ${res.status} ${JSON.stringify(body).slice(0, 200)}`;
      if (res.status === 201) {
        const url = new URL(callbackUrl);
        assert.equal(url.username + url.password, '', where);
        const host = url.hostname.replace(/^\[|\]$/g, '');
        assert.ok(isIP(host) === 0 || classifyAddress(host) === undefined, where);
      } else {
        assert.equal(res.status, 400, where);
        assert.ok(['VALIDATION_FAILED', 'CALLBACK_URL_REFUSED'].includes(body.error.code as string), where);
      }
    }
  });
});
