// Triggers benchmark: signed inbound-message webhooks posted to the connector's Twilio-facing
// endpoint, committed to the outbox and delivered to a local callback receiver, on SQLite and on
// PostgreSQL. Measures the acknowledgement Twilio sees (versus a plain Fastify endpoint that
// acknowledges without verifying or persisting) and the end-to-end delivery rate and latency, and
// whether one subscriber whose callback hangs slows the others' deliveries.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSignature } from '../src/twilio/index.js';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres.js';
import { startReceiver, type Receiver } from './lib/callback-receiver.js';
import { startChild, type Child } from './lib/child.js';
import { describe, fmt, percentile, runLoad, type LoadResult } from './lib/load.js';
import { median, medianResult } from './lib/stats.js';

const ACCOUNT_SID = `AC${'c'.repeat(32)}`;
const AUTH_TOKEN = 'bench-trigger-auth-token';
const PATH = '/twilio/messages/received';
/** one subscription per number: events of one number are delivered in order, different numbers side by side */
const NUMBERS = Array.from({ length: 32 }, (_, i) => `+1415600${String(1000 + i)}`);

export interface DeliveryFigures {
  /** events delivered per second, from the first webhook sent to the last event delivered */
  perSecond: number;
  /** from sending the webhook to the event's arrival at the callback */
  p50: number;
  p99: number;
  delivered: number;
  sent: number;
}

/** webhooks in flight at once for the light-load acknowledgement figure (below saturation) */
export const LIGHT = 2;

export interface TriggerCase {
  label: string;
  /** 16 webhooks in flight: the most the endpoint takes */
  ack: LoadResult;
  /** LIGHT webhooks in flight: the latency Twilio sees when the connector is not saturated */
  light: LoadResult;
  delivery: DeliveryFigures | undefined;
}

export interface IsolationFigures {
  /** all 32 callbacks answer; the 31 besides the first number's are measured */
  healthy: DeliveryFigures;
  /** the first number's callback never answers; the same 31 are measured */
  hanging: DeliveryFigures;
}

let runId = 0;

/** every number but the first, whose subscription's callback hangs in the isolation case */
const MEASURED = new Set(NUMBERS.slice(1));
const everyNumber = (): boolean => true;

