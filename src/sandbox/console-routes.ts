/**
 * The console's side of the server: the page at `/`, its files under `/console/`, and the few
 * endpoints under `/console/api/` that the public API has no place for (status timelines, the
 * SIMs' modems and bridges, webhook calls, the live stream, faults, a token for the page).
 * Everything here is local-only (local-only.ts) instead of behind a bearer token; the page
 * sends commands through the real `/v1/SmsCommands`, with the token it gets here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badParameter, forbidden, methodNotAllowed, notFound } from './api-error.js';
import type { TokenIssuer } from './auth.js';
import type { CommandStore } from './command-store.js';
import type { CommandTimelines } from './command-timeline.js';
import type { EventStream } from './event-stream.js';
import { readForm } from './http-io.js';
import { localOnlyRefusal } from './local-only.js';
import type { RegistryStore } from './registry-store.js';
import type { SimBoard } from './sim-board.js';
import { sendBody, type StaticFiles } from './static-files.js';
import type { WebhookLog } from './webhook-log.js';

export interface ConsoleDeps {
  commands: CommandStore;
  registry: RegistryStore;
  tokens: TokenIssuer;
  board: SimBoard;
  timelines: CommandTimelines;
  webhooks: WebhookLog;
  stream: EventStream;
  files: StaticFiles;
}

/** The console's first page of commands, and the most a "show older" may ask. */
export const PAGE = { default: 100, max: 500 } as const;

export const isConsolePath = (path: string): boolean => path === '/' || path.startsWith('/console/');

/** Answers a console request (`isConsolePath`); the server's port decides which Host is local. */
export async function handleConsole(deps: ConsoleDeps, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, port: number): Promise<void> {
  const method = req.method ?? 'GET';
  try {
    const refusal = localOnlyRefusal(req, port);
    if (refusal !== undefined) throw forbidden(refusal);
    if (!path.startsWith('/console/api/')) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, path);
      if (!deps.files.serve(path === '/' ? 'index.html' : path.slice('/console/'.length), req, res)) throw notFound(path);
      return;
    }
    const route = path.slice('/console/api/'.length);
    const fault = /^sims\/([^/]+)\/faults$/.exec(route);
    if (fault) {
      if (method !== 'POST') throw methodNotAllowed(method, path);
      return json(req, res, 202, deps.board.fault(decodeURIComponent(fault[1]!), await readForm(req)));
    }
    if (route === 'token') {
      // POST: a page elsewhere cannot make a browser send it without the Origin that local-only checks.
      if (method !== 'POST') throw methodNotAllowed(method, path);
      return json(req, res, 200, deps.tokens.issue());
    }
    if (method !== 'GET') throw methodNotAllowed(method, path);
    switch (route) {
      case 'events':
        return deps.stream.open(req, res);
      case 'sims':
        return json(req, res, 200, { sims: deps.board.views() });
      case 'webhooks':
        return json(req, res, 200, { webhooks: deps.webhooks.recent() });
      case 'commands':
        return json(req, res, 200, commandPage(deps, query));
      default:
        throw notFound(path);
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    json(req, res, error.status, error.toJSON());
  }
}

/** Newest first, `limit` at a time; `after` (a seq) asks for the commands older than it. */
function commandPage(deps: ConsoleDeps, query: URLSearchParams) {
  const limit = whole(query.get('limit'), PAGE.default, 1, PAGE.max, 'limit');
  const after = query.has('after') ? whole(query.get('after'), 0, 0, Number.MAX_SAFE_INTEGER, 'after') : undefined;
  const rows = deps.commands.list({ after, limit: limit + 1 });
  const names = new Map(deps.registry.sims().map((s) => [s.sid, s.uniqueName]));
  return { commands: rows.slice(0, limit).map((c) => deps.timelines.json(c, names.get(c.simSid))), older: rows.length > limit };
}

function whole(raw: string | null, fallback: number, min: number, max: number, name: string): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw badParameter(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return n;
}

function json(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  sendBody(req, res, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(body)));
}
