/**
 * The HTTP face of the sandbox on 127.0.0.1: the token endpoint (no bearer needed), the console
 * when it is on (`/` and `/console/…`, local-only: console-routes.ts), then every `/v1/…` route
 * behind bearer authorization. Handlers are plain functions that return JSON or
 * throw an ApiError; this file only routes, authorizes and writes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { ApiError, methodNotAllowed, notFound, unauthorized } from './api-error.js';
import { TOKEN_PATH, type TokenIssuer } from './auth.js';
import { createCommand, fetchCommand, listCommands, type CommandRouteDeps } from './command-routes.js';
import { handleConsole, isConsolePath, type ConsoleDeps } from './console-routes.js';
import { CORS_HEADERS, readForm, sendJson } from './http-io.js';
import { fleetRoutes, simRoutes } from './registry-routes.js';

export interface ServerDeps extends CommandRouteDeps {
  tokens: TokenIssuer;
  log: Logger;
  /** The console's parts; without them `/` is just another path behind authorization. */
  console?: ConsoleDeps;
}

interface Request {
  req: IncomingMessage;
  query: URLSearchParams;
  /** Path parameter (a SID or unique name), when the route has one. */
  key: string;
  base: string;
  deps: ServerDeps;
}

type Handler = (r: Request) => Promise<[number, unknown]> | [number, unknown];

const ok = (body: unknown): [number, unknown] => [200, body];
const created = (body: unknown): [number, unknown] => [201, body];

/** Path pattern → handlers by method. */
const ROUTES: [RegExp, Partial<Record<'GET' | 'POST', Handler>>][] = [
  [
    /^\/v1\/SmsCommands$/,
    {
      GET: (r) => ok(listCommands(r.deps, r.query, r.base)),
      POST: async (r) => created(createCommand(r.deps, await readForm(r.req), r.base)),
    },
  ],
  [/^\/v1\/SmsCommands\/([^/]+)$/, { GET: (r) => ok(fetchCommand(r.deps, r.key, r.base)) }],
  [
    /^\/v1\/Fleets$/,
    {
      GET: (r) => ok(fleetRoutes.list(r.deps.registry, r.base)),
      POST: async (r) => created(fleetRoutes.create(r.deps.registry, await readForm(r.req), r.base)),
    },
  ],
  [
    /^\/v1\/Fleets\/([^/]+)$/,
    {
      GET: (r) => ok(fleetRoutes.fetch(r.deps.registry, r.key, r.base)),
      POST: async (r) => ok(fleetRoutes.update(r.deps.registry, r.key, await readForm(r.req), r.base)),
    },
  ],
  [
    /^\/v1\/Sims$/,
    {
      GET: (r) => ok(simRoutes.list(r.deps.registry, r.base)),
      POST: async (r) => created(simRoutes.create(r.deps.registry, await readForm(r.req), r.base)),
    },
  ],
  [
    /^\/v1\/Sims\/([^/]+)$/,
    {
      GET: (r) => ok(simRoutes.fetch(r.deps.registry, r.key, r.base)),
      POST: async (r) => ok(simRoutes.update(r.deps.registry, r.key, await readForm(r.req), r.base)),
    },
  ],
];

export interface ApiServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: the base of every resource URL. */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 only (port 0 picks a free one). */
export async function startApiServer(deps: ServerDeps, port: number): Promise<ApiServer> {
  let base = '';
  let actual = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res, deps, base, actual).catch((error: unknown) => {
      deps.log.error({ error: (error as Error).message }, 'sandbox request failed');
      if (!res.headersSent) sendJson(res, 500, { code: 20500, message: 'Internal server error', status: 500 });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  actual = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${actual}`;
  return {
    port: actual,
    url: base,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps, base: string, port: number): Promise<void> {
  const target = new URL(req.url ?? '/', base);
  const path = target.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  deps.log.debug({ method, path }, 'sandbox request');
  if (method === 'OPTIONS') {
    // CORS preflight carries no credentials by design.
    res.writeHead(204, CORS_HEADERS);
    res.end();
    return;
  }
  if (deps.console && isConsolePath(path)) return handleConsole(deps.console, req, res, path, target.searchParams, port);
  if (path === TOKEN_PATH) {
    if (method !== 'POST') return sendJson(res, 405, methodNotAllowed(method, path).toJSON());
    const answer = deps.tokens.grant(await readForm(req).catch(() => new URLSearchParams()), req.headers.authorization);
    // A client that failed to authenticate is told how to (RFC 6749 §5.2: the scheme it should use).
    const challenge: Record<string, string> = !answer.ok && answer.status === 401 ? { 'www-authenticate': 'Basic realm="smsbridge sandbox"' } : {};
    return sendJson(res, answer.ok ? 200 : answer.status, answer.body, challenge);
  }
  try {
    // Authorization comes first: without a token nothing about the API is revealed, not even its paths.
    const refusal = deps.tokens.refuse(req.headers.authorization);
    if (refusal !== undefined) throw unauthorized(refusal);
    const route = ROUTES.find(([pattern]) => pattern.test(path));
    if (!route) throw notFound(path);
    const handler = route[1][method as 'GET' | 'POST'];
    if (!handler) throw methodNotAllowed(method, path);
    const key = pathParameter(route[0].exec(path)?.[1]);
    if (key === undefined) throw notFound(path);
    const [status, body] = await handler({ req, query: target.searchParams, key, base, deps });
    sendJson(res, status, body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendJson(res, error.status, error.toJSON(), error.status === 401 ? { 'www-authenticate': bearerChallenge(req.headers.authorization) } : {});
  }
}

function pathParameter(raw: string | undefined): string | undefined {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    return undefined;
  }
}

/**
 * RFC 6750 §3: a 401 names the Bearer scheme; with a token that did not pass, `invalid_token` too
 * (§3.1: no error code when the request carried no credentials).
 */
function bearerChallenge(authorization: string | undefined): string {
  const realm = 'Bearer realm="smsbridge sandbox"';
  return authorization?.toLowerCase().startsWith('bearer ') ? `${realm}, error="invalid_token"` : realm;
}
