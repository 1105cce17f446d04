import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as entry from '../src/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  main: string;
  exports: Record<string, string>;
};

describe('package entry', () => {
  it('exports each part under its own name', () => {
    assert.equal(typeof entry.twilio.TwilioClient, 'function');
    assert.equal(typeof entry.connector.buildConnector, 'function');
    assert.equal(typeof entry.sandbox.buildSandbox, 'function');
    assert.equal(typeof entry.sandbox.sandboxConfig, 'function');
  });

  it('publishes an entry for every part, each compiled from a source that exists', async () => {
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './connector', './sandbox', './twilio']);
    for (const target of [pkg.main, ...Object.values(pkg.exports)]) {
      const source = target.replace(/^\.\/dist\//, '../src/').replace(/^dist\//, '../src/');
      const mod = (await import(source)) as Record<string, unknown>;
      assert.ok(Object.keys(mod).length > 0, `${target} exports nothing`);
    }
  });
});
