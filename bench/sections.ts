// The benchmark sections, in the order they run. Each returns the Markdown it records.
import { benchRealism } from './realism.js';
import { benchSandbox } from './sandbox.js';
import { fmt, type LoadResult } from './lib/load.js';

export interface Section {
  name: string;
  title: string;
  run(opts: { quick: boolean }): Promise<string>;
}

export const row = (label: string, r: LoadResult): string =>
  `| ${label} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.requests} | ${r.errors} |`;
export const HEAD = '| case | req/s | p50 ms | p99 ms | requests | errors |\n|---|---|---|---|---|---|';

export const sections: Section[] = [
  {
    name: 'sandbox',
    title: 'Sandbox: Messages API versus Prism, and list latency by store size',
    async run(opts) {
      const r = await benchSandbox(opts);
      return [
        'Load: 16 concurrent keep-alive connections on 127.0.0.1; the sandbox persists to SQLite (WAL) with the default lifecycle running; Prism 5.14.2 mocks `twilio_api_v2010.json`.',
        '',
        HEAD,
        row('create (POST Messages.json) — sandbox', r.create.sandbox),
        row('create — Prism', r.create.prism),
        row('list (GET Messages.json, PageSize=50) — sandbox', r.list.sandbox),
        row('list — Prism', r.list.prism),
        '',
        `Create throughput: **${fmt(r.create.ratio)}×** Prism (target ≥ 20×). List throughput: **${fmt(r.list.ratio)}×** Prism.`,
        '',
        `List latency, one client, first page of 50, sequential requests:`,
        '',
        HEAD,
        row(`${r.depth.smallCount.toLocaleString('en')} stored messages`, r.depth.small),
        row(`${r.depth.largeCount.toLocaleString('en')} stored messages`, r.depth.large),
        '',
        `p99 with ${r.depth.largeCount.toLocaleString('en')} is **${fmt(r.depth.ratio, 2)}×** the p99 with ${r.depth.smallCount.toLocaleString('en')} (targets: p99 ≤ 10 ms and ≤ 1.5×).`,
      ].join('\n');
    },
  },
  {
    name: 'realism',
    title: 'Sandbox realism: create throughput with realism off and on',
    async run(opts) {
      const cases = await benchRealism(opts);
      const on = cases[cases.length - 1];
      const chaos = cases[cases.length - 2];
      return [
        'Median of three interleaved rounds. Load: 16 concurrent keep-alive connections creating messages (POST Messages.json) on 127.0.0.1, SQLite (WAL), default lifecycle (1 s steps). Chaos evaluates four rules (503 at 1 %, create error 21610 at 1 %, delivery failure 30003 at 5 %, dropped webhooks at 5 %); its errors are those injected faults. With throughput on (one sender at 100 segments/s) every create is also placed in the sender\'s queue, which spreads the lifecycle\'s work beyond the run: that case does less background work than the others, so read its figure as "no slower", not as a speed-up.',
        '',
        '| case | req/s | p50 ms | p99 ms | requests | errors | req/s vs off |',
        '|---|---|---|---|---|---|---|',
        ...cases.map((c) => `${row(c.label, c.result)} ${fmt(c.ratio, 2)}× |`),
        '',
        on && chaos
          ? `Chaos rules: **${fmt(chaos.ratio, 2)}×** the create rate with realism off; throughput and chaos: **${fmt(on.ratio, 2)}×**.`
          : '',
      ].join('\n');
    },
  },
];
