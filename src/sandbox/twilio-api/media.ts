// /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media: list, fetch and delete the media
// attached to a message (list key `media_list`, XML <MediaList><Media>).
import type { SandboxContext } from '../context.js';
import { dateRange } from '../messaging/date-filter.js';
import { isSid } from '../sids.js';
import { deleteMedia, getMedia, listMedia, mediaJson, mediaSeq, type MediaRow } from '../store/media.js';
import { getMessage } from '../store/messages.js';
import { notFound } from '../twilio-wire/errors.js';
import { parsePaging, readPage } from './paging.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX, type TwilioRequest } from '../routes/twilio.js';
import type { Representation } from '../twilio-wire/wire.js';

/** The parent message's sid, checked to exist in this account. */
function parentSid(ctx: SandboxContext, req: TwilioRequest): string {
  const sid = req.params['MessageSid'] ?? '';
  if (!isSid(sid, 'SM|MM') || !getMessage(ctx.db, req.account.sid, sid)) throw notFound(req.path);
  return sid;
}

function find(ctx: SandboxContext, req: TwilioRequest): MediaRow {
  const messageSid = parentSid(ctx, req);
  const sid = req.params['Sid'] ?? '';
  const row = isSid(sid, 'ME') ? getMedia(ctx.db, req.account.sid, messageSid, sid) : undefined;
  if (!row) throw notFound(req.path);
  return row;
}

function list(ctx: SandboxContext, req: TwilioRequest): Representation {
  const messageSid = parentSid(ctx, req);
  const paging = parsePaging(req.query);
  const created = dateRange(req.query, 'DateCreated');
  const { rows, meta } = readPage({
    path: `${API_PREFIX}/Accounts/${req.account.sid}/Messages/${messageSid}/Media.json`,
    query: req.query,
    paging,
    seqOfSid: (sid) => mediaSeq(ctx.db, messageSid, sid),
    fetch: (w) => listMedia(ctx.db, req.account.sid, messageSid, created, w),
  });
  return {
    type: 'list',
    key: 'media_list',
    element: 'MediaList',
    itemElement: 'Media',
    items: rows.map(mediaJson),
    meta,
  };
}

export function registerMedia(routes: RouteTable, ctx: SandboxContext): void {
  const base = '/Accounts/:AccountSid/Messages/:MessageSid/Media';
  routes.api2010('GET', base, (req) => list(ctx, req));
  routes.api2010('GET', `${base}/:Sid`, (req) => ({
    type: 'instance',
    element: 'Media',
    data: mediaJson(find(ctx, req)),
  }));
  routes.api2010('DELETE', `${base}/:Sid`, (req) => {
    const m = find(ctx, req);
    deleteMedia(ctx.db, req.account.sid, m.message_sid, m.sid);
    return null;
  });
}
