// Template sends through the sandbox: Messages creates with ContentSid + ContentVariables against
// plain creates, in the same sandbox process and in alternating rounds, so the ratio says what
// looking up and rendering a template costs a create (target ≥ 0.8× plain).
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './lib/child.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { median, medianResult } from './lib/stats.js';

const ROUNDS = 5;
const WARMUP = 1000;
const CONCURRENCY = 16;

export interface TemplateBenchResult {
  plain: LoadResult;
  template: LoadResult;
  ratio: number;
  ratios: number[];
}

export async function benchTemplateSends(opts: { quick: boolean }): Promise<TemplateBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-templates-'));
  const sid = `AC${randomBytes(16).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
  const phone = '+14155550100';
  const child = await startChild('sandbox-server', {
    BENCH_SANDBOX_DATA: join(dir, 'sandbox.db'),
    BENCH_ACCOUNT_SID: sid,
    BENCH_AUTH_TOKEN: token,
  });
  try {
    const res = await fetch(`${child.url}/v1/Content`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        friendly_name: 'order_update',
        language: 'en',
        variables: { '1': 'customer', '2': 'order' },
        types: {
          'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped.' },
          'twilio/quick-reply': {
            body: 'Hi {{1}}, your order {{2}} has shipped.',
            actions: [{ title: 'Track {{2}}', id: 'track' }],
          },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`template create answered ${res.status}: ${await res.text()}`);
    const contentSid = ((await res.json()) as { sid: string }).sid;
    const load = (kind: 'plain' | 'template', requests: number, warmup: number) =>
      runLoad({
        origin: child.url,
        concurrency: CONCURRENCY,
        requests,
        warmup,
        maxMs: 30_000,
        make: (i) => {
          const form: Record<string, string> = {
            To: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`,
            From: phone,
          };
          if (kind === 'plain') form['Body'] = `Hi Ada, your order A-${i} has shipped.`;
          else {
            form['ContentSid'] = contentSid;
            form['ContentVariables'] = JSON.stringify({ '1': 'Ada', '2': `A-${i}` });
          }
          return {
            method: 'POST',
            path: `/2010-04-01/Accounts/${sid}/Messages.json`,
            headers: {
              authorization: auth,
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
            },
            body: new URLSearchParams(form).toString(),
          };
        },
      });
    const n = opts.quick ? 2000 : 10_000;
    await load('plain', WARMUP, 0);
    await load('template', WARMUP, 0);
    const plain: LoadResult[] = [];
    const template: LoadResult[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const p = await load('plain', n, 0);
      const t = await load('template', n, 0);
      if (p.errors > 0 || t.errors > 0) throw new Error(`errors: plain ${p.errors}, template ${t.errors}`);
      plain.push(p);
      template.push(t);
      ratios.push(t.rps / p.rps);
    }
    return { plain: medianResult(plain), template: medianResult(template), ratio: median(ratios), ratios };
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
