import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MESSAGE_STATUSES, type MessageStatus } from '../../src/shared/wire/message.js';
import { decodeFate, type Fate } from '../../src/sandbox/lifecycle/fate.js';
import {
  canFollow,
  enter,
  firstNext,
  STEPS,
  type StepInputs,
  type StepState,
} from '../../src/sandbox/lifecycle/transitions.js';

const NOW = 1_700_000_000_000;

function start(status: MessageStatus, fate: string | null = null): StepState {
  return {
    status,
    next_status: null,
    fate,
    date_sent: null,
    price: null,
    error_code: null,
    error_message: null,
  };
}

function inputs(decided: Fate = { status: 'delivered' }, refused?: Fate): StepInputs & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    now: NOW,
    decide: () => {
      asked.push('decide');
      return decided;
    },
    outcome: decodeFate,
    price: () => {
      asked.push('price');
      return '-0.00790';
    },
    refusal: () => {
      asked.push('refusal');
      return refused;
    },
  };
}

/** Runs the lifecycle from `status` to its end, one step at a time, as the engine does. */
function run(
  status: MessageStatus,
  decided: Fate,
  refused?: Fate,
): { path: string[]; end: StepState; asked: string[] } {
  const given = inputs(decided, refused);
  let state: StepState = { ...start(status), next_status: firstNext(status as 'queued') };
  const path: string[] = [status];
  while (state.next_status !== null) {
    const next = enter(state, state.next_status, given);
    assert.ok(next, `${state.next_status} after ${state.status}`);
    state = next;
    path.push(state.status);
  }
  return { path, end: state, asked: given.asked };
}

describe('lifecycle transitions', () => {
  const WINDOW = {
    status: 'failed',
    code: 63016,
    message:
      'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
  } as const satisfies Fate;
  const cases: {
    name: string;
    from: MessageStatus;
    fate: Fate;
    refused?: Fate;
    path: string[];
    end: Partial<StepState>;
  }[] = [
    {
      name: 'a queued message is delivered',
      from: 'queued',
      fate: { status: 'delivered' },
      path: ['queued', 'sending', 'sent', 'delivered'],
      end: { fate: 'delivered', date_sent: NOW, price: '-0.00790', error_code: null, error_message: null },
    },
    {
      name: 'an accepted message is queued first',
      from: 'accepted',
      fate: { status: 'delivered' },
      path: ['accepted', 'queued', 'sending', 'sent', 'delivered'],
      end: { fate: 'delivered', date_sent: NOW },
    },
    {
      name: 'a scheduled message is queued at its time',
      from: 'scheduled',
      fate: { status: 'delivered' },
      path: ['scheduled', 'queued', 'sending', 'sent', 'delivered'],
      end: { fate: 'delivered' },
    },
    {
      name: 'an undelivered message is sent, billed, then ends with its error',
      from: 'queued',
      fate: { status: 'undelivered', code: 30003, message: 'Unreachable destination handset' },
      path: ['queued', 'sending', 'sent', 'undelivered'],
      end: {
        fate: 'undelivered:30003',
        date_sent: NOW,
        price: '-0.00790',
        error_code: 30003,
        error_message: 'Unreachable destination handset',
      },
    },
    {
      name: 'a failed message is never sent nor billed',
      from: 'queued',
      fate: { status: 'failed', code: 30034, message: 'Message from an unregistered number' },
      path: ['queued', 'sending', 'failed'],
      end: { fate: 'failed:30034', date_sent: null, price: null, error_code: 30034 },
    },
    {
      name: 'a message the channel refuses at delivery is sent, then fails unbilled with its error',
      from: 'queued',
      fate: { status: 'delivered' },
      refused: WINDOW,
      path: ['queued', 'sending', 'sent', 'failed'],
      end: {
        fate: 'failed:63016',
        date_sent: NOW,
        price: null,
        error_code: 63016,
        error_message: WINDOW.message,
      },
    },
    {
      name: 'a message the channel would not deliver anyway keeps its own outcome',
      from: 'queued',
      fate: { status: 'undelivered', code: 30003, message: 'Unreachable destination handset' },
      refused: WINDOW,
      path: ['queued', 'sending', 'sent', 'undelivered'],
      end: { fate: 'undelivered:30003', error_code: 30003 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { path, end } = run(c.from, c.fate, c.refused);
      assert.deepEqual(path, c.path);
      assert.deepEqual(Object.fromEntries(Object.keys(c.end).map((k) => [k, end[k as keyof StepState]])), c.end);
    });
  }

  it('decides the outcome once, at sending, prices once, at sent, and asks the channel at delivery', () => {
    assert.deepEqual(run('queued', { status: 'delivered' }).asked, ['decide', 'price', 'refusal']);
    assert.deepEqual(run('queued', { status: 'failed', code: 30001, message: 'Queue overflow' }).asked, ['decide']);
  });

  it('keeps an outcome already stored (a fault decided earlier, or the sender queue)', () => {
    const given = inputs({ status: 'delivered' });
    const sending = enter({ ...start('queued', 'failed:30036') }, 'sending', given)!;
    assert.deepEqual([sending.fate, sending.next_status, given.asked], ['failed:30036', 'failed', []]);
    const failed = enter({ ...start('queued', 'failed:30036') }, 'failed', given)!;
    assert.deepEqual(
      [failed.error_code, failed.error_message, failed.next_status],
      [30036, 'Validity Period Expired', null],
    );
  });

  it('stops at delivered; read follows it only when asked, and ends there', () => {
    assert.deepEqual(run('queued', { status: 'delivered' }).path.at(-1), 'delivered');
    const delivered = run('queued', { status: 'delivered' }).end;
    assert.equal(delivered.next_status, null);
    const read = enter(delivered, 'read', inputs());
    assert.ok(read);
    assert.deepEqual(
      [read.status, read.next_status, read.price, read.date_sent],
      ['read', null, delivered.price, delivered.date_sent],
    );
    for (const from of ['queued', 'sending', 'sent', 'undelivered', 'failed'] as const) {
      assert.equal(enter(start(from), 'read', inputs()), undefined, `${from} → read`);
    }
    assert.equal(enter({ ...read }, 'delivered', inputs()), undefined);
  });

  it('refuses a status that cannot follow, whatever the row asks for', () => {
    const refused: [MessageStatus, string][] = [
      ['queued', 'delivered'],
      ['sending', 'undelivered'],
      ['delivered', 'sent'],
      ['received', 'sending'],
      ['canceled', 'queued'],
      ['queued', 'no-such-status'],
    ];
    for (const [from, to] of refused) assert.equal(enter(start(from), to, inputs()), undefined, `${from} → ${to}`);
  });

  it('names only statuses of the vocabulary, each reachable from a start', () => {
    const reachable = new Set<string>(['queued', 'accepted', 'scheduled']);
    for (const [from, step] of Object.entries(STEPS)) {
      assert.ok((MESSAGE_STATUSES as readonly string[]).includes(from), from);
      for (const to of step.follows) {
        assert.ok((MESSAGE_STATUSES as readonly string[]).includes(to), to);
        assert.ok(canFollow(from as MessageStatus, to));
        reachable.add(to);
      }
    }
    assert.deepEqual([...reachable].sort(), Object.keys(STEPS).sort());
    // inbound statuses and those of other channels are not steps of this machine
    for (const other of ['received', 'receiving', 'partially_delivered'] as const) {
      assert.equal(Object.hasOwn(STEPS, other), false, other);
    }
  });
});
