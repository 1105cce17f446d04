import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countSegments, smartEncode } from '../../src/sandbox/messaging/segments.js';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Published vectors (facts §7.5): body, encoding, units, segments.
const VECTORS: [string, string, 'GSM-7' | 'UCS-2', number, number][] = [
  ['160 × a', 'a'.repeat(160), 'GSM-7', 160, 1],
  ['161 × a', 'a'.repeat(161), 'GSM-7', 161, 2],
  ['306 × a', 'a'.repeat(306), 'GSM-7', 306, 2],
  ['307 × a', 'a'.repeat(307), 'GSM-7', 307, 3],
  ['80 × €', '€'.repeat(80), 'GSM-7', 160, 1],
  ['81 × €', '€'.repeat(81), 'GSM-7', 162, 2],
  ['70 × 中', '中'.repeat(70), 'UCS-2', 70, 1],
  ['71 × 中', '中'.repeat(71), 'UCS-2', 71, 2],
  ['134 × 中', '中'.repeat(134), 'UCS-2', 134, 2],
  ['135 × 中', '中'.repeat(135), 'UCS-2', 135, 3],
  ['35 × 😀', '😀'.repeat(35), 'UCS-2', 70, 1],
  ['36 × 😀', '😀'.repeat(36), 'UCS-2', 72, 2],
  ['Hello! 👍', 'Hello! 👍', 'UCS-2', 9, 1],
  ['159 × a + backtick', `${'a'.repeat(159)}\``, 'UCS-2', 160, 3],
];

describe('SMS segment counting', () => {
  for (const [name, body, encoding, units, segments] of VECTORS) {
    it(`counts ${name}: ${encoding}, ${units} units, ${segments} segment(s)`, () => {
      assert.deepEqual(countSegments(body), { encoding, units, segments });
    });
  }

  it('never splits an escape pair across parts', () => {
    assert.deepEqual(countSegments(`${'a'.repeat(152)}€`), { encoding: 'GSM-7', units: 154, segments: 1 });
    // 306 septets fit two parts of 153, but the € would straddle them: part one closes at 152.
    assert.equal(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments, 3);
    assert.equal(countSegments('a'.repeat(306)).segments, 2);
  });

  it('never splits a surrogate pair: after 66 units an emoji moves to the next part', () => {
    assert.equal(countSegments(`${'中'.repeat(66)}😀${'中'.repeat(66)}`).segments, 3);
    assert.equal(countSegments(`${'中'.repeat(67)}${'中'.repeat(67)}`).segments, 2);
  });

  it('treats the GSM basic table, the extension table and everything else correctly', () => {
    assert.equal(
      countSegments('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà').encoding,
      'GSM-7',
    );
    assert.equal(countSegments('^{}\\[~]|€\f').units, 20);
    for (const ch of ['`', 'ç', 'á', 'í', 'ó', 'ú', 'ê', '\t', '\u201c', '\u2014']) {
      assert.equal(countSegments(`abc${ch}`).encoding, 'UCS-2', JSON.stringify(ch));
    }
  });

  it('smart-encodes look-alikes into GSM-7 and leaves the rest alone', () => {
    assert.equal(smartEncode('\u201cQuote\u201d \u2018x\u2019 \u2013 \u2014 \u2026 \u2022'), '"Quote" \'x\' - - ... -');
    assert.equal(smartEncode('a\u00a0b\u200bc\uff21\uff5e'), 'a bcA~');
    assert.equal(smartEncode('中 😀'), '中 😀');
    assert.equal(countSegments(smartEncode('It\u2019s \u201cfine\u201d')).encoding, 'GSM-7');
  });

  describe('as the API reports it', () => {
    let sb: TestSandbox;
    before(async () => {
      sb = await startSandbox({ statusDelay: 3_600_000 });
    });
    after(() => sb.close());

    it('returns num_segments and stores the encoding for every vector', async () => {
      for (const [name, body, encoding, , segments] of VECTORS) {
        const m = await sb.client.messages.create({ to: '+15558675310', from: sb.phoneNumber, body });
        assert.equal(m.numSegments, String(segments), name);
        assert.equal(getMessageBySid(sb.sandbox.ctx.db, m.sid)!.encoding, encoding, name);
      }
    });

    it('counts a message with media as one MMS segment', async () => {
      const m = await sb.client.messages.create({
        to: '+15558675310',
        from: sb.phoneNumber,
        body: 'a'.repeat(400),
        mediaUrl: ['https://example.com/a.png'],
      });
      assert.equal(m.numSegments, '1');
    });
  });
});
