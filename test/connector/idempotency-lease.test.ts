// A send whose process died between claiming its Idempotency-Key and recording the outcome: the
// claim is leased, so once the lease runs out a retry with the same body sends, instead of getting
// 409 for the rest of the day. The claims here are made as the dead process would have made them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  IDEMPOTENCY_MIN_LEASE_MS,
  IDEMPOTENCY_TTL_MS,
  idempotencyLeaseMs,
  requestHash,
} from '../../src/connector/idempotency.js';
import type { UpstreamClient } from '../../src/connector/routes/context.js';
import { idempotencyScope } from '../../src/connector/trust.js';
import { parseSendMessage } from '../../src/connector/routes/messages.js';
import { openStore } from '../../src/store/index.js';
import type { ConnectorStore } from '../../src/store/types.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

describe('Idempotency-Key claims are leased', () => {
  let dir: string;
  let store: ConnectorStore;
  let h: Harness;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tc-lease-'));
    store = await openStore({ dataDir: dir });
    // the shortest upstream timeout, so a duplicate gives up waiting after 200 ms
    h = await startConnector({ upstreamTimeout: 100 }, { store });
  });
  after(async () => {
    await h.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const message = (to: string) => ({ from: h.sb.phoneNumber, to, body: 'after a crash' });
  const send = (key: string, to: string): Promise<Response> =>
    h.call('POST', '/Messages.json', { json: message(to), headers: { 'idempotency-key': key } });
  // the scope the connector gives the sandbox account's connection
  const scope = async (): Promise<string> =>
    idempotencyScope(await store.sharedKey(), {
      scope: h.sb.accountSid,
      username: h.sb.accountSid,
      password: h.sb.authToken,
    });
  const claimAsDeadProcess = async (key: string, to: string, leaseMs: number) =>
    store.claimIdempotencyKey(
      await scope(),
      key,
      requestHash('SendMessage', parseSendMessage(message(to))),
      IDEMPOTENCY_TTL_MS,
      { ms: leaseMs, token: 'the-process-that-died' },
    );

  it('a retry after the lease ran out sends once, and later retries get that answer', async () => {
    const to = '+14155550781';
    assert.equal((await claimAsDeadProcess('crashed', to, 1)).state, 'new');
    await new Promise((r) => setTimeout(r, 5));
    const retry = await send('crashed', to);
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotent-replayed'), 'false');
    const again = await send('crashed', to);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await json(again)).sid, (await json(retry)).sid);
    assert.equal((await h.sb.client.messages.list({ to })).length, 1);
  });

  it('while the lease runs, a retry is told the send is in progress and nothing is sent', async () => {
    const to = '+14155550782';
    await claimAsDeadProcess('running', to, 60_000);
    const retry = await send('running', to);
    assert.equal(retry.status, 409);
    assert.equal((await json(retry)).error.code, 'IDEMPOTENCY_IN_PROGRESS');
    assert.equal((await h.sb.client.messages.list({ to })).length, 0);
  });

  it('the connector leases its claims for 10 minutes, or 20 upstream timeouts when longer', async () => {
    assert.equal(IDEMPOTENCY_MIN_LEASE_MS, 10 * 60 * 1000);
    assert.equal(idempotencyLeaseMs(15_000), 10 * 60 * 1000);
    assert.equal(idempotencyLeaseMs(300_000), 100 * 60 * 1000);

    // a connector on the same store whose Twilio never answers: its claim stays in flight
    let answer!: () => void;
    const stalled: UpstreamClient = {
      request: (method) =>
        method === 'GET'
          ? Promise.resolve({ status: 200, body: { sid: h.sb.accountSid } })
          : new Promise((resolve) => {
              answer = () => resolve({ status: 201, body: { sid: `SM${'d'.repeat(32)}`, error_code: null } });
            }),
    };
    const slow = await startConnector({}, { store, clientFactory: () => stalled }, h.sb);
    try {
      const before = Date.now();
      const pending = slow.call('POST', '/Messages.json', {
        json: message('+14155550783'),
        headers: { 'idempotency-key': 'stalled' },
      });
      const db = new Database(join(dir, 'connector.db'), { readonly: true });
      try {
        let row: { state: string; lease_until: number } | undefined;
        for (let i = 0; i < 100 && row === undefined; i++) {
          await new Promise((r) => setTimeout(r, 10));
          row = db
            .prepare('SELECT state, lease_until FROM idempotency_keys WHERE key = ?')
            .get('stalled') as typeof row;
        }
        assert.equal(row?.state, 'in-flight');
        assert.ok(row.lease_until >= before + 10 * 60 * 1000 && row.lease_until <= Date.now() + 10 * 60 * 1000);
      } finally {
        db.close();
      }
      answer();
      assert.equal((await pending).status, 200);
    } finally {
      await slow.close();
    }
  });
});
