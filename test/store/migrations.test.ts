import assert from 'node:assert/strict';
import { it } from 'node:test';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../src/store/migrations.js';
import { eachBackend } from './backends.js';

eachBackend('store migrations', (b) => {
  it('records every version once and keeps data when opened again, also by several instances at once', async () => {
    await b.store.claimIdempotencyKey('ACm', 'kept', 'h', 60_000);
    const again = await Promise.all([b.open(), b.open(), b.open()]);
    for (const s of again) assert.equal((await s.claimIdempotencyKey('ACm', 'kept', 'h', 60_000)).state, 'in-flight');
    assert.equal(SQLITE_MIGRATIONS.length, POSTGRES_MIGRATIONS.length, 'both dialects at the same version');
  });
});