/** Sends `requests` signed inbound webhooks; the signature covers the URL the connector sees. */
function inboundLoad(
  url: string,
  requests: number,
  warmup: number,
  sentAt: Map<string, number> | undefined,
  concurrency = 16,
  measured: (to: string) => boolean = everyNumber,
): Promise<LoadResult> {
  const run = runId++;
  const target = `${url}${PATH}`;
  return runLoad({
    origin: url,
    concurrency,
    requests,
    warmup,
    maxMs: 60_000,
    make: (i) => {
      const sid = `SM${run.toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`;
      const params = {
        MessageSid: sid,
        SmsMessageSid: sid,
        AccountSid: ACCOUNT_SID,
        From: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`,
        To: NUMBERS[i % NUMBERS.length]!,
        Body: `Inbound benchmark message ${i}`,
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      };
      if (measured(params.To)) sentAt?.set(sid, performance.now());
      return {
        method: 'POST',
        path: PATH,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': computeSignature(AUTH_TOKEN, target, params),
        },
        body: new URLSearchParams(params).toString(),
      };
    },
  });
}

async function measureTriggers(
  server: Child,
  receiver: Receiver,
  requests: number,
  rounds: number,
  measured: (to: string) => boolean = everyNumber,
  warmup = true,
): Promise<{ ack: LoadResult; light: LoadResult; delivery: DeliveryFigures }> {
  // warm-up: JIT, pools, the store's first pages; its deliveries are waited for and forgotten
  if (warmup) {
    const warm = new Map<string, number>();
    await inboundLoad(server.url, 1500, 0, warm, 16, measured);
    await receiver.waitFor(new Set(warm.keys()), 30_000);
  }
  const acks: LoadResult[] = [];
  const lights: LoadResult[] = [];
  const rates: number[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  let delivered = 0;
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    receiver.reset();
    const sentAt = new Map<string, number>();
    const t0 = performance.now();
    const ack = await inboundLoad(server.url, requests, 0, sentAt, 16, measured);
    await receiver.waitFor(new Set(sentAt.keys()), 60_000);
    const latencies: number[] = [];
    let last = t0;
    for (const [sid, at] of receiver.arrivals) {
      const s = sentAt.get(sid);
      if (s === undefined) continue;
      latencies.push(at - s);
      last = Math.max(last, at);
    }
    latencies.sort((a, b) => a - b);
    acks.push(ack);
    rates.push((latencies.length / (last - t0)) * 1000);
    p50s.push(percentile(latencies, 50));
    p99s.push(percentile(latencies, 99));
    delivered += latencies.length;
    sent += sentAt.size;
    // then the light load, once the backlog is delivered; its deliveries are waited for too
    const lightSent = new Map<string, number>();
    lights.push(await inboundLoad(server.url, Math.round(requests / 3), 0, lightSent, LIGHT, measured));
    await receiver.waitFor(new Set(lightSent.keys()), 60_000);
    console.log(
      `  round ${round + 1}: ack ${describe(ack)}; light ack p99 ${fmt(lights.at(-1)!.p99, 2)} ms; delivered ${latencies.length}/${sentAt.size} at ${fmt(rates.at(-1)!, 0)}/s, p50 ${fmt(p50s.at(-1)!, 1)} ms, p99 ${fmt(p99s.at(-1)!, 1)} ms`,
    );
  }
  return {
    ack: medianResult(acks),
    light: medianResult(lights),
    delivery: { perSecond: median(rates), p50: median(p50s), p99: median(p99s), delivered, sent },
  };
}

export async function benchTriggers(opts: {
  quick: boolean;
}): Promise<{ cases: TriggerCase[]; isolation: IsolationFigures }> {
  const requests = opts.quick ? 1500 : 5000;
  const rounds = 3;
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-triggers-'));
  const receiver = await startReceiver();
  let pg: TestPostgres | undefined;
  const started: Child[] = [];
  const env = (extra: Record<string, string>): Record<string, string> => ({
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALLBACK_URL: receiver.url,
    NUMBERS: NUMBERS.join(','),
    ...extra,
  });
  try {
    const cases: TriggerCase[] = [];
    const baseline = await startChild('ack-server', {});
    started.push(baseline);
    await inboundLoad(baseline.url, 1500, 0, undefined);
    const baseAcks: LoadResult[] = [];
    const baseLights: LoadResult[] = [];
    const measureBaseline = async (): Promise<void> => {
      baseAcks.push(await inboundLoad(baseline.url, requests, 0, undefined));
      baseLights.push(await inboundLoad(baseline.url, Math.round(requests / 3), 0, undefined, LIGHT));
    };

    console.log('SQLite (WAL, synchronous=NORMAL):');
    await measureBaseline();
    const sqlite = await startChild('triggers-server', env({ DATA_DIR: join(dir, 'sqlite') }));
    started.push(sqlite);
    const s = await measureTriggers(sqlite, receiver, requests, rounds);
    await sqlite.stop();
    cases.push({ label: 'connector, SQLite', ...s });

    pg = await startPostgres();
    console.log('PostgreSQL (embedded, local, fsync off):');
    await measureBaseline();
    const postgres = await startChild('triggers-server', env({ DATA_DIR: join(dir, 'pg'), DATABASE_URL: pg.url }));
    started.push(postgres);
    const p = await measureTriggers(postgres, receiver, requests, rounds);
    await postgres.stop();
    cases.push({ label: 'connector, PostgreSQL', ...p });

    // Isolation: the same 31 subscriptions measured beside a 32nd whose callback answers and
    // beside one whose callback takes every request and never answers (SQLite, a fresh store
    // each); rounds alternate between the two so drift on a shared machine hits both alike.
    const hang = createServer((req) => req.resume());
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const hangAddr = hang.address();
    const hangUrl = `http://127.0.0.1:${typeof hangAddr === 'object' && hangAddr !== null ? hangAddr.port : 0}/hangs`;
    const isolation: Record<'healthy' | 'hanging', DeliveryFigures[]> = { healthy: [], hanging: [] };
    try {
      const beside = await startChild('triggers-server', env({ DATA_DIR: join(dir, 'beside-healthy') }));
      started.push(beside);
      const hung = await startChild(
        'triggers-server',
        env({ DATA_DIR: join(dir, 'beside-hanging'), HANG_URL: hangUrl }),
      );
      started.push(hung);
      const measured = (to: string): boolean => MEASURED.has(to);
      for (let round = 0; round < rounds; round++) {
        for (const [name, child] of [
          ['healthy', beside],
          ['hanging', hung],
        ] as const) {
          console.log(
            `SQLite, 31 subscriptions measured beside a 32nd that ${name === 'healthy' ? 'answers' : 'hangs'}:`,
          );
          const r = await measureTriggers(child, receiver, requests, 1, measured, round === 0);
          isolation[name].push(r.delivery);
        }
      }
      await beside.stop();
      await hung.stop();
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((resolve) => hang.close(() => resolve()));
    }
    const medianFigures = (xs: DeliveryFigures[]): DeliveryFigures => ({
      perSecond: median(xs.map((x) => x.perSecond)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
      delivered: xs.reduce((n, x) => n + x.delivered, 0),
      sent: xs.reduce((n, x) => n + x.sent, 0),
    });

    await measureBaseline();
    const base = medianResult(baseAcks);
    console.log(`baseline ack (median of ${baseAcks.length}): ${describe(base)}`);
    cases.unshift({
      label: 'baseline: plain Fastify ack, no verify, no store',
      ack: base,
      light: medianResult(baseLights),
      delivery: undefined,
    });
    return {
      cases,
      isolation: { healthy: medianFigures(isolation.healthy), hanging: medianFigures(isolation.hanging) },
    };
  } finally {
    await Promise.all(started.map((c) => c.stop()));
    await receiver.close();
    await pg?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
