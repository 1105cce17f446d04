// Field aliases and misspelling suggestions: the pure pieces behind SendMessage's 2015 field names
// and the "did you mean" in validation messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyAliases } from '../../src/connector/routes/aliases.js';
import { SEND_MESSAGE_ALIASES } from '../../src/connector/routes/messages.js';
import { closest } from '../../src/connector/schemas/validation-messages.js';
import { preferredType } from '../../src/connector/routes/context.js';

describe('applyAliases', () => {
  it('renames aliases, keeps other fields (even __proto__) as own fields, leaves non-objects alone', () => {
    const body = JSON.parse('{"From":"+1415","To":"617","Body":"hi","__proto__":"x","track_status":false}') as unknown;
    const out = applyAliases(body, SEND_MESSAGE_ALIASES) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['from', 'to', 'body', '__proto__', 'track_status']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(out['__proto__'], 'x');
    for (const raw of [null, 'text', [1], 5]) assert.equal(applyAliases(raw, SEND_MESSAGE_ALIASES), raw);
    const plain = { from: 'a', to: 'b' };
    assert.equal(applyAliases(plain, SEND_MESSAGE_ALIASES), plain, 'nothing to rename: the same object');
  });

  it('accepts a field under both names when they agree, refuses it when they differ', () => {
    assert.deepEqual(applyAliases({ MediaUrl: ['u'], media_url: ['u'] }, SEND_MESSAGE_ALIASES), { media_url: ['u'] });
    assert.throws(
      () => applyAliases({ to: '+1', To: '+2' }, SEND_MESSAGE_ALIASES),
      (err: Error & { code?: string }) =>
        err.code === 'VALIDATION_FAILED' && err.message.includes('`to`') && err.message.includes('`To`'),
    );
  });
});

describe('closest', () => {
  const known = ['from', 'to', 'body', 'media_url', 'status_callback', 'messaging_service_sid'];
  it('prefers the same name in another case or spelling of separators, then a near typo', () => {
    assert.equal(closest('FROM', known), 'from');
    assert.equal(closest('MediaUrl', known), 'media_url');
    assert.equal(closest('Boddy', known), 'body');
    assert.equal(closest('statusCallbak', known), 'status_callback');
    assert.equal(closest('messagingServiceSid', known), 'messaging_service_sid');
  });
  it('suggests nothing for another word altogether', () => {
    assert.equal(closest('colour', known), undefined);
    assert.equal(closest('x'.repeat(100), known), undefined);
  });
});

describe('preferredType', () => {
  it('ranks by q, then by order', () => {
    assert.equal(preferredType('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'), 'text/html');
    assert.equal(preferredType('application/xml;q=0.5, application/json;q=0.4'), 'application/xml');
    assert.equal(preferredType('application/json, application/xml'), 'application/json');
    assert.equal(preferredType('Application/XML'), 'application/xml');
    assert.equal(preferredType('application/xml;q=0'), '');
    assert.equal(preferredType(''), '');
  });
});
