// A lifecycle step that cannot be written (disk full, a database locked by another program) must
// not stop the sandbox: the step is rolled back whole, logged, and taken again until it succeeds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('lifecycle after a failed step', () => {
  let sb: TestSandbox;
  const failures: string[] = [];
  before(async () => {
    sb = await startSandbox({ statusDelay: 50 });
    const { ctx } = sb.sandbox;
    const report = ctx.backgroundError.bind(ctx);
    (ctx as { backgroundError: typeof ctx.backgroundError }).backgroundError = (part, err) => {
      failures.push(`${part}: ${(err as Error).message}`);
      report(part, err);
    };
  });
  after(() => sb.close());

  it('keeps serving while steps fail, then finishes every message once they can be written', async () => {
    const { db } = sb.sandbox.ctx;
    db.exec(`CREATE TEMP TRIGGER refuse_steps BEFORE UPDATE OF status ON messages
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const sent = await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155550181', body: 'one' });
    // a generous bound so a sandbox that stopped stepping fails here instead of hanging the suite
    const giveUp = Date.now() + 30_000;
    while (failures.length < 2 && Date.now() < giveUp) await sleep(50);
    assert.ok(failures.length >= 2, 'the failed step is reported and tried again');
    assert.match(failures[0]!, /^lifecycle: database or disk is full$/);
    // nothing half-written: still queued, and the sandbox still answers
    assert.equal((await sb.client.messages(sent.sid).fetch()).status, 'queued');
    const second = await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155550182', body: 'two' });

    db.exec('DROP TRIGGER refuse_steps');
    for (const sid of [sent.sid, second.sid]) {
      let status = '';
      while (status !== 'delivered') {
        await sleep(50);
        status = (await sb.client.messages(sid).fetch()).status;
      }
    }
  });
});
