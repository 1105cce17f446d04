// The outbound URL policy: which addresses it refuses (every spelling of them), and that its
// dispatcher enforces the policy on the address it actually connects to, over real sockets.
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import {
  classifyAddress,
  connectorOutboundPolicy,
  isOutboundRefused,
  OutboundPolicy,
} from '../../src/connector/outbound-url.js';

/** A resolver that knows a few made-up names, as a DNS server under someone else's control would. */
function fakeDns(names: Record<string, string[]>): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const found = names[hostname];
    if (found === undefined) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      callback(err);
      return;
    }
    const all: LookupAddress[] = found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all === true) callback(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  }) as unknown as LookupFunction;
}

const strict = new OutboundPolicy({ allowPrivate: () => false });
const lenient = new OutboundPolicy({ allowPrivate: () => true });

describe('outbound URL policy: addresses', () => {
  it('classifies the special ranges and leaves public addresses alone', () => {
    const cases: [string, string | undefined][] = [
      ['169.254.169.254', 'metadata'],
      ['100.100.100.200', 'metadata'],
      ['fd00:ec2::254', 'metadata'],
      ['169.254.1.1', 'link-local'],
      ['fe80::1', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'unspecified'],
      ['::', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['ff02::1', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['127.0.0.1', 'loopback'],
      ['127.200.0.9', 'loopback'],
      ['::1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'shared'],
      ['fc00::1', 'unique-local'],
      ['fd12:3456::1', 'unique-local'],
      // IPv4 reached through IPv6 forms is judged as that IPv4 address
      ['::ffff:169.254.169.254', 'metadata'],
      ['::ffff:a9fe:a9fe', 'metadata'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['64:ff9b::a9fe:a9fe', 'metadata'],
      ['64:ff9b::10.0.0.1', 'private'],
      ['2002:a9fe:a9fe::1', 'metadata'],
      ['::127.0.0.1', 'loopback'],
      // IPv4-translated (SIIT), in dotted and hex spelling
      ['::ffff:0:169.254.169.254', 'metadata'],
      ['::ffff:0:a9fe:a9fe', 'metadata'],
      ['::ffff:0:127.0.0.1', 'loopback'],
      ['::ffff:0:10.0.0.1', 'private'],
      ['0:0:0:0:ffff:0:c0a8:101', 'private'],
      // Teredo: the client's address inverted in the last 32 bits, the server's in bits 32–63
      ['2001:0:4136:e378:8000:63bf:5601:5601', 'metadata'], // client ~5601:5601 = 169.254.169.254
      ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // client 127.0.0.1
      ['2001:0:a9fe:a9fe:8000:63bf:f7f7:f7f7', 'metadata'], // server 169.254.169.254, client 8.8.8.8
      ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', undefined], // client 8.8.8.8, server 65.54.227.120
      // ISATAP interface identifiers under a global prefix; under fe80:: link-local wins
      ['2001:db8::5efe:7f00:1', 'loopback'],
      ['2001:db8::200:5efe:169.254.169.254', 'metadata'],
      ['fe80::5efe:8.8.8.8', 'link-local'],
      ['2001:db8::5efe:808:808', undefined],
      // ISATAP behind 6to4 or Teredo prefixes: every IPv4 address inside is judged
      ['2002:808:808::5efe:a9fe:a9fe', 'metadata'],
      ['2001:0:808:808::5efe:a9fe:a9fe', 'metadata'],
      ['2002:808:808::5efe:7f00:1', 'loopback'],
      ['2002:7f00:1::5efe:808:808', 'loopback'],
      ['2002:808:808::5efe:808:808', undefined],
      ['::ffff:0:8.8.8.8', undefined],
      ['8.8.8.8', undefined],
      ['172.32.0.1', undefined],
      ['2606:4700:4700::1111', undefined],
      ['64:ff9b::808:808', undefined],
      ['::ffff:8.8.8.8', undefined],
    ];
    for (const [ip, kind] of cases) assert.equal(classifyAddress(ip), kind, ip);
  });

  it('catches every spelling of a refused address in a URL', () => {
    const refused: [string, string, RegExp][] = [
      ['http://169.254.169.254/latest/meta-data/', 'metadata', /resolves to a cloud metadata address, which/],
      ['http://[::ffff:169.254.169.254]/', 'metadata', /never calls/],
      ['http://[::ffff:0:169.254.169.254]/', 'metadata', /never calls/],
      ['http://[::ffff:0:7f00:1]:4300/', 'loopback', /a loopback address/],
      ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'loopback', /a loopback address/],
      ['http://[fd00:ec2::254]/', 'metadata', /never calls/],
      ['http://169.254.10.10:8080/', 'link-local', /a link-local address, which the connector never calls/],
      ['http://[fe80::1]/', 'link-local', /link-local/],
      ['http://0.0.0.0:4300/', 'unspecified', /never calls/],
      // decimal, hex and octal IPv4 literals: the WHATWG parser turns them into 127.0.0.1
      ['http://2130706433/', 'loopback', /a loopback address; .*--allow-private-callbacks/],
      ['http://0x7f.1/', 'loopback', /a loopback address/],
      ['http://0x7f000001:8080/cb', 'loopback', /a loopback address/],
      ['http://017700000001/', 'loopback', /a loopback address/],
      ['http://[::1]:4300/', 'loopback', /a loopback address/],
      ['http://10.0.0.7/', 'private', /a private address/],
      ['https://user:pass@example.com/hook', 'userinfo', /must not carry credentials/],
      ['https://token@example.com/hook', 'userinfo', /must not carry credentials/],
      ['ftp://example.com/', 'scheme', /absolute http\(s\) URL/],
      ['file:///etc/passwd', 'scheme', /absolute http\(s\) URL/],
      ['not a url', 'scheme', /absolute http\(s\) URL/],
    ];
    for (const [url, rule, message] of refused) {
      const r = strict.checkSyntax(url);
      assert.equal(r?.rule, rule, url);
      assert.match(r.message, message, url);
      assert.match(r.message, /^callbackUrl /, 'names the field');
    }
  });

  it('allows loopback and private ranges only when configured, link-local and metadata never', () => {
    assert.equal(lenient.checkSyntax('http://127.0.0.1:9/cb'), undefined);
    assert.equal(lenient.checkSyntax('http://[::1]:9/cb'), undefined);
    assert.equal(lenient.checkSyntax('http://192.168.0.10/cb'), undefined);
    assert.equal(lenient.checkSyntax('http://169.254.169.254/')?.rule, 'metadata');
    assert.equal(lenient.checkSyntax('http://[fe80::1]/')?.rule, 'link-local');
    assert.equal(lenient.checkSyntax('http://224.0.0.1/')?.rule, 'multicast');
    assert.equal(strict.checkSyntax('https://example.com/hook?sig=abc'), undefined);
    assert.equal(strict.checkSyntax('http://8.8.8.8/'), undefined);
  });

  it('allows private addresses by default only on loopback with no public URL elsewhere', () => {
    const on = (address: string) => ({
      address: (): AddressInfo => ({ address, family: address.includes(':') ? 'IPv6' : 'IPv4', port: 4300 }),
    });
    assert.equal(connectorOutboundPolicy(on('127.0.0.1'), undefined).allowPrivate, true);
    assert.equal(
      connectorOutboundPolicy(on('127.0.0.1'), undefined, undefined, 'http://localhost:4300').allowPrivate,
      true,
    );
    // behind a reverse proxy or a tunnel the connector is public, whatever address it binds
    assert.equal(
      connectorOutboundPolicy(on('127.0.0.1'), undefined, undefined, 'https://twilio.example.com').allowPrivate,
      false,
    );
    assert.equal(connectorOutboundPolicy(on('0.0.0.0'), undefined).allowPrivate, false);
    assert.equal(connectorOutboundPolicy(on('0.0.0.0'), true).allowPrivate, true);
    assert.equal(connectorOutboundPolicy(on('127.0.0.1'), false).allowPrivate, false);
  });

  it("counts the other clouds' metadata endpoints as metadata", () => {
    assert.equal(classifyAddress('168.63.129.16'), 'metadata');
    assert.equal(classifyAddress('192.0.0.192'), 'metadata');
  });

  it('judges a host name by every address it resolves to', async () => {
    const policy = new OutboundPolicy({
      allowPrivate: () => false,
      lookup: fakeDns({
        'metadata.example': ['169.254.169.254'],
        'mixed.example': ['203.0.113.5', '10.0.0.1'],
        'public.example': ['203.0.113.5', '2001:db8::5'],
      }),
    });
    assert.match(
      (await policy.check('http://metadata.example/x', 'callbackUrl'))?.message ?? '',
      /^callbackUrl resolves to a cloud metadata address, which the connector never calls$/,
    );
    assert.equal((await policy.check('http://mixed.example/x'))?.rule, 'private');
    assert.equal(await policy.check('http://public.example/x'), undefined);
    // a name that does not resolve now passes: it is checked again when delivered
    assert.equal(await policy.check('http://nowhere.example/x'), undefined);
    assert.match(
      (await policy.check('http://metadata.example/', 'status_callback'))?.message ?? '',
      /^status_callback /,
    );
  });

  it('resolves localhost with the system resolver and refuses it when private addresses are not allowed', async () => {
    assert.equal((await strict.check('http://localhost:4300/cb'))?.rule, 'loopback');
    assert.equal(await lenient.check('http://localhost:4300/cb'), undefined);
  });
});

describe('outbound URL policy: the dispatcher checks the address it connects to', () => {
  let server: Server;
  let other: Server;
  let port = 0;
  let otherPort = 0;
  let otherHits = 0;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/elsewhere` }).end();
      else res.writeHead(200).end('ok');
    });
    other = createServer((req, res) => {
      otherHits++;
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    otherPort = (other.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  async function post(policy: OutboundPolicy, url: string): Promise<number | 'refused'> {
    const dispatcher = policy.dispatcher();
    try {
      const res = await request(url, { method: 'POST', body: 'x', dispatcher });
      await res.body.dump();
      return res.statusCode;
    } catch (err) {
      if (isOutboundRefused(err)) return 'refused';
      throw err;
    } finally {
      await dispatcher.destroy();
    }
  }

  it('refuses an IP literal before connecting, and connects when the policy allows it', async () => {
    assert.equal(await post(strict, `http://127.0.0.1:${port}/cb`), 'refused');
    assert.equal(await post(strict, `http://2130706433:${port}/cb`), 'refused');
    assert.equal(await post(lenient, `http://127.0.0.1:${port}/cb`), 200);
    assert.equal(await post(lenient, `http://169.254.169.254:${port}/cb`), 'refused');
  });

  it('refuses a name that resolves to a refused address at delivery time (DNS rebinding)', async () => {
    const names: Record<string, string[]> = { 'rebind.example': ['203.0.113.9'] };
    const policy = new OutboundPolicy({ allowPrivate: () => false, lookup: fakeDns(names) });
    assert.equal(await policy.check(`http://rebind.example:${port}/cb`), undefined, 'looked public when checked');
    names['rebind.example'] = ['127.0.0.1'];
    assert.equal(await post(policy, `http://rebind.example:${port}/cb`), 'refused');
    names['rebind.example'] = ['169.254.169.254'];
    const allowing = new OutboundPolicy({ allowPrivate: () => true, lookup: fakeDns(names) });
    assert.equal(await post(allowing, `http://rebind.example:${port}/cb`), 'refused');
    // the resolver's answer is what is connected to: a made-up name reaches the local server
    names['rebind.example'] = ['127.0.0.1'];
    assert.equal(await post(allowing, `http://rebind.example:${port}/cb`), 200);
  });

  it('does not follow redirects', async () => {
    assert.equal(await post(lenient, `http://127.0.0.1:${port}/redirect`), 302);
    assert.equal(otherHits, 0);
  });
});
