import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import twilio from 'twilio';
import { computeSignature, validateSignature, validateSignatureWithBody } from '../../src/twilio/index.js';

// Twilio's published vectors (reference facts §5, also twilio-node's own spec)
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

describe('webhook signatures', () => {
  it('matches the published form-parameter vector', () => {
    assert.equal(computeSignature(TOKEN, URL_, PARAMS), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    assert.equal(validateSignature(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', URL_, PARAMS), true);
  });

  it('matches the published JSON-body vector and checks the body hash', () => {
    const url = `${URL_}&bodySHA256=${BODY_HASH}`;
    assert.equal(createHash('sha256').update(BODY).digest('hex'), BODY_HASH);
    assert.equal(computeSignature(TOKEN, url, {}), 'a9nBmqA0ju/hNViExpshrM61xv4=');
    assert.equal(validateSignatureWithBody(TOKEN, 'a9nBmqA0ju/hNViExpshrM61xv4=', url, BODY), true);
    assert.equal(validateSignatureWithBody(TOKEN, 'a9nBmqA0ju/hNViExpshrM61xv4=', url, `${BODY} `), false);
    assert.equal(validateSignatureWithBody(TOKEN, 'a9nBmqA0ju/hNViExpshrM61xv4=', URL_, BODY), false);
    assert.equal(validateSignatureWithBody(TOKEN, 'a9nBmqA0ju/hNViExpshrM61xv4=', 'not a url', BODY), false);
  });

  it('agrees with the SDK on random parameters, arrays, unicode and key order', () => {
    for (let i = 0; i < 200; i++) {
      const token = randomBytes(16).toString('hex');
      const params: Record<string, string | string[]> = {};
      const n = i % 6;
      for (let k = 0; k < n; k++) {
        const key = ['Body', 'body', 'MediaUrl0', 'To', 'From', 'ä', 'Z'][(i + k) % 7]!;
        params[key] =
          k % 3 === 0 ? [`b${i}`, `a${k}`, `b${i}`, 'é👍'] : `${randomBytes(4).toString('base64')} &=+%${k}`;
      }
      const url = `https://example.com:${8000 + i}/hook?x=${i}&y=a%20b`;
      const expected = twilio.getExpectedTwilioSignature(token, url, params);
      assert.equal(computeSignature(token, url, params), expected);
      assert.equal(
        validateSignature(token, expected, url, params),
        twilio.validateRequest(token, expected, url, params),
      );
      assert.equal(validateSignature(token, expected, url, params), true);
    }
  });

  it('tolerates the port variants Twilio produces, as the SDK does', () => {
    const params = { Body: 'hi', From: '+15005550006' };
    const cases: [signedUrl: string, receivedUrl: string][] = [
      ['https://example.com/sms', 'https://example.com:443/sms'],
      ['https://example.com:443/sms', 'https://example.com/sms'],
      ['https://example.com/sms', 'https://example.com:8443/sms'],
      ['http://127.0.0.1:4300/twilio/sms?x=1', 'http://127.0.0.1:4300/twilio/sms?x=1'],
      ["https://example.com/sms?name=O'Brien", 'https://example.com/sms?name=O%27Brien'],
    ];
    for (const [signed, received] of cases) {
      const sig = computeSignature(TOKEN, signed, params);
      assert.equal(validateSignature(TOKEN, sig, received, params), true, `${signed} vs ${received}`);
      assert.equal(twilio.validateRequest(TOKEN, sig, received, params), true, `SDK: ${signed} vs ${received}`);
    }
  });

  it('rejects wrong tokens, tampered parameters, other paths and empty or garbage signatures', () => {
    const sig = computeSignature(TOKEN, URL_, PARAMS);
    assert.equal(validateSignature('54321', sig, URL_, PARAMS), false);
    assert.equal(validateSignature(TOKEN, sig, URL_, { ...PARAMS, Digits: '1235' }), false);
    assert.equal(validateSignature(TOKEN, sig, URL_.replace('myapp', 'other'), PARAMS), false);
    assert.equal(validateSignature(TOKEN, '', URL_, PARAMS), false);
    assert.equal(validateSignature(TOKEN, 'x'.repeat(1000), URL_, PARAMS), false);
    assert.equal(validateSignature(TOKEN, sig, '::not a url::', PARAMS), false);
    assert.equal(validateSignature('', sig, URL_, PARAMS), false);
  });
});
