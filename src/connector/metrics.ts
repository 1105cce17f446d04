// Prometheus metrics in the text exposition format, without a client library: request counts and
// latency by operation and status, and upstream failures by kind.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** One operation and status: its requests and their latency histogram. */
interface Series {
  labels: string;
  /** per bucket, the requests that fell into it and no smaller one; cumulated when rendered */
  counts: number[];
  sum: number;
  count: number;
}

const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  /** by operation, then status: recording a request costs two map lookups and no string building */
  private readonly series = new Map<string, Map<number, Series>>();
  private readonly upstreamErrors = new Map<string, number>();
  private readonly started = Date.now();

  observeRequest(operation: string, status: number, seconds: number): void {
    let byStatus = this.series.get(operation);
    if (!byStatus) this.series.set(operation, (byStatus = new Map<number, Series>()));
    let s = byStatus.get(status);
    if (!s) {
      s = {
        labels: `operation="${label(operation)}",status="${status}"`,
        counts: BUCKETS.map(() => 0),
        sum: 0,
        count: 0,
      };
      byStatus.set(status, s);
    }
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    if (i < BUCKETS.length) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  observeUpstreamError(operation: string, kind: string): void {
    const key = `operation="${label(operation)}",kind="${label(kind)}"`;
    this.upstreamErrors.set(key, (this.upstreamErrors.get(key) ?? 0) + 1);
  }

  render(): string {
    const all = [...this.series.values()].flatMap((byStatus) => [...byStatus.values()]);
    const out: string[] = [];
    out.push('# HELP connector_requests_total Requests answered, by operation and HTTP status.');
    out.push('# TYPE connector_requests_total counter');
    for (const s of all) out.push(`connector_requests_total{${s.labels}} ${s.count}`);
    out.push('# HELP connector_request_duration_seconds Time to answer a request, by operation and HTTP status.');
    out.push('# TYPE connector_request_duration_seconds histogram');
    for (const s of all) {
      let cumulative = 0;
      BUCKETS.forEach((b, i) => {
        cumulative += s.counts[i]!;
        out.push(`connector_request_duration_seconds_bucket{${s.labels},le="${b}"} ${cumulative}`);
      });
      out.push(`connector_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      out.push(`connector_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      out.push(`connector_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    out.push('# HELP connector_upstream_errors_total Failed calls to Twilio, by operation and kind.');
    out.push('# TYPE connector_upstream_errors_total counter');
    for (const [k, v] of this.upstreamErrors) out.push(`connector_upstream_errors_total{${k}} ${v}`);
    out.push('# HELP connector_uptime_seconds Seconds since the connector started.');
    out.push('# TYPE connector_uptime_seconds gauge');
    out.push(`connector_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    return `${out.join('\n')}\n`;
  }
}
