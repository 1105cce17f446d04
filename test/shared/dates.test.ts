// Twilio's RFC 2822 dates, including the remembered last second: a date in another second, or
// earlier in time, must never come back with the text of the one before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rfc2822, rfc2822OrNull } from '../../src/shared/dates.js';

describe('rfc2822', () => {
  it('formats GMT with a literal +0000, to the second', () => {
    assert.equal(rfc2822(Date.UTC(2023, 7, 24, 5, 1, 45, 999)), 'Thu, 24 Aug 2023 05:01:45 +0000');
    assert.equal(rfc2822(Date.UTC(2023, 7, 24, 5, 1, 45, 0)), 'Thu, 24 Aug 2023 05:01:45 +0000');
    assert.equal(rfc2822(Date.UTC(2023, 7, 24, 5, 1, 46, 0)), 'Thu, 24 Aug 2023 05:01:46 +0000');
    assert.equal(rfc2822(Date.UTC(2023, 7, 24, 5, 1, 45, 1)), 'Thu, 24 Aug 2023 05:01:45 +0000');
    assert.equal(rfc2822(Date.UTC(1999, 11, 31, 23, 59, 59)), 'Fri, 31 Dec 1999 23:59:59 +0000');
    assert.equal(rfc2822(0), 'Thu, 01 Jan 1970 00:00:00 +0000');
    assert.equal(rfc2822(-1), 'Wed, 31 Dec 1969 23:59:59 +0000');
    assert.equal(rfc2822OrNull(null), null);
  });

  it('agrees with Date for a run of instants across seconds, days and years', () => {
    const start = Date.UTC(2024, 11, 31, 23, 59, 58, 500);
    for (let ms = start; ms < start + 4000; ms += 250) {
      const expected = new Date(ms).toUTCString().replace('GMT', '+0000');
      assert.equal(rfc2822(ms), expected, String(ms));
    }
  });
});
