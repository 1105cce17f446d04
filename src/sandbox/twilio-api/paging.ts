// Twilio 2010 paging over a keyset: rows are ordered newest first by an integer `seq`; PageToken
// `PA<sid>` continues after a row and `PB<sid>` goes back before one, so a page costs one index
// range scan however deep it is. Without a token, `Page * PageSize` is used as an offset.

import { TwilioRestError } from '../twilio-wire/errors.js';
import type { PageMeta } from '../twilio-wire/wire.js';
import type { TwilioRequest, V1Result } from '../routes/twilio.js';

export interface PagingInput {
  pageSize: number;
  page: number;
  token: { dir: 'PA' | 'PB'; sid: string } | undefined;
}

export interface KeysetWindow {
  /** newest-first: only rows with seq < below */
  below?: number;
  /** only rows with seq > above, returned in ASCENDING seq order (closest first) */
  above?: number;
  offset: number;
  limit: number;
}

const PAGING_KEYS = new Set(['PageSize', 'Page', 'PageToken']);

export function parsePaging(query: URLSearchParams, maxPageSize = 1000): PagingInput {
  const sizeText = query.get('PageSize');
  let pageSize = 50;
  if (sizeText !== null) {
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > maxPageSize) {
      throw new TwilioRestError(400, 20001, `Invalid PageSize: must be between 1 and ${maxPageSize}`);
    }
    pageSize = Number(sizeText);
  }
  const pageText = query.get('Page');
  let page = 0;
  if (pageText !== null) {
    if (!/^\d{1,9}$/.test(pageText))
      throw new TwilioRestError(400, 20001, 'Invalid Page: must be a non-negative integer');
    page = Number(pageText);
  }
  const tokenText = query.get('PageToken');
  let token: PagingInput['token'];
  if (tokenText !== null && tokenText !== '') {
    const m = /^(PA|PB)([A-Z]{2}[0-9a-f]{32})$/.exec(tokenText);
    if (!m) throw new TwilioRestError(400, 21481, 'Invalid PageToken');
    token = { dir: m[1] as 'PA' | 'PB', sid: m[2]! };
  }
  return { pageSize, page, token };
}

function encodePairs(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** Filters as the client sent them (order kept), without the paging keys. */
export function filterPairs(query: URLSearchParams): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of query) if (!PAGING_KEYS.has(k)) out.push([k, v]);
  return out;
}

export function pageUri(
  path: string,
  filters: [string, string][],
  pageSize: number,
  page: number,
  token?: string,
): string {
  const pairs: [string, string][] = [...filters, ['PageSize', String(pageSize)], ['Page', String(page)]];
  if (token !== undefined) pairs.push(['PageToken', token]);
  return `${path}?${encodePairs(pairs)}`;
}

export interface PageResult<Row> {
  rows: Row[];
  meta: PageMeta;
}

/**
 * Reads one page. `seqOfSid` resolves a token's sid (undefined: unknown token, 21481);
 * `fetch` reads `limit` rows of the window.
 */
export function readPage<Row extends { seq: number; sid: string }>(args: {
  path: string;
  query: URLSearchParams;
  paging: PagingInput;
  seqOfSid: (sid: string) => number | undefined;
  fetch: (window: KeysetWindow) => Row[];
}): PageResult<Row> {
  const { paging, path } = args;
  const { pageSize, page, token } = paging;
  const filters = filterPairs(args.query);
  let rows: Row[];
  let hasNext: boolean;
  if (token === undefined) {
    const got = args.fetch({ offset: page * pageSize, limit: pageSize + 1 });
    hasNext = got.length > pageSize;
    rows = got.slice(0, pageSize);
  } else {
    const seq = args.seqOfSid(token.sid);
    if (seq === undefined) throw new TwilioRestError(400, 21481, 'Invalid PageToken');
    if (token.dir === 'PA') {
      const got = args.fetch({ below: seq, offset: 0, limit: pageSize + 1 });
      hasNext = got.length > pageSize;
      rows = got.slice(0, pageSize);
    } else {
      const got = args.fetch({ above: seq, offset: 0, limit: pageSize });
      rows = got.reverse();
      hasNext = true;
    }
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  const start = page * pageSize;
  const meta: PageMeta = {
    first_page_uri: pageUri(path, filters, pageSize, 0),
    end: rows.length === 0 ? start : start + rows.length - 1,
    next_page_uri: hasNext && last ? pageUri(path, filters, pageSize, page + 1, `PA${last.sid}`) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 && first ? pageUri(path, filters, pageSize, page - 1, `PB${first.sid}`) : null,
    start,
    uri: pageUri(path, filters, pageSize, page, token ? `${token.dir}${token.sid}` : undefined),
  };
  return { rows, meta };
}

/** A v1 list page, `{<key>: [...], meta: {...}}` with absolute page URLs, over the same keyset. */
export function v1Page<Row extends { seq: number; sid: string }>(args: {
  baseUrl: string;
  req: TwilioRequest;
  key: string;
  seqOfSid: (sid: string) => number | undefined;
  fetch: (w: KeysetWindow) => Row[];
  render: (row: Row) => unknown;
}): V1Result {
  const { req, key } = args;
  const { rows, meta } = readPage({
    path: args.baseUrl + req.path,
    query: req.query,
    paging: parsePaging(req.query),
    seqOfSid: args.seqOfSid,
    fetch: args.fetch,
  });
  return {
    status: 200,
    body: {
      [key]: rows.map(args.render),
      meta: {
        first_page_url: meta.first_page_uri,
        key,
        next_page_url: meta.next_page_uri,
        page: meta.page,
        page_size: meta.page_size,
        previous_page_url: meta.previous_page_uri,
        url: meta.uri,
      },
    },
  };
}
