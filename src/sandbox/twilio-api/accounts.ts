// /2010-04-01/Accounts: fetch and list the authenticated account.
import type { SandboxContext } from '../context.js';
import { rfc2822 } from '../../shared/dates.js';
import type { AccountRow } from '../store/accounts.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX } from '../routes/twilio.js';
import { readPage, parsePaging } from './paging.js';

export function accountJson(a: AccountRow): Record<string, unknown> {
  const base = `${API_PREFIX}/Accounts/${a.sid}`;
  const sub = (name: string): string => `${base}/${name}.json`;
  return {
    auth_token: a.auth_token,
    date_created: rfc2822(a.date_created),
    date_updated: rfc2822(a.date_updated),
    friendly_name: a.friendly_name,
    owner_account_sid: a.sid,
    sid: a.sid,
    status: a.status,
    subresource_uris: {
      available_phone_numbers: sub('AvailablePhoneNumbers'),
      incoming_phone_numbers: sub('IncomingPhoneNumbers'),
      keys: sub('Keys'),
      messages: sub('Messages'),
      usage: sub('Usage'),
    },
    type: a.type,
    uri: `${base}.json`,
  };
}

export function registerAccounts(routes: RouteTable, _ctx: SandboxContext): void {
  routes.api2010('GET', '/Accounts/:AccountSid', (req) => ({
    type: 'instance',
    element: 'Account',
    data: accountJson(req.account),
  }));
  routes.api2010('GET', '/Accounts', (req) => {
    const paging = parsePaging(req.query);
    const rows = [{ ...req.account, seq: 1 }];
    const { rows: page, meta } = readPage({
      path: `${API_PREFIX}/Accounts.json`,
      query: req.query,
      paging,
      seqOfSid: (sid) => (sid === req.account.sid ? 1 : undefined),
      fetch: (w) =>
        rows
          .filter((r) => (w.below === undefined || r.seq < w.below) && (w.above === undefined || r.seq > w.above))
          .slice(w.offset, w.offset + w.limit),
    });
    return {
      type: 'list',
      key: 'accounts',
      element: 'Accounts',
      itemElement: 'Account',
      items: page.map(accountJson),
      meta,
    };
  });
}
