// The /metrics exposition: cumulative histogram buckets and counts by operation and status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '../../src/connector/metrics.js';

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('connector metrics', () => {
  it('renders cumulative latency buckets per operation and status', () => {
    const m = new Metrics();
    m.observeRequest('SendMessage', 200, 0.003);
    m.observeRequest('SendMessage', 200, 0.02);
    m.observeRequest('SendMessage', 200, 45);
    m.observeRequest('SendMessage', 400, 0.001);
    m.observeRequest('Get"Odd\\', 200, 0.5);
    const text = m.render();
    const ok = 'operation="SendMessage",status="200"';
    assert.equal(value(text, `connector_requests_total{${ok}}`), 3);
    assert.equal(value(text, `connector_requests_total{operation="SendMessage",status="400"}`), 1);
    assert.equal(value(text, `connector_request_duration_seconds_bucket{${ok},le="0.005"}`), 1);
    assert.equal(value(text, `connector_request_duration_seconds_bucket{${ok},le="0.01"}`), 1);
    assert.equal(value(text, `connector_request_duration_seconds_bucket{${ok},le="0.025"}`), 2);
    assert.equal(value(text, `connector_request_duration_seconds_bucket{${ok},le="30"}`), 2);
    assert.equal(value(text, `connector_request_duration_seconds_bucket{${ok},le="+Inf"}`), 3);
    assert.equal(value(text, `connector_request_duration_seconds_count{${ok}}`), 3);
    assert.equal(value(text, `connector_request_duration_seconds_sum{${ok}}`), 0.003 + 0.02 + 45);
    // label values are escaped
    assert.equal(value(text, 'connector_requests_total{operation="Get\\"Odd\\\\",status="200"}'), 1);
  });

  it('counts upstream failures by kind', () => {
    const m = new Metrics();
    m.observeUpstreamError('SendMessage', 'UPSTREAM_TIMEOUT');
    m.observeUpstreamError('SendMessage', 'UPSTREAM_TIMEOUT');
    const text = m.render();
    assert.equal(value(text, 'connector_upstream_errors_total{operation="SendMessage",kind="UPSTREAM_TIMEOUT"}'), 2);
  });
});
