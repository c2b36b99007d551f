import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkHttpUrl, httpHandler } from '../../src/dispatch/actions/http.js';
import { routeFromSpec } from '../../src/dispatch/actions/spec.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { cmd } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server on 127.0.0.1, port 0; returns its URL and the bodies it received. */
async function serve(respond: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(body || 'null'));
      respond(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sms`, bodies, server };
}

function dispatcherFor(url: string, extra: { timeoutMs?: number } = {}) {
  return new Dispatcher({ routes: [routeFromSpec({ name: 'agent', pattern: 'agent .*|\\{.*', http: { url, ...extra } })] });
}

describe('http actions', () => {
  it('posts the command as JSON and replies with the first line of the body', async () => {
    const { url, bodies } = await serve((_req, res) => res.end('done: 3 items\nsecond line'));
    const command = cmd('agent sync 3');
    expect(await dispatcherFor(url).dispatch(command)).toMatchObject({ route: 'agent', reply: 'done: 3 items', status: 'ok' });
    expect(bodies).toEqual([{ id: command.id, sender: '000', text: 'agent sync 3', verb: 'agent', args: ['sync', '3'], json: null, sentAt: '2024-05-01T12:00:00.000Z' }]);
  });

  it('sends the parsed JSON payload along', async () => {
    const { url, bodies } = await serve((_req, res) => res.end('ok'));
    await dispatcherFor(url).dispatch(cmd('{"enable":"True","when":"Immediate"}'));
    expect(bodies[0]).toMatchObject({ json: { enable: 'True', when: 'Immediate' } });
  });

  it('uses POST with a JSON content type', async () => {
    let seen: { method?: string; type?: string } = {};
    const { url } = await serve((req, res) => {
      seen = { method: req.method, type: req.headers['content-type'] };
      res.end();
    });
    expect(await dispatcherFor(url).dispatch(cmd('agent x'))).toMatchObject({ reply: null, status: 'no-reply' });
    expect(seen).toEqual({ method: 'POST', type: 'application/json' });
  });

  it('answers a non-2xx status with ERR http <status>', async () => {
    const { url } = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('maintenance');
    });
    expect(await dispatcherFor(url).dispatch(cmd('agent x'))).toMatchObject({ reply: 'ERR http 503', status: 'error' });
  });

  it('does not follow a redirect', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://example.com/' });
      res.end();
    });
    expect(await dispatcherFor(url).dispatch(cmd('agent x'))).toMatchObject({ reply: 'ERR http 302', status: 'error' });
  });

  it('answers a refused connection with the reason', async () => {
    const { url, server } = await serve(() => {});
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    expect(await dispatcherFor(url).dispatch(cmd('agent x'))).toMatchObject({ reply: 'ERR agent: request failed: ECONNREFUSED', status: 'error' });
  });

  it('gives up at the timeout and aborts the request', async () => {
    let received!: () => void;
    let closed!: () => void;
    const requestReceived = new Promise<void>((resolve) => (received = resolve));
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    const { url } = await serve((req) => {
      req.socket.on('close', closed);
      received(); // and never answers
    });
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const pending = dispatcherFor(url, { timeoutMs: 3000 }).dispatch(cmd('agent x'));
    await requestReceived;
    await vi.advanceTimersByTimeAsync(3000);
    expect(await pending).toMatchObject({ reply: 'ERR agent: timed out after 3s', status: 'timeout' });
    await requestClosed;
  });
});

describe('checkHttpUrl', () => {
  it.each(['http://127.0.0.1:8080/sms', 'http://localhost/sms', 'http://[::1]:9000/', 'https://localhost/x'])('accepts the local URL %s', (url) => {
    expect(checkHttpUrl(url)).toBeUndefined();
  });

  it.each([
    ['http://example.com/sms', /not local/],
    ['http://127.0.0.2/', /not local/],
    ['http://10.0.0.1/', /not local/],
    ['file:///etc/passwd', /expected an http: or https: URL/],
    ['not a url', /not a valid URL/],
  ])('refuses %s', (url, message) => {
    expect(checkHttpUrl(url)).toMatch(message);
  });

  it('accepts a remote URL only with allowRemote', () => {
    expect(checkHttpUrl('https://example.com/hook', true)).toBeUndefined();
    expect(() => httpHandler({ url: 'https://example.com/hook' })).toThrow(/allowRemote/);
    expect(() => httpHandler({ url: 'https://example.com/hook', allowRemote: true })).not.toThrow();
  });
});
