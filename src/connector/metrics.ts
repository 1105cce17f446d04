// Prometheus metrics in the text exposition format, without a client library: request counts and
// latency by operation and status, and upstream failures by kind.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly upstreamErrors = new Map<string, number>();
  private readonly started = Date.now();

  observeRequest(operation: string, status: number, seconds: number): void {
    const key = `operation="${label(operation)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(key);
    if (!h) this.latency.set(key, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  observeUpstreamError(operation: string, kind: string): void {
    const key = `operation="${label(operation)}",kind="${label(kind)}"`;
    this.upstreamErrors.set(key, (this.upstreamErrors.get(key) ?? 0) + 1);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP connector_requests_total Requests answered, by operation and HTTP status.');
    out.push('# TYPE connector_requests_total counter');
    for (const [k, v] of this.requests) out.push(`connector_requests_total{${k}} ${v}`);
    out.push('# HELP connector_request_duration_seconds Time to answer a request, by operation and HTTP status.');
    out.push('# TYPE connector_request_duration_seconds histogram');
    for (const [k, h] of this.latency) {
      BUCKETS.forEach((b, i) => out.push(`connector_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`));
      out.push(`connector_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      out.push(`connector_request_duration_seconds_sum{${k}} ${h.sum}`);
      out.push(`connector_request_duration_seconds_count{${k}} ${h.count}`);
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
