// The connector with its triggers, in its own process, for the triggers benchmark: a store (SQLite
// under DATA_DIR, or PostgreSQL at DATABASE_URL), one received-message subscription per number in
// NUMBERS posting to CALLBACK_URL, and the delivery worker running. Subscriptions are written to the
// store directly: creating them through the API would also rewrite the numbers' SmsUrl upstream,
// which this benchmark does not exercise. With HANG_URL, the first number's subscription posts there
// instead (a callback that never answers).
import { randomBytes, randomUUID } from 'node:crypto';
import { buildConnector } from '../../src/connector/app.js';
import { authenticate } from '../../src/connector/auth.js';
import { connectorConfig } from '../../src/connector/config.js';
import { secretBox, triggersPlugin } from '../../src/connector/triggers/index.js';
import { openStore } from '../../src/store/index.js';
import { announce } from './child.js';

const env = (name: string): string => process.env[name] ?? '';
const accountSid = env('ACCOUNT_SID');
const key = randomBytes(32);
const store = await openStore({ dataDir: env('DATA_DIR'), databaseUrl: env('DATABASE_URL'), secretKey: key });
const credentials = secretBox(key).seal(
  JSON.stringify({ accountSid, username: accountSid, password: env('AUTH_TOKEN') }),
);
// what subscribing through the API records: the account's credential, which checks the webhooks' signatures
await store.setAccountCredential(accountSid, credentials, Date.now());
for (const [i, phone] of env('NUMBERS').split(',').entries()) {
  await store.createSubscription({
    id: randomUUID(),
    kind: 'received',
    account_sid: accountSid,
    callback_url: i === 0 && env('HANG_URL') !== '' ? env('HANG_URL') : env('CALLBACK_URL'),
    phone_number: phone,
    number_sid: `PN${i.toString(16).padStart(32, '0')}`,
    auto_reply: null,
    statuses: null,
    credentials,
    created_at: Date.now(),
  });
}
const config = connectorConfig({ throttleLimit: 0, logLevel: 'silent' });
const app = buildConnector(config, {
  store,
  upstreamUrl: 'http://127.0.0.1:9',
  plugins: [
    triggersPlugin({
      store,
      authenticate: (request) => authenticate(config, request),
      upstreamUrl: 'http://127.0.0.1:9',
      secretKey: key,
    }),
  ],
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
announce(address, async () => {
  await app.close();
  await store.close();
});
