/**
 * The console needs no credentials: the sandbox listens on 127.0.0.1 only, so whoever reaches it
 * is on this machine (and already sees the client secret it prints). A browser, though, may be
 * led there by another site. So console requests must name the sandbox itself as their Host (a
 * DNS-rebinding page names its own), and a browser's request must come from the console's own
 * origin (Origin, Fetch Metadata), or a page elsewhere could inject faults or take a token.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Why the request may not use the console, or undefined when it may. */
export function localOnlyRefusal(req: IncomingMessage, port: number): string | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) return `the console answers only on 127.0.0.1:${port} or localhost:${port}, not ${JSON.stringify(host)}`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `the console answers only its own pages, not a ${site} request`;
  const origin = req.headers.origin;
  if (origin !== undefined && !LOOPBACK_NAMES.some((name) => origin === `http://${name}:${port}`)) return `the console answers only its own pages, not ${origin}`;
  return undefined;
}
