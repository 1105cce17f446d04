// Connector benchmark: SendMessage through the connector versus (a) a minimal pass-through proxy
// (the limit for this design) and (b) a server calling the official `twilio` SDK per request (what
// users write by hand), all against one fixed-response upstream. Every server runs in its own
// process so its peak RSS under load is its own; the cases run interleaved, several rounds, medians.
import { startChild, withRssSampling, type Child } from './lib/child.js';
import { describe, fmt, runLoad, type LoadResult } from './lib/load.js';
import { median, medianResult } from './lib/stats.js';

/**
 * Connections the load spreads over: the connector runs with its shipped throttle (100 calls a
 * minute per connection), and one connection sending thousands a second would measure 429s. Each
 * connection sends well under the limit in a whole run, and they fit the connector's caches.
 */
export const CONNECTIONS = 512;
const AUTHS = Array.from({ length: CONNECTIONS }, (_, i) => {
  const sid = `AC${i.toString(16).padStart(32, 'b')}`;
  return `Basic ${Buffer.from(`${sid}:bench-auth-token-${i}`).toString('base64')}`;
});

export interface ConnectorCase {
  label: string;
  result: LoadResult;
  rounds: LoadResult[];
  rssMiB: number;
  /** median CPU time (user + system) the server process spent per request, µs: steadier than req/s on a shared machine */
  cpuUs: number;
}

export interface ConnectorBenchResult {
  connector: ConnectorCase;
  /** the same connector, every send carrying a fresh Idempotency-Key (verified connection, stored answer) */
  keyed: ConnectorCase;
  /** the keyed case in a build whose connection proof does nothing: what remains is the idempotency store's cost */
  keyedNoProof: ConnectorCase;
  proxy: ConnectorCase;
  fastifyProxy: ConnectorCase;
  sdk: ConnectorCase;
  concurrency: number;
  rounds: number;
}

let keys = 0;

function sendLoad(
  url: string,
  requests: number,
  concurrency: number,
  warmup: number,
  idempotent = false,
): Promise<LoadResult> {
  return runLoad({
    origin: url,
    concurrency,
    requests,
    warmup,
    maxMs: 30_000,
    make: (i) => ({
      method: 'POST',
      path: '/Messages.json',
      headers: {
        authorization: AUTHS[i % CONNECTIONS]!,
        'content-type': 'application/json',
        accept: 'application/json',
        ...(idempotent ? { 'idempotency-key': `bench-${process.pid}-${keys++}` } : {}),
      },
      body: JSON.stringify({
        from: '+14155550100',
        to: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`,
        body: `Load test message ${i}`,
      }),
    }),
  });
}

export async function benchConnector(opts: { quick: boolean }): Promise<ConnectorBenchResult> {
  const concurrency = 32;
  const rounds = opts.quick ? 3 : 5;
  const perRound = opts.quick ? 2000 : 6000;
  const started: Child[] = [];
  try {
    const upstream = await startChild('upstream-stub', {});
    started.push(upstream);
    const env = { UPSTREAM_URL: upstream.url };
    const servers = {
      connector: await startChild('connector-server', env),
      keyed: await startChild('connector-server', env),
      keyedNoProof: await startChild('connector-server', { ...env, BENCH_PROOF: 'off' }),
      proxy: await startChild('proxy-server', env),
      fastifyProxy: await startChild('fastify-proxy-server', env),
      sdk: await startChild('sdk-server', env),
    };
    started.push(...Object.values(servers));
    const labels = {
      connector: 'connector (buildConnector, default configuration)',
      keyed: 'connector, Idempotency-Key on every send',
      keyedNoProof: 'the same, connection proof a no-op',
      proxy: '(a) pass-through proxy (node:http + undici)',
      fastifyProxy: "(a') the same pass-through on Fastify",
      sdk: '(b) node:http + twilio SDK per request',
    };
    const names = ['connector', 'keyed', 'keyedNoProof', 'proxy', 'fastifyProxy', 'sdk'] as const;
    const keyed = (name: (typeof names)[number]): boolean => name === 'keyed' || name === 'keyedNoProof';
    const runs: Record<(typeof names)[number], LoadResult[]> = {
      connector: [],
      keyed: [],
      keyedNoProof: [],
      proxy: [],
      fastifyProxy: [],
      sdk: [],
    };
    const rss: Record<(typeof names)[number], number> = {
      connector: 0,
      keyed: 0,
      keyedNoProof: 0,
      proxy: 0,
      fastifyProxy: 0,
      sdk: 0,
    };
    const cpu: Record<(typeof names)[number], number[]> = {
      connector: [],
      keyed: [],
      keyedNoProof: [],
      proxy: [],
      fastifyProxy: [],
      sdk: [],
    };
    // warm every server (JIT, pools) before anything is recorded
    for (const name of names) await sendLoad(servers[name].url, 1000, concurrency, 0, keyed(name));
    for (let round = 0; round < rounds; round++) {
      // rotate the order so no case always runs first (or right after the heaviest one)
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const name of order) {
        const cpu0 = servers[name].cpuMs();
        const [r, peak] = await withRssSampling(servers[name], () =>
          sendLoad(servers[name].url, perRound, concurrency, 200, keyed(name)),
        );
        runs[name].push(r);
        rss[name] = Math.max(rss[name], peak);
        // includes the round's 200 warm-up requests
        cpu[name].push(((servers[name].cpuMs() - cpu0) * 1000) / (r.requests + 200));
        console.log(
          `round ${round + 1} ${name.padEnd(12)} ${describe(r)}, RSS ≤ ${fmt(peak, 0)} MiB, CPU ${fmt(cpu[name].at(-1)!, 0)} µs/request`,
        );
      }
    }
    const make = (name: (typeof names)[number]): ConnectorCase => ({
      label: labels[name],
      result: medianResult(runs[name]),
      rounds: runs[name],
      rssMiB: rss[name],
      cpuUs: median(cpu[name]),
    });
    return {
      connector: make('connector'),
      keyed: make('keyed'),
      keyedNoProof: make('keyedNoProof'),
      proxy: make('proxy'),
      fastifyProxy: make('fastifyProxy'),
      sdk: make('sdk'),
      concurrency,
      rounds,
    };
  } finally {
    await Promise.all(started.map((c) => c.stop()));
  }
}
