// Planning a message's whole course at create. Most outbound messages go queued → sending → sent →
// delivered (or undelivered, or failed) on fixed delays, with an outcome the default rules read
// from `To`: nothing that happens later can change it. Such a message is written once, in its final
// state with every step in its timeline (store/course.ts shows it as it stands at any time), instead
// of once plus an UPDATE per step; the engine only announces its steps as they come.
//
// A message is stepped one UPDATE at a time, as before, when its course depends on what happens
// later: a StatusCallback (each step writes its signed callback), the throughput model (its turn
// depends on its sender's queue), a fault-injection decider (reads the settings at `sending`), or
// a start that is not `queued` (scheduled messages, Messaging Service sends).
import type { SandboxContext } from '../context.js';
import type { Course, NewMessage } from '../store/messages.js';
import type { TimelineEvent } from '../store/timeline.js';
import { settingsOf } from '../realism/state.js';
import { nextStep, type StepRow } from './engine.js';
import { hasFateDecider } from './fate.js';

/** A course is a handful of steps; a planner that did not end would be a bug, not a long course. */
const MAX_STEPS = 16;

/** The whole course of `m`, or undefined when the lifecycle must step it. */
export function planCourse(ctx: SandboxContext, m: NewMessage): Course | undefined {
  if (m.status !== 'queued' || m.next_status !== 'sending' || m.next_at === null) return undefined;
  if (m.status_callback !== null || hasFateDecider(ctx) || settingsOf(ctx).throughput.enabled) return undefined;
  let row: StepRow = {
    seq: 0,
    sid: m.sid ?? '',
    account_sid: m.account_sid,
    to_addr: m.to_addr,
    from_addr: m.from_addr,
    status: m.status,
    num_segments: m.num_segments,
    num_media: m.media?.length ?? 0,
    status_callback: m.status_callback,
    validity_period: m.validity_period,
    send_at: m.send_at,
    date_created: m.date_created,
    date_updated: m.date_created,
    next_at: m.next_at,
    next_status: m.next_status,
    fate: m.fate,
    date_sent: m.date_sent,
    price: m.price,
    error_code: m.error_code,
    error_message: m.error_message,
  };
  const steps: TimelineEvent[] = [];
  while (row.next_status !== null && row.next_at !== null) {
    if (steps.length === MAX_STEPS) return undefined;
    row = nextStep(ctx, row, Math.ceil(row.next_at));
    steps.push({ status: row.status, at: row.date_updated, error_code: row.error_code });
  }
  return {
    status: row.status,
    date_sent: row.date_sent,
    price: row.price,
    error_code: row.error_code,
    error_message: row.error_message,
    fate: row.fate,
    steps,
    settles_at: row.date_updated,
  };
}
