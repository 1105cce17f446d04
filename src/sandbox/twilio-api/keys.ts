// /2010-04-01/Accounts/{Sid}/Keys: Twilio's standard API keys. The secret appears once, in the
// create response; afterwards only sid, friendly_name and dates are ever shown.
import { rfc2822 } from '../../shared/dates.js';
import type { SandboxContext } from '../context.js';
import { isSid } from '../sids.js';
import { deleteKey, insertKey, keyBySid, listKeys, renameKey, type KeyListRow } from '../store/keys.js';
import { invalidParam, notFound } from '../twilio-wire/errors.js';
import { parsePaging, readPage } from './paging.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX, type TwilioRequest } from '../routes/twilio.js';

const MAX_NAME = 64;

export function keyJson(k: KeyListRow): Record<string, unknown> {
  return {
    sid: k.sid,
    friendly_name: k.friendly_name,
    date_created: rfc2822(k.date_created),
    date_updated: rfc2822(k.date_updated),
  };
}

function friendlyName(req: TwilioRequest): string | undefined {
  const name = req.form.get('FriendlyName');
  if (name !== null && name.length > MAX_NAME) {
    throw invalidParam(`FriendlyName is too long: at most ${MAX_NAME} characters`);
  }
  return name ?? undefined;
}

function findKey(req: TwilioRequest, ctx: SandboxContext): KeyListRow {
  const sid = req.params['Sid'] ?? '';
  const key = isSid(sid, 'SK') ? keyBySid(ctx.db, req.account.sid, sid) : undefined;
  if (!key) throw notFound(req.path);
  return key;
}

export function registerKeys(routes: RouteTable, ctx: SandboxContext): void {
  routes.api2010('POST', '/Accounts/:AccountSid/Keys', (req) => {
    const key = insertKey(ctx.db, req.account.sid, friendlyName(req) ?? '', ctx.clock.now());
    return { status: 201, rep: { type: 'instance', element: 'Key', data: { ...keyJson(key), secret: key.secret } } };
  });

  routes.api2010('GET', '/Accounts/:AccountSid/Keys', (req) => {
    const paging = parsePaging(req.query);
    const { rows, meta } = readPage({
      path: `${API_PREFIX}/Accounts/${req.account.sid}/Keys.json`,
      query: req.query,
      paging,
      seqOfSid: (sid) => (isSid(sid, 'SK') ? keyBySid(ctx.db, req.account.sid, sid)?.seq : undefined),
      fetch: (w) => listKeys(ctx.db, req.account.sid, w),
    });
    return { type: 'list', key: 'keys', element: 'Keys', itemElement: 'Key', items: rows.map(keyJson), meta };
  });

  routes.api2010('GET', '/Accounts/:AccountSid/Keys/:Sid', (req) => ({
    type: 'instance',
    element: 'Key',
    data: keyJson(findKey(req, ctx)),
  }));

  routes.api2010('POST', '/Accounts/:AccountSid/Keys/:Sid', (req) => {
    const key = findKey(req, ctx);
    const name = friendlyName(req);
    if (name === undefined) return { type: 'instance', element: 'Key', data: keyJson(key) };
    const now = ctx.clock.now();
    renameKey(ctx.db, key.sid, name, now);
    return { type: 'instance', element: 'Key', data: keyJson({ ...key, friendly_name: name, date_updated: now }) };
  });

  routes.api2010('DELETE', '/Accounts/:AccountSid/Keys/:Sid', (req) => {
    const key = findKey(req, ctx);
    deleteKey(ctx.db, req.account.sid, key.sid);
    return null;
  });
}
