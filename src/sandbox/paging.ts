/**
 * List paging as the reference describes it: `PageSize` (default 50, at most 1000), `Page`
 * ("simply for client state": echoed, never used to seek), and `PageToken` ("provided by the
 * API"): `PA<sid>` for the page after that command, `PB<sid>` for the page before it. The
 * `meta` block carries the URLs of the first, next and previous pages.
 */
import { badParameter } from './api-error.js';
import { integer, optional } from './params.js';
import { isSid } from './sids.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  pageSize: number;
  page: number;
  token: { direction: 'after' | 'before'; sid: string } | undefined;
  rawToken: string | undefined;
}

export function parsePageRequest(query: URLSearchParams): PageRequest {
  const rawToken = optional(query, 'PageToken');
  let token: PageRequest['token'];
  if (rawToken !== undefined) {
    const sid = rawToken.slice(2);
    if (!/^P[AB]/.test(rawToken) || !isSid('HC', sid)) throw badParameter(`PageToken ${JSON.stringify(rawToken)} is not valid`);
    token = { direction: rawToken.startsWith('PA') ? 'after' : 'before', sid };
  }
  return {
    pageSize: integer(query, 'PageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    page: integer(query, 'Page', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    token,
    rawToken,
  };
}

export interface PageMeta {
  first_page_url: string;
  key: string;
  next_page_url: string | null;
  page: number;
  page_size: number;
  previous_page_url: string | null;
  url: string;
}

export interface PageFacts {
  /** The list URL without query, e.g. `http://127.0.0.1:8080/v1/SmsCommands`. */
  listUrl: string;
  key: string;
  /** Filters as the client gave them, in the order they appear in every page URL. */
  filters: [string, string | undefined][];
  request: PageRequest;
  /** SIDs of the first and last item on this page, when it has any. */
  firstSid: string | undefined;
  lastSid: string | undefined;
  hasNewer: boolean;
  hasOlder: boolean;
}

export function pageMeta(f: PageFacts): PageMeta {
  const { pageSize, page, rawToken } = f.request;
  const link = (pageIndex: number, token?: string) => {
    const q = new URLSearchParams();
    for (const [name, value] of f.filters) if (value !== undefined) q.set(name, value);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(pageIndex));
    if (token !== undefined) q.set('PageToken', token);
    return `${f.listUrl}?${q.toString()}`;
  };
  return {
    first_page_url: link(0),
    key: f.key,
    next_page_url: f.hasOlder && f.lastSid !== undefined ? link(page + 1, `PA${f.lastSid}`) : null,
    page,
    page_size: pageSize,
    previous_page_url: f.hasNewer && f.firstSid !== undefined ? link(Math.max(0, page - 1), `PB${f.firstSid}`) : null,
    url: link(page, rawToken),
  };
}
