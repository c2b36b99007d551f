/** Reading forms and writing JSON over node:http, with the CORS headers the reference lists. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badParameter } from './api-error.js';

const MAX_BODY = 64 * 1024;

/** A form-encoded body (`application/x-www-form-urlencoded`, what `curl --data-urlencode` sends). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw badParameter(`the request body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (text !== '' && type !== 'application/x-www-form-urlencoded') {
    throw badParameter(`the request body must be application/x-www-form-urlencoded, not ${type || 'untyped'}`);
  }
  return new URLSearchParams(text);
}

export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type',
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'Content-Type',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...CORS_HEADERS, ...headers });
  res.end(JSON.stringify(body));
}
