/**
 * The console's files, served as they are: plain ES modules, a stylesheet and a page, from the
 * package's `console/` folder (next to `src/` and `dist/`, so the sources and the build find it
 * the same way). No bundler: the browser loads the modules itself. Files are read once and kept,
 * gzipped too, as they never change while the sandbox runs.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export const CONSOLE_DIR = new URL('../../console/', import.meta.url);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A file name the console may have: no folders, no dots but the extension's. */
const NAME = /^[a-z0-9-]+\.(html|js|css|svg)$/;

interface File {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

export class StaticFiles {
  readonly #cache = new Map<string, File | null>();

  constructor(private readonly dir: URL = CONSOLE_DIR) {}

  /** Writes the file and returns true, or returns false when there is no such file. */
  serve(name: string, req: IncomingMessage, res: ServerResponse): boolean {
    const file = this.#file(name);
    if (!file) return false;
    sendBody(req, res, 200, file.type, file.body, file.gzipped);
    return true;
  }

  #file(name: string): File | null {
    if (!NAME.test(name)) return null;
    let file = this.#cache.get(name);
    if (file === undefined) {
      try {
        const body = readFileSync(new URL(name, this.dir));
        file = { type: TYPES[name.slice(name.lastIndexOf('.') + 1)]!, body, gzipped: gzipSync(body) };
      } catch {
        file = null;
      }
      this.#cache.set(name, file);
    }
    return file;
  }
}

/** Sends gzip to a client that takes it: the first load is most of the console's bytes. */
export function sendBody(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer, gzipped?: Buffer): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && body.length > 512;
  const payload = gzip ? (gzipped ?? gzipSync(body)) : body;
  res.writeHead(status, {
    'content-type': type,
    'content-length': payload.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(payload);
}
