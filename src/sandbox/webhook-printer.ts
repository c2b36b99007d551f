/**
 * A webhook receiver on 127.0.0.1 for the sandbox's demo: it answers 204 and hands each call's
 * parameters (GET query or POST form) to `seen`, so the whole loop shows in one terminal.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  readonly url: string;
  close(): Promise<void>;
}

export async function startWebhookReceiver(seen: (method: string, path: string, params: URLSearchParams) => void): Promise<WebhookReceiver> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen(req.method ?? 'GET', url.pathname, req.method === 'GET' ? url.searchParams : new URLSearchParams(body));
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
