// Template placeholders and the bounds on template definitions: the parts of a template an account
// holder controls, checked for cost as well as meaning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContentDefinition } from '../../src/sandbox/content/definition.js';
import { render } from '../../src/sandbox/content/render.js';
import { placeholderProblem } from '../../src/sandbox/content/review.js';
import { TwilioRestError } from '../../src/sandbox/twilio-wire/errors.js';

describe('template placeholders', () => {
  it('fills {{key}} and {{ key }} alike, with values before defaults', () => {
    const out = render(
      { 'twilio/text': { body: 'Hi {{1}}, order {{ order_id }} ships {{ 2}}.' } },
      { 2: 'today', order_id: 'sample' },
      { 1: 'Ada', order_id: 'A-42' },
      'sms',
    );
    assert.equal(out.body, 'Hi Ada, order A-42 ships today.');
  });

  // An unclosed `{{` followed by a long run of spaces once cost time cubic in its length: a
  // quarter of a million characters would have run for days. Linear matching ends at once.
  it('reads an unclosed placeholder followed by a long run of spaces in linear time', () => {
    const hostile = `Hi {{${' '.repeat(250_000)}x`;
    const out = render({ 'twilio/text': { body: hostile } }, {}, {}, 'sms');
    assert.equal(out.body, hostile);
    assert.match(placeholderProblem({ 'twilio/text': { body: `${hostile} {{1}}` } }, {}) ?? '', /at the end/);
  });
});

describe('template definition bounds', () => {
  const refused = (types: unknown, pattern: RegExp): void =>
    assert.throws(
      () => parseContentDefinition({ language: 'en', types }),
      (err: unknown) => err instanceof TwilioRestError && err.status === 400 && pattern.test(err.message),
    );

  it('bounds the strings the per-type rules do not name: media URLs, action fields, list items', () => {
    const long = `https://example.com/${'a'.repeat(2100)}`;
    refused({ 'twilio/media': { media: [long] } }, /twilio\/media\.media\[0\] must be at most 2048 characters/);
    refused(
      { 'twilio/call-to-action': { actions: [{ type: 'URL', title: 'Go', url: long }] } },
      /actions\[0\]\.url must be at most 2048/,
    );
    refused(
      { 'twilio/list-picker': { body: 'b', button: 'Pick', items: [{ id: 'x', item: 'y', description: long }] } },
      /items\[0\]\.description must be at most 2048/,
    );
    // a type kept as given is bounded too
    refused({ 'twilio/carousel': { cards: Array.from({ length: 101 }, () => ({})) } }, /at most 100 entries/);
    let deep: unknown = 'x';
    for (let i = 0; i < 10; i++) deep = { nested: deep };
    refused({ 'twilio/catalog': deep }, /nested too deeply/);
  });

  it('accepts a template at the bounds', () => {
    const url = `https://example.com/${'a'.repeat(2048 - 20)}`;
    assert.equal(url.length, 2048);
    const def = parseContentDefinition({ language: 'en', types: { 'twilio/media': { media: [url] } } });
    assert.deepEqual(def.types['twilio/media'], { media: [url] });
  });
});
