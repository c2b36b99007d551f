import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';
import type { SimModem } from '../../src/sandbox/sim-modem.js';

/** A clock the test moves by hand; starts at 2024-10-24T20:12:17Z (the reference's example). */
export class TestClock {
  ms = Date.UTC(2024, 9, 24, 20, 12, 17);
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-sandbox-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Api {
  sandbox: Sandbox;
  clock: TestClock;
  dbPath: string;
  token: string;
  /** A fresh token, after the clock moved past the old one's expiry. */
  renewToken(): Promise<void>;
  /** A request with the bearer token; `form` makes it a form-encoded POST. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, which the tests check field by field
  call(method: string, path: string, form?: Record<string, string>, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function getToken(sandbox: Sandbox): Promise<string> {
  const response = await fetch(sandbox.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.account.clientId, client_secret: sandbox.account.clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A sandbox on a temp file with a moved-by-hand clock and no retry timer (tests call tick()). */
export async function openApi(options: Omit<Partial<SandboxOptions>, 'clock' | 'dbPath'> & { clock?: TestClock; dbPath?: string } = {}): Promise<Api> {
  const clock = options.clock ?? new TestClock();
  const temp = options.dbPath ? undefined : tempDir();
  const dbPath = options.dbPath ?? join(temp!.dir, 'sandbox.db');
  const { clock: _clock, dbPath: _db, ...rest } = options;
  const sandbox = await startSandbox({ retryEveryMs: 0, ...rest, dbPath, clock: clock.now });
  let token = await getToken(sandbox);
  return {
    sandbox,
    clock,
    dbPath,
    get token() {
      return token;
    },
    async renewToken() {
      token = await getToken(sandbox);
    },
    async call(method, path, form, headers = {}) {
      const response = await fetch(`${sandbox.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(form ? { body: new URLSearchParams(form) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
    },
    async close() {
      await sandbox.close();
      temp?.cleanup();
    },
  };
}

export interface WebhookCall {
  method: string;
  path: string;
  params: Record<string, string>;
  contentType: string | undefined;
}

/** A webhook receiver on 127.0.0.1, port 0, that records every call. */
export async function startWebhook(): Promise<{ url: string; calls: WebhookCall[]; close(): Promise<void> }> {
  const calls: WebhookCall[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const params = req.method === 'GET' ? url.searchParams : new URLSearchParams(body);
      calls.push({ method: req.method ?? '', path: url.pathname, params: Object.fromEntries(params), contentType: req.headers['content-type'] });
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A stand-in modem: plug state, a deliveries counter, and a hand-driven sent$. */
export class FakeModem implements SimModem {
  isPlugged = true;
  /** What `deliver` does: accept (count it), hold (do not count), or throw. */
  mode: 'accept' | 'hold' | 'refuse' = 'accept';
  readonly delivered: string[] = [];
  readonly held: string[] = [];
  readonly stats = { deliveries: 0 };
  readonly #sent = new Subject<{ to: string; text: string }>();
  readonly #plug = new Subject<boolean>();
  readonly sent$ = this.#sent.asObservable();
  readonly plug$ = this.#plug.asObservable();

  deliver(sms: { from: string; text: string }): void {
    if (this.mode === 'refuse') throw new RangeError('a single gsm7 SMS holds at most 160 characters');
    if (this.mode === 'hold') this.held.push(sms.text);
    else {
      this.delivered.push(sms.text);
      this.stats.deliveries++;
    }
  }

  /** The held SMS go through, as a modem does once storage frees. */
  release(): void {
    for (const text of this.held.splice(0)) {
      this.delivered.push(text);
      this.stats.deliveries++;
    }
  }

  send(to: string, text: string): void {
    this.#sent.next({ to, text });
  }

  unplug(): void {
    this.isPlugged = false;
    this.#plug.next(false);
  }

  replug(): void {
    this.isPlugged = true;
    this.#plug.next(true);
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets setImmediate work (the sandbox's "attempt soon") run. */
export const settle = () => new Promise((r) => setImmediate(() => setImmediate(r)));
