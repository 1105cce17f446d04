import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openForward, sealForward } from '../../src/connector/triggers/forward-token.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const CALLBACK = 'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG123';

/** every reading of a token an onlooker could try: as text, and each part base64url-decoded */
function readings(token: string): string[] {
  return [token, ...token.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'))];
}

describe('forward tokens', () => {
  it('round-trips the caller’s URL for the account it was minted for', () => {
    const key = randomBytes(32);
    assert.equal(openForward(key, ACCOUNT, sealForward(key, ACCOUNT, CALLBACK)), CALLBACK);
  });

  it('does not reveal the URL or its secret to whoever sees the token', () => {
    const key = randomBytes(32);
    const token = sealForward(key, ACCOUNT, CALLBACK);
    for (const text of readings(token)) {
      assert.ok(!text.includes('SECRETSIG123'), 'the sig= secret is not readable');
      assert.ok(!text.includes('logic.azure.com'), 'the host is not readable');
    }
    assert.notEqual(sealForward(key, ACCOUNT, CALLBACK), token, 'two tokens for one URL differ');
  });

  it('opens for nobody else: another account, another store, an altered or foreign token', () => {
    const key = randomBytes(32);
    const token = sealForward(key, ACCOUNT, CALLBACK);
    assert.equal(openForward(key, `AC${'b'.repeat(32)}`, token), undefined, 'another account');
    assert.equal(openForward(randomBytes(32), ACCOUNT, token), undefined, 'another store');
    const body = Buffer.from(token.slice(3), 'base64url');
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 1;
    assert.equal(openForward(key, ACCOUNT, `f1.${body.toString('base64url')}`), undefined, 'altered');
    for (const foreign of [
      '',
      'f1.',
      'f1.AAAA',
      CALLBACK,
      `${Buffer.from(CALLBACK).toString('base64url')}.${'A'.repeat(32)}`,
    ]) {
      assert.equal(openForward(key, ACCOUNT, foreign), undefined, foreign);
    }
    assert.equal(openForward(key, ACCOUNT, `f1.${'A'.repeat(5000)}`), undefined, 'oversized');
  });

  it('names only http(s) destinations', () => {
    const key = randomBytes(32);
    assert.equal(openForward(key, ACCOUNT, sealForward(key, ACCOUNT, 'file:///etc/passwd')), undefined);
  });
});
