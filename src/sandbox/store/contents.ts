// Content API templates (/v1/Content) and their WhatsApp review: the one place that writes and
// reads the `contents` table, so the REST routes, the control API and template sends agree on
// what a template holds and where its review stands at a given time.
import { newSid } from '../sids.js';
import type { KeysetWindow } from '../twilio-api/paging.js';
import type { Db } from './db.js';
import { windowClause } from './keyset-sql.js';

export interface ContentRow {
  seq: number;
  sid: string;
  account_sid: string;
  friendly_name: string;
  language: string;
  /** JSON object: placeholder key → default value */
  variables: string;
  /** JSON object: content type → its definition */
  types: string;
  date_created: number;
  date_updated: number;
  approval_name: string | null;
  approval_category: string | null;
  approval_pending_at: number | null;
  approval_decided_at: number | null;
  approval_outcome: string | null;
  approval_status: string | null;
  approval_rejection_reason: string;
}

/** Where a WhatsApp review can stand (Twilio's names). */
export const APPROVAL_STATUSES = [
  'unsubmitted',
  'received',
  'pending',
  'approved',
  'rejected',
  'paused',
  'disabled',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface NewContent {
  accountSid: string;
  friendlyName: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, unknown>;
  now: number;
}

export function insertContent(db: Db, c: NewContent): ContentRow {
  const sid = newSid('HX', c.now);
  db.prepare(
    `INSERT INTO contents (sid, account_sid, friendly_name, language, variables, types, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    sid,
    c.accountSid,
    c.friendlyName,
    c.language,
    JSON.stringify(c.variables),
    JSON.stringify(c.types),
    c.now,
    c.now,
  );
  return getContent(db, c.accountSid, sid)!;
}

/**
 * Replaces a template's definition (friendly name, variables, types); the SID, language and review
 * stay. `date_updated` always moves forward, even within one millisecond of the last write, because
 * template sends cache a template's parsed JSON by SID and `date_updated`.
 */
export function updateContent(
  db: Db,
  row: ContentRow,
  c: Pick<NewContent, 'friendlyName' | 'variables' | 'types' | 'now'>,
): ContentRow {
  db.prepare(
    'UPDATE contents SET friendly_name = ?, variables = ?, types = ?, date_updated = ? WHERE sid = ? AND account_sid = ?',
  ).run(
    c.friendlyName,
    JSON.stringify(c.variables),
    JSON.stringify(c.types),
    Math.max(c.now, row.date_updated + 1),
    row.sid,
    row.account_sid,
  );
  return getContent(db, row.account_sid, row.sid)!;
}

export function getContent(db: Db, accountSid: string, sid: string): ContentRow | undefined {
  return db.prepare('SELECT * FROM contents WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    ContentRow | undefined;
}

/** Any account's template (the control API speaks for every account of the sandbox). */
export function contentBySid(db: Db, sid: string): ContentRow | undefined {
  return db.prepare('SELECT * FROM contents WHERE sid = ?').get(sid) as ContentRow | undefined;
}

export function listContents(db: Db, accountSid: string, w: KeysetWindow): ContentRow[] {
  const { where, order, args } = windowClause(w, 'seq');
  return db
    .prepare(`SELECT * FROM contents WHERE account_sid = ?${where} ORDER BY seq ${order} LIMIT ? OFFSET ?`)
    .all(accountSid, ...args, w.limit, w.offset) as ContentRow[];
}

export function contentSeq(db: Db, accountSid: string, sid: string): number | undefined {
  const row = db.prepare('SELECT seq FROM contents WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    { seq: number } | undefined;
  return row?.seq;
}

export function deleteContent(db: Db, accountSid: string, sid: string): boolean {
  return db.prepare('DELETE FROM contents WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0;
}

export interface ApprovalSubmission {
  name: string;
  category: string;
  /** clock ms at which the review moves from received to pending, then to its outcome */
  pendingAt: number;
  decidedAt: number;
  outcome: 'approved' | 'rejected';
  rejectionReason: string;
  now: number;
}

/** (Re)submits a template: the review starts over and any status set by hand is dropped. */
export function submitApproval(db: Db, row: ContentRow, s: ApprovalSubmission): ContentRow {
  db.prepare(
    `UPDATE contents SET approval_name = ?, approval_category = ?, approval_pending_at = ?, approval_decided_at = ?,
       approval_outcome = ?, approval_status = NULL, approval_rejection_reason = ?, date_updated = ?
     WHERE sid = ?`,
  ).run(s.name, s.category, s.pendingAt, s.decidedAt, s.outcome, s.rejectionReason, s.now, row.sid);
  return getContent(db, row.account_sid, row.sid)!;
}

/** Sets the review's status by hand (control API); the timeline no longer moves it. */
export function setApprovalStatus(
  db: Db,
  row: ContentRow,
  status: Exclude<ApprovalStatus, 'unsubmitted'>,
  rejectionReason: string,
  now: number,
): ContentRow {
  db.prepare(
    `UPDATE contents SET approval_name = COALESCE(approval_name, ''), approval_category = COALESCE(approval_category, ''),
       approval_status = ?, approval_rejection_reason = ?, date_updated = ? WHERE sid = ?`,
  ).run(status, rejectionReason, now, row.sid);
  return getContent(db, row.account_sid, row.sid)!;
}

export interface Approval {
  name: string;
  category: string;
  status: ApprovalStatus;
  rejection_reason: string;
}

/** The review as it stands at `now`. */
export function approvalAt(row: ContentRow, now: number): Approval {
  if (row.approval_name === null) return { name: '', category: '', status: 'unsubmitted', rejection_reason: '' };
  const base = { name: row.approval_name, category: row.approval_category ?? '' };
  if (row.approval_status !== null) {
    return {
      ...base,
      status: row.approval_status as ApprovalStatus,
      rejection_reason: row.approval_status === 'rejected' ? row.approval_rejection_reason : '',
    };
  }
  if (row.approval_decided_at !== null && now >= row.approval_decided_at) {
    const outcome = row.approval_outcome === 'rejected' ? 'rejected' : 'approved';
    return { ...base, status: outcome, rejection_reason: outcome === 'rejected' ? row.approval_rejection_reason : '' };
  }
  const pending = row.approval_pending_at !== null && now >= row.approval_pending_at;
  return { ...base, status: pending ? 'pending' : 'received', rejection_reason: '' };
}
