// The benchmark sections, in the order they run. Each returns the Markdown it records.
import { benchConnector, CONNECTIONS } from './connector.js';
import { benchRealism } from './realism.js';
import { benchSandbox } from './sandbox.js';
import { benchTemplateSends } from './templates.js';
import { benchTriggers, LIGHT } from './triggers.js';
import { benchTriggerModes } from './trigger-modes.js';
import { benchUi, SEARCHES } from './ui.js';
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
        'Load: 16 concurrent keep-alive connections on 127.0.0.1 from the benchmark process; the sandbox runs in its own process at its default log level (`info`: no line per request) and persists to SQLite (WAL) with the default lifecycle (1 s steps). Each message is one row the lifecycle updates once per status ([lifecycle](docs/sandbox-lifecycle.md)). Prism 5.14.2 mocks `twilio_api_v2010.json`. Both get 2,000 warm-up creates, then five alternating rounds: Prism 2,000 creates while the sandbox is idle, then the sandbox 30,000 creates, long enough that earlier messages move through their statuses during the measurement. Create rows are the medians of the rounds; the ratio is the median of the ratios of the rounds. The list of Prism is measured once the last messages the sandbox took have finished their lifecycle.',
        '',
        HEAD,
        row('create (POST Messages.json) — sandbox', r.create.sandbox),
        row('create — Prism', r.create.prism),
        row('list (GET Messages.json, PageSize=50) — sandbox', r.list.sandbox),
        row('list — Prism', r.list.prism),
        '',
        `Create throughput: **${fmt(r.create.ratio)}×** Prism (target ≥ 15×; rounds: ${r.create.ratios.map((x) => `${fmt(x)}×`).join(', ')}). List throughput: **${fmt(r.list.ratio)}×** Prism.`,
        '',
        `CPU time of the sandbox process per create, user + system, from the start of a round until its messages have finished their lifecycle: **${fmt(r.create.cpuUs, 0)} µs** (median of the rounds; it depends far less than req/s on what else runs on the machine).`,
        '',
        `List latency, one client, first page of 50, sequential requests; both stores open at once, five alternating rounds of 1,000 requests each, medians:`,
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
    name: 'templates',
    title: 'Sandbox: template sends versus plain creates',
    async run(opts) {
      const r = await benchTemplateSends(opts);
      return [
        "One sandbox in its own process (default log level, SQLite WAL, default lifecycle), 16 concurrent keep-alive connections on 127.0.0.1. Plain creates send a `Body`; template creates send `ContentSid` of a two-type template (text and quick-reply) with `ContentVariables`, so each looks the template up, checks and renders its variables and stores the rendered body. 1,000 warm-up creates of each, then five alternating rounds; rows are the medians of the rounds, the ratio the median of the rounds' ratios.",
        '',
        HEAD,
        row('create with Body — sandbox', r.plain),
        row('create with ContentSid + ContentVariables — sandbox', r.template),
        '',
        `Template sends: **${fmt(r.ratio, 2)}×** plain creates (target ≥ 0.8×; rounds: ${r.ratios.map((x) => `${fmt(x, 2)}×`).join(', ')}).`,
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
        'Median of three interleaved rounds. Each case and round: a fresh sandbox in its own process at its default log level, its settings set over `PATCH /_sandbox/settings`, 2,000 warm-up creates, then 30,000 measured, long enough that the lifecycle (1 s steps) runs during the measurement. Load: 16 concurrent keep-alive connections creating messages (POST Messages.json) on 127.0.0.1, SQLite (WAL). Chaos evaluates four rules (503 at 1 %, create error 21610 at 1 %, delivery failure 30003 at 5 %, dropped webhooks at 5 %); its errors are those injected faults. With throughput on (one sender at 100 segments/s) every create is also placed in the sender\'s queue, which spreads the lifecycle\'s work beyond the run: that case does less background work than the others, so read its figure as "no slower", not as a speed-up.',
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
  {
    name: 'connector',
    title: 'Connector: SendMessage versus a pass-through proxy and the twilio SDK by hand',
    async run(opts) {
      const r = await benchConnector(opts);
      const { connector: c, keyed: k, keyedNoProof: kn, proxy: a, fastifyProxy: f, sdk: b } = r;
      const mem = (x: typeof c): string =>
        `${row(x.label, x.result)} ${fmt(x.cpuUs, 0)} | ${fmt(x.rssMiB * 1.048576, 0)} |`;
      return [
        `Load: ${r.concurrency} concurrent keep-alive connections on 127.0.0.1 sending POST /Messages.json (JSON). Upstream: a fixed-response Messages.json stand-in in its own process. Each server runs in its own process; the connector in its default configuration (info logs with one access line per request, throttling at 100 calls a minute per connection), so the load spreads over ${CONNECTIONS} connections, none of which reaches the limit. ${r.rounds} interleaved rounds, medians; RSS is the largest VmRSS sampled during load. Servers run compiled (tsc output under node_modules/.cache), as deployed.`,
        '',
        '| case | req/s | p50 ms | p99 ms | requests | errors | CPU µs/request | peak RSS MB |',
        '|---|---|---|---|---|---|---|---|',
        mem(c),
        mem(k),
        mem(kn),
        mem(a),
        mem(f),
        mem(b),
        '',
        `Connector throughput: **${fmt((100 * c.result.rps) / a.result.rps, 0)} %** of the pass-through proxy (target ≥ 85 %) and **${fmt(c.result.rps / b.result.rps, 2)}×** the SDK server (target ≥ 1.8×); proxy/SDK: ${fmt(a.result.rps / b.result.rps, 2)}×. The same pass-through on Fastify runs at ${fmt((100 * f.result.rps) / a.result.rps, 0)} % of (a), and the connector at ${fmt((100 * c.result.rps) / f.result.rps, 0)} % of it. CPU per request (server process, user + system): connector ${fmt(c.cpuUs / a.cpuUs, 2)}× the proxy's, ${fmt(c.cpuUs / b.cpuUs, 2)}× the SDK server's. Connector peak RSS **${fmt(c.rssMiB * 1.048576, 0)} MB** (target ≤ 150 MB). With an Idempotency-Key on every send (one connection check per connection per TTL, the answer stored): **${fmt((100 * k.result.rps) / c.result.rps, 0)} %** of the connector without. The connection proof alone (keyed sends with the proof's cache warm versus the same build with the proof a no-op): **${fmt((100 * k.result.rps) / kn.result.rps, 0)} %** of the throughput (target ≥ 95 %), CPU per request ${fmt(k.cpuUs / kn.cpuUs, 2)}×.`,
      ].join('\n');
    },
  },
  {
    name: 'triggers',
    title: 'Triggers: inbound webhook acknowledgement and delivery to callbacks, SQLite and PostgreSQL',
    async run(opts) {
      const { cases, isolation } = await benchTriggers(opts);
      const dash = '–';
      const { healthy, hanging } = isolation;
      const iso = (label: string, d: typeof healthy): string =>
        `| ${label} | ${fmt(d.perSecond, 0)} (${d.delivered}/${d.sent}) | ${fmt(d.p50, 1)} | ${fmt(d.p99, 1)} |`;
      return [
        'Load: 16 concurrent keep-alive connections posting correctly signed inbound-message webhooks (X-Twilio-Signature) to `/twilio/messages/received`, 32 numbers with one subscription each; every event is committed to the outbox before the answer and delivered to a local callback receiver (204). The connector runs in its own process; 3 rounds per store after a warm-up, medians. Delivery rate: events delivered from the first webhook sent to the last event received; delivery latency: webhook sent → callback received. PostgreSQL is the embedded test cluster on 127.0.0.1 (fsync off).',
        '',
        '| case | ack req/s | ack p50 ms | ack p99 ms | requests | errors | light-load ack p50 / p99 ms | deliveries/s | delivery p50 ms | delivery p99 ms |',
        '|---|---|---|---|---|---|---|---|---|---|',
        ...cases.map(
          (c) =>
            `${row(c.label, c.ack)} ${fmt(c.light.p50, 2)} / ${fmt(c.light.p99, 2)} | ` +
            (c.delivery
              ? `${fmt(c.delivery.perSecond, 0)} (${c.delivery.delivered}/${c.delivery.sent}) | ${fmt(c.delivery.p50, 1)} | ${fmt(c.delivery.p99, 1)} |`
              : `${dash} | ${dash} | ${dash} |`),
        ),
        '',
        `Light load: ${LIGHT} webhooks in flight, after the saturating run's backlog was delivered.`,
        '',
        ...cases
          .filter((c) => c.delivery)
          .map(
            (c) =>
              `${c.label}: acknowledgement p99 **${fmt(c.light.p99, 1)} ms** under light load and **${fmt(c.ack.p99, 1)} ms** saturated (target ≤ 20 ms; baseline ${fmt(cases[0]!.light.p99, 1)} / ${fmt(cases[0]!.ack.p99, 1)} ms); **${fmt(c.delivery!.perSecond, 0)} deliveries/s**${c.label.includes('SQLite') ? ' (target ≥ 1,000)' : ''}.`,
          ),
        '',
        'Isolation (SQLite, a fresh store per case, same load, rounds alternating between the cases, medians): the events of 31 subscriptions measured while the 32nd subscription’s callback answers, and while it takes every request and never answers (each attempt ends at the 10 s deadline and is retried with backoff).',
        '',
        '| 32nd callback | deliveries/s (31 others) | delivery p50 ms | delivery p99 ms |',
        '|---|---|---|---|',
        iso('answers', healthy),
        iso('hangs', hanging),
        '',
        `With one callback hanging the others get **${fmt(hanging.perSecond / healthy.perSecond, 2)}×** the delivery rate and **${fmt(hanging.p99 / healthy.p99, 2)}×** the p99 delivery latency (target: within 10 %).`,
      ].join('\n');
    },
  },
  {
    name: 'trigger-modes',
    title: 'Triggers: received messages through Event Streams versus SmsUrl, end to end',
    async run(opts) {
      const [sms, streams] = (await benchTriggerModes(opts)) as [
        Awaited<ReturnType<typeof benchTriggerModes>>[0],
        Awaited<ReturnType<typeof benchTriggerModes>>[0],
      ];
      const line = (c: typeof sms): string =>
        `| ${c.label} | ${fmt(c.perSecond, 0)} (${c.delivered}/${c.sent}) | ${fmt(c.p50, 1)} | ${fmt(c.p99, 1)} |`;
      return [
        'One sandbox (in memory, instant lifecycle) and one connector (SQLite store) in the benchmark process; 16 phones text at once (`POST /_sandbox/inbound`), the sandbox tells the connector through the number’s SmsUrl (signed form webhook) or through the trigger’s Event Streams sink (signed CloudEvent), the connector commits each event to its outbox and delivers it to a local callback (204). Each mode has its own number and subscription; rounds alternate between the modes after a warm-up, medians. Rate: callbacks received from the first text to the last callback; latency: text sent → callback received.',
        '',
        '| mode | deliveries/s | p50 ms | p99 ms |',
        '|---|---|---|---|',
        line(sms),
        line(streams),
        '',
        `Event Streams mode: **${fmt(streams.perSecond / sms.perSecond, 2)}×** SmsUrl mode’s delivery rate (target ≥ 0.7×), p99 **${fmt(streams.p99 / sms.p99, 2)}×**.`,
      ].join('\n');
    },
  },
  {
    name: 'ui',
    title: 'Inbox: first paint and filtered search with 100,000 versus 1,000 stored messages',
    async run(opts) {
      const cases = await benchUi(opts);
      const [small, large] = cases as [(typeof cases)[0], (typeof cases)[0]];
      return [
        'Debian Chromium (headless, fresh profile per page load) via playwright-core opening the sandbox inbox on 127.0.0.1 (SQLite); store sizes alternate, medians of the rounds. "List drawn": navigation start → first conversation shown. "Search": Enter in the search box → results status shown.',
        '',
        `| stored messages | FCP ms | list drawn ms | ${SEARCHES.map((q) => `search \`${q}\` ms`).join(' | ')} |`,
        `|---|---|---|${SEARCHES.map(() => '---|').join('')}`,
        ...cases.map(
          (c) =>
            `| ${c.count.toLocaleString('en')} | ${fmt(c.fcp, 0)} | ${fmt(c.listed, 0)} | ${c.search.map((x, i) => `${fmt(x, 0)} (${c.shown[i] ?? ''})`).join(' | ')} |`,
        ),
        '',
        `With ${large.count.toLocaleString('en')} messages: FCP **${fmt(large.fcp / small.fcp, 2)}×**, list **${fmt(large.listed / small.listed, 2)}×**, search ${large.search.map((x, i) => `**${fmt(x / small.search[i]!, 2)}×**`).join(' and ')} the ${small.count.toLocaleString('en')}-message figures.`,
      ].join('\n');
    },
  },
];
