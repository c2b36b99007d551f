/**
 * Server-Sent Events (the WHATWG HTML "server-sent events" format): one-way, over plain HTTP,
 * reconnected by the browser's EventSource on its own — all the console's live view needs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A comment line every so often keeps idle connections (and proxies) from timing out. */
const KEEPALIVE_MS = 15_000;

export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  #keepalive: NodeJS.Timeout | undefined;

  get clients(): number {
    return this.#clients.size;
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // `retry`: how soon the browser reconnects after the sandbox restarts.
    res.write('retry: 1000\n\n');
    this.#clients.add(res);
    req.on('close', () => this.#clients.delete(res));
    if (!this.#keepalive) {
      this.#keepalive = setInterval(() => this.#write(': keepalive\n\n'), KEEPALIVE_MS);
      this.#keepalive.unref();
    }
  }

  send(event: string, data: unknown): void {
    if (this.#clients.size > 0) this.#write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    if (this.#keepalive) clearInterval(this.#keepalive);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const res of this.#clients) res.write(text);
  }
}
