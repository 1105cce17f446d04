import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import twilio from 'twilio';
import { signingPayload, twilioSignature } from '../../src/sandbox/webhooks/signature.js';
import { requestUrl } from '../../src/sandbox/webhooks/outbox.js';

describe('X-Twilio-Signature', () => {
  it('matches the published form-parameter test vector', () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    assert.equal(twilioSignature('12345', url, params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('matches the published JSON-body test vector (URL with bodySHA256, no parameters)', () => {
    const body = '{"property": "value", "boolean": true}';
    const hash = createHash('sha256').update(body).digest('hex');
    assert.equal(hash, '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620');
    const url = `https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=${hash}`;
    assert.equal(twilioSignature('12345', url), 'a9nBmqA0ju/hNViExpshrM61xv4=');
  });

  it('is accepted by the official SDK validator for POST parameters, including unicode and repeats', () => {
    const token = 'f00dfeedf00dfeedf00dfeedf00dfeed';
    const url = 'http://127.0.0.1:3000/sms?x=1';
    const params = { Body: 'Héllo 👍 & bye', From: '+15551230000', MediaUrl0: 'https://a/b.png', aLower: 'z' };
    const sig = twilioSignature(token, url, params);
    assert.equal(twilio.validateRequest(token, sig, url, params), true);
    assert.equal(sig, twilio.getExpectedTwilioSignature(token, url, params));
    assert.equal(twilio.validateRequest('another-token-000', sig, url, params), false);
    assert.equal(twilio.validateRequest(token, sig, url, { ...params, Body: 'tampered' }), false);
    const repeated = { MediaUrl: ['b', 'a', 'b'] };
    assert.equal(twilioSignature(token, url, repeated), twilio.getExpectedTwilioSignature(token, url, repeated));
  });

  it('sorts names by code unit, uppercase before lowercase', () => {
    assert.equal(signingPayload('u', { b: '2', B: '1', a: '0' }), 'uB1a0b2');
  });

  it('signs GET webhooks over the URL with the parameters in its query string', () => {
    const token = 'f00dfeedf00dfeedf00dfeedf00dfeed';
    const params = { From: '+15551230000', Body: 'a b&c' };
    const url = requestUrl('http://localhost:8080/hook?k=v', 'GET', params);
    assert.equal(url, 'http://localhost:8080/hook?k=v&From=%2B15551230000&Body=a+b%26c');
    assert.equal(twilio.validateRequest(token, twilioSignature(token, url), url, {}), true);
  });
});
