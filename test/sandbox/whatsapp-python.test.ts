// The 24-hour window through Twilio's Python SDK (Debian's python3-twilio), a second official
// client: a WhatsApp user who wrote gets the message, one who never wrote gets it accepted and then
// failed with 63016, and a sender the account may not use is refused with 63007 as Python reads it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';

const SCRIPT = String.raw`
import json, os, time
from twilio.rest import Client
from twilio.base.exceptions import TwilioRestException

client = Client(os.environ['ACCOUNT_SID'], os.environ['AUTH_TOKEN'])
client.api.base_url = os.environ['SANDBOX_URL']
sender = 'whatsapp:' + os.environ['NUMBER']

def out(step, **fields):
    print(json.dumps(dict(step=step, **fields)), flush=True)

def until_final(sid):
    for _ in range(400):
        m = client.messages(sid).fetch()
        if m.status in ('delivered', 'failed', 'undelivered'):
            return m
        time.sleep(0.05)
    return m

for step, user in (('wrote', os.environ['WROTE']), ('never', os.environ['NEVER'])):
    created = client.messages.create(from_=sender, to=user, body='Your table is ready')
    final = until_final(created.sid)
    out(step, created=created.status, status=final.status, code=final.error_code, price=final.price)

try:
    client.messages.create(from_='whatsapp:+15550001111', to=os.environ['WROTE'], body='hi')
    out('stranger', created=True)
except TwilioRestException as e:
    out('stranger', status=e.status, code=e.code)
`;

describe("WhatsApp's window through Twilio's Python SDK", () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
  });
  after(() => sb.close());

  it('delivers to a user who wrote, fails the other with 63016 after accepting it, refuses a stranger sender', async () => {
    const wrote = 'whatsapp:+15557000001';
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: wrote, To: `whatsapp:${sb.phoneNumber}`, Body: 'A table for two?' }),
    });
    assert.equal(res.status, 201);
    const inherited = Object.entries(process.env).filter(([k]) => !/^TWILIO_/.test(k));
    const child = spawn(PYTHON, ['-c', SCRIPT], {
      env: {
        ...Object.fromEntries(inherited),
        SANDBOX_URL: sb.url,
        ACCOUNT_SID: sb.accountSid,
        AUTH_TOKEN: sb.authToken,
        NUMBER: sb.phoneNumber,
        WROTE: wrote,
        NEVER: 'whatsapp:+15557000002',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`${PYTHON} could not run: ${err.message}`)));
      child.once('close', resolve);
    });
    assert.equal(status, 0, `the Python script failed:\n${stderr}`);
    const steps = new Map(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { step: string; [k: string]: unknown })
        .map((s) => [s.step, s]),
    );
    assert.deepEqual(steps.get('wrote'), {
      step: 'wrote',
      created: 'queued',
      status: 'delivered',
      code: null,
      price: '-0.00500',
    });
    assert.deepEqual(steps.get('never'), {
      step: 'never',
      created: 'queued',
      status: 'failed',
      code: 63016,
      price: null,
    });
    assert.deepEqual(steps.get('stranger'), { step: 'stranger', status: 400, code: 63007 });
  });
});
