import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

function send(sb: TestSandbox, method: string, body: unknown, type = 'application/json'): Promise<Response> {
  return fetch(`${sb.url}/_sandbox/settings`, {
    method,
    headers: { 'content-type': type, ...CONTROL },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('sandbox settings control API', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());
  beforeEach(async () => {
    assert.equal((await fetch(`${sb.url}/_sandbox/settings/reset`, { method: 'POST', headers: CONTROL })).status, 200);
  });

  it('starts with realism off and only the gentle 100-request concurrency limit on', async () => {
    const res = await fetch(`${sb.url}/_sandbox/settings`);
    assert.equal(res.status, 200);
    const s = await json(res);
    assert.equal(s.speed_up, 1);
    assert.deepEqual(s.throughput, {
      enabled: false,
      long_code_mps: 1,
      toll_free_mps: 3,
      short_code_mps: 100,
      other_mps: 10,
      queue_seconds: 36000,
    });
    assert.deepEqual(s.concurrency, { enabled: true, max_requests: 100 });
    assert.deepEqual(s.chaos, { enabled: false, rules: [] });
    assert.deepEqual(s.retention, { max_messages: 0, max_age_days: 0 });
    // and a message still takes the normal lifecycle
    const m = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770001', body: 'hi' });
    assert.equal(m.status, 'queued');
  });

  it('PATCH changes only what it names, PUT resets what it leaves out, and both publish an event', async () => {
    const seen: SandboxEvent[] = [];
    const off = sb.sandbox.ctx.events.subscribe((e) => seen.push(e));
    try {
      let res = await send(sb, 'PATCH', { throughput: { enabled: true, long_code_mps: 2 }, speed_up: 50 });
      assert.equal(res.status, 200);
      let s = await json(res);
      assert.equal(s.throughput.enabled, true);
      assert.equal(s.throughput.long_code_mps, 2);
      assert.equal(s.throughput.toll_free_mps, 3);
      assert.equal(s.speed_up, 50);
      assert.equal(sb.sandbox.ctx.clock.speedUp, 50);

      res = await send(sb, 'PUT', { chaos: { enabled: true, rules: [{ type: 'http_error', status: 503 }] } });
      assert.equal(res.status, 200);
      s = await json(res);
      assert.equal(s.throughput.enabled, false);
      assert.equal(s.speed_up, 1);
      assert.deepEqual(s.chaos.rules, [{ type: 'http_error', status: 503, probability: 1 }]);
      assert.deepEqual(await json(await fetch(`${sb.url}/_sandbox/settings`)), s);
      assert.equal(seen.filter((e) => e.type === 'settings').length, 2);
    } finally {
      off();
    }
  });

  it('answers bad settings with a 400 that names the field, and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ throughput: { long_code_mps: 0 } }, /^throughput\.long_code_mps must be a number from/],
      [{ throughput: { enabled: 'yes' } }, /^throughput\.enabled must be true or false/],
      [{ throughput: { turbo: true } }, /^throughput\.turbo is not a known setting/],
      [{ colour: 'red' }, /^colour is not a known setting/],
      [{ concurrency: { max_requests: 1.5 } }, /^concurrency\.max_requests must be a whole number/],
      [
        { chaos: { rules: [{ type: 'http_error', status: 418 }] } },
        /^chaos\.rules\[0\]\.status must be one of 429, 500, 503/,
      ],
      [{ chaos: { rules: [{ type: 'latency', ms: 10, probability: 2 }] } }, /^chaos\.rules\[0\]\.probability/],
      [{ chaos: { rules: [{ type: 'teleport' }] } }, /^chaos\.rules\[0\]\.type must be one of/],
      [{ chaos: { rules: 'all' } }, /^chaos\.rules must be a list/],
      [{ retention: { max_messages: -1 } }, /^retention\.max_messages/],
      [[1, 2], /^settings must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await send(sb, 'PATCH', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = await json(res);
      assert.equal(err.code, 20001);
      assert.match(err.message, message);
    }
    for (const [raw, type] of [
      ['{"speed_up": ', 'application/json'],
      ['speed_up=2', 'application/x-www-form-urlencoded'],
    ] as const) {
      const res = await send(sb, 'PUT', raw, type);
      assert.equal(res.status, 400, raw);
    }
    const s = await json(await fetch(`${sb.url}/_sandbox/settings`));
    assert.equal(s.speed_up, 1);
    assert.deepEqual(s.chaos.rules, []);
  });

  it('never answers 5xx, whatever the body', async () => {
    const odd: unknown[] = [
      null,
      0,
      'x',
      { throughput: null },
      { chaos: { rules: [null] } },
      { chaos: { rules: [{ type: 'latency', ms: '5' }] } },
      { chaos: { rules: Array.from({ length: 51 }, () => ({ type: 'webhook_drop' })) } },
      { speed_up: 1e308 },
      { speed_up: -1 },
      { retention: { max_age_days: null } },
      { concurrency: [] },
      { __proto__: { speed_up: 5 } },
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    ];
    for (const body of odd) {
      for (const method of ['PUT', 'PATCH']) {
        const res = await send(sb, method, JSON.stringify(body));
        assert.ok(res.status === 400 || res.status === 200, `${method} ${JSON.stringify(body)}: ${res.status}`);
      }
    }
    for (const raw of ['', '{', '[]]', '\u0000']) {
      const res = await send(sb, 'PATCH', raw);
      assert.equal(res.status, 400, JSON.stringify(raw));
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal((await json(await fetch(`${sb.url}/_sandbox/settings`))).speed_up, 1);
  });

  it('reports the chaos rules in force in /_sandbox/health', async () => {
    await send(sb, 'PATCH', { chaos: { enabled: true, rules: [{ type: 'webhook_drop', probability: 0.25 }] } });
    const health = await json(await fetch(`${sb.url}/_sandbox/health`));
    assert.equal(health.status, 'ok');
    assert.deepEqual(health.realism.chaos, [{ type: 'webhook_drop', probability: 0.25 }]);
    assert.equal(health.realism.concurrency_limit, 100);
    assert.equal(health.realism.throughput, false);
  });
});

describe('sandbox settings persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tc-realism-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the settings across a restart, until reset', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data });
    try {
      const res = await send(first, 'PATCH', { retention: { max_messages: 500 }, throughput: { enabled: true } });
      assert.equal(res.status, 200);
    } finally {
      await first.close();
    }
    const second = await startSandbox({ data });
    try {
      const s = await json(await fetch(`${second.url}/_sandbox/settings`));
      assert.equal(s.retention.max_messages, 500);
      assert.equal(s.throughput.enabled, true);
      const reset = await json(
        await fetch(`${second.url}/_sandbox/settings/reset`, { method: 'POST', headers: CONTROL }),
      );
      assert.equal(reset.throughput.enabled, false);
    } finally {
      await second.close();
    }
    const third = await startSandbox({ data });
    try {
      const s = await json(await fetch(`${third.url}/_sandbox/settings`));
      assert.equal(s.retention.max_messages, 0);
    } finally {
      await third.close();
    }
  });
});
