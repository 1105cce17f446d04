// Twilio's Python SDK (Debian's python3-twilio) against the sandbox: a second official client, which
// puts Python's `True`/`False` on the wire and reads errors its own way. scripts/test.mjs installs
// the package when it is missing; without it this test fails rather than being skipped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';

// Reads its target from the environment and prints one JSON line per step, so each assertion below
// names what the SDK saw.
const SCRIPT = String.raw`
import json, os, sys
from datetime import datetime, timedelta, timezone
from twilio.rest import Client
from twilio.base.exceptions import TwilioRestException

url, number, pool = os.environ['SANDBOX_URL'], os.environ['NUMBER'], os.environ['POOL']
client = Client(os.environ['ACCOUNT_SID'], os.environ['AUTH_TOKEN'])
client.api.base_url = url
client.messaging.base_url = url

def out(step, **fields):
    print(json.dumps(dict(step=step, **fields)), flush=True)

def refused(step, call):
    try:
        call()
        out(step, created=True)
    except TwilioRestException as e:
        out(step, status=e.status, code=e.code, message=e.msg)

refused('same', lambda: client.messages.create(from_=number, to=number, body='to myself'))
refused('short', lambda: client.messages.create(from_=number, to='+1555', body='hi'))

service = client.messaging.services.create(friendly_name='From Python', sticky_sender=False, smart_encoding=True)
out('created', sticky_sender=service.sticky_sender, smart_encoding=service.smart_encoding)
service = client.messaging.services(service.sid).update(sticky_sender=True, smart_encoding=False)
out('updated', sticky_sender=service.sticky_sender, smart_encoding=service.smart_encoding)

client.messaging.services(service.sid).phone_numbers.create(phone_number_sid=os.environ['POOL_SID'])
send_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
scheduled = client.messages.create(to='+15558675310', messaging_service_sid=service.sid, body='later',
                                   schedule_type='fixed', send_at=send_at)
direct = client.messages.create(from_=pool, to='+15558675310', body='now')
listed = client.messages.list(from_=pool)
out('listed', scheduled=scheduled.sid, scheduled_from=scheduled.from_, direct=direct.sid,
    sids=[m.sid for m in listed])
`;

interface Step {
  step: string;
  [field: string]: unknown;
}

describe("sandbox through Twilio's Python SDK", () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
  });
  after(() => sb.close());

  it('refuses what Twilio refuses, reads Python booleans, and keeps hidden senders out of From filters', async () => {
    const pool = '+14155550173';
    const pn = insertNumber(sb.sandbox.ctx.db, { accountSid: sb.accountSid, phoneNumber: pool, now: Date.now() });
    const inherited = Object.entries(process.env).filter(([k]) => !/^TWILIO_/.test(k));
    // asynchronously: the sandbox answering the script runs in this process
    const child = spawn(PYTHON, ['-c', SCRIPT], {
      env: {
        ...Object.fromEntries(inherited),
        SANDBOX_URL: sb.url,
        ACCOUNT_SID: sb.accountSid,
        AUTH_TOKEN: sb.authToken,
        NUMBER: sb.phoneNumber,
        POOL: pool,
        POOL_SID: pn.sid,
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
    const steps = new Map<string, Step>();
    for (const line of stdout.trim().split('\n')) {
      const step = JSON.parse(line) as Step;
      steps.set(step.step, step);
    }
    assert.deepEqual(steps.get('same'), {
      step: 'same',
      status: 400,
      code: 21266,
      // the SDK puts its own prefix before Twilio's message
      message: "Unable to create record: 'To' and 'From' number cannot be the same",
    });
    assert.equal(steps.get('short')?.['code'], 21211);
    assert.equal(steps.get('short')?.['status'], 400);
    assert.deepEqual(steps.get('created'), { step: 'created', sticky_sender: false, smart_encoding: true });
    assert.deepEqual(steps.get('updated'), { step: 'updated', sticky_sender: true, smart_encoding: false });
    const listed = steps.get('listed')!;
    assert.equal(listed['scheduled_from'], null);
    assert.deepEqual(listed['sids'], [listed['direct']]);
  });
});
