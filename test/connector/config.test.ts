import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConnectorConfig } from '../../src/connector/config.js';
import { ConfigError } from '../../src/shared/errors.js';

const SID = `AC${'1'.repeat(32)}`;

function problems(argv: string[], env: Record<string, string> = {}): string[] {
  try {
    resolveConnectorConfig({ argv, env });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  return [];
}

describe('connector configuration', () => {
  it('has the documented defaults', () => {
    const { config } = resolveConnectorConfig({ argv: [], env: {} });
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 4300);
    assert.equal(config.sandboxPort, 4310);
    assert.equal(config.dataDir, '.twilio-connector');
    assert.equal(config.throttleLimit, 100);
    assert.equal(config.throttleWindow, 60);
    assert.ok(Object.isFrozen(config));
  });

  it('leaves private callbacks to the listening address unless told, as a switch or a variable', () => {
    const allow = (argv: string[], env: Record<string, string> = {}): boolean | undefined =>
      resolveConnectorConfig({ argv, env }).config.allowPrivateCallbacks;
    assert.equal(allow([]), undefined);
    assert.equal(allow(['--allow-private-callbacks']), true);
    assert.equal(allow(['--no-allow-private-callbacks'], { CONNECTOR_ALLOW_PRIVATE_CALLBACKS: 'true' }), false);
    assert.equal(allow([], { CONNECTOR_ALLOW_PRIVATE_CALLBACKS: 'false' }), false);
    assert.match(problems([], { CONNECTOR_ALLOW_PRIVATE_CALLBACKS: 'maybe' }).join('\n'), /true or false/);
  });

  it('prefers flags over the environment', () => {
    const { config } = resolveConnectorConfig({
      argv: ['--port', '5000'],
      env: { CONNECTOR_PORT: '6000', DATABASE_URL: 'postgres://u@h/db' },
    });
    assert.equal(config.port, 5000);
    assert.equal(config.databaseUrl, 'postgres://u@h/db');
  });

  it('reports every bad value at once, without echoing secrets', () => {
    const found = problems(['--port', 'http', '--throttle-limit=-1', '--bogus'], {
      CONNECTOR_SECRET_KEY: 'abc',
      TWILIO_AUTH_TOKEN: 'has space in it',
    });
    assert.equal(found.length, 7, found.join('\n'));
    assert.ok(found.some((p) => p.includes('--bogus')));
    // the cross-option rules are judged too: a token without account SID, credentials without --api-key
    assert.ok(found.some((p) => p.includes('needs TWILIO_ACCOUNT_SID')));
    assert.ok(!found.join(' ').includes('has space in it'));
  });

  it('allows server-side credentials only behind an API key', () => {
    const without = problems([], { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token1234' });
    assert.equal(without.length, 1);
    assert.match(without[0]!, /--api-key/);
    assert.deepEqual(
      problems([], { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token1234', CONNECTOR_API_KEY: 'x'.repeat(20) }),
      [],
    );
    assert.ok(
      problems([], { TWILIO_AUTH_TOKEN: 'token1234', CONNECTOR_API_KEY: 'x'.repeat(20) }).some((p) =>
        /TWILIO_ACCOUNT_SID/.test(p),
      ),
    );
    assert.ok(
      problems([], {
        TWILIO_API_KEY: `SK${'2'.repeat(32)}`,
        TWILIO_ACCOUNT_SID: SID,
        CONNECTOR_API_KEY: 'x'.repeat(20),
      }).some((p) => /TWILIO_API_SECRET/.test(p)),
    );
  });
});
