/**
 * HTTP control interface on 127.0.0.1: POST /deliver {from,text}, GET /outbox, GET /stored,
 * GET /stats, POST /fault {type,...}. JSON in, JSON out; errors answer 400 {error}.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyControl, type ControlRequest, type FaultRequest } from './control.js';
import type { VirtualModem } from './virtual-modem.js';

export interface ControlServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0 picks a free port). */
export async function startControlServer(modem: VirtualModem, port: number): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    void route(modem, req).then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (error: Error & { status?: number }) => {
        res.writeHead(error.status ?? 400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.message }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function route(modem: VirtualModem, req: IncomingMessage): Promise<unknown> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const key = `${req.method} ${path}`;
  let request: ControlRequest;
  if (key === 'POST /deliver') request = { action: 'deliver', ...(await jsonBody(req)) } as ControlRequest;
  else if (key === 'POST /fault') request = { action: 'fault', fault: (await jsonBody(req)) as FaultRequest };
  else if (key === 'GET /outbox') request = { action: 'outbox' };
  else if (key === 'GET /stored') request = { action: 'stored' };
  else if (key === 'GET /stats') request = { action: 'stats' };
  else throw Object.assign(new Error(`no route ${key}`), { status: 404 });
  return applyControl(modem, request);
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += (chunk as Buffer).toString('utf8');
  const value: unknown = JSON.parse(text === '' ? '{}' : text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
  return value as Record<string, unknown>;
}
