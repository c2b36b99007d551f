/**
 * Hands a command to a local service: POST it as JSON, answer with the first line of the body.
 * Only loopback URLs unless `allowRemote`, because a command must not leave the device by
 * surprise; redirects are not followed for the same reason (a 3xx answers `ERR http 3xx`).
 */
import { ActionFailure, type Handler } from '../types.js';
import { firstLine } from './exec.js';

export interface HttpActionOptions {
  url: string;
  /** Allow a non-loopback host. Default false. */
  allowRemote?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a URL is not acceptable, or undefined when it is. */
export function checkHttpUrl(url: string, allowRemote = false): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: ${url}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `expected an http: or https: URL, got ${parsed.protocol}`;
  if (!allowRemote && !LOOPBACK.has(parsed.hostname)) return `host ${parsed.hostname} is not local (127.0.0.1, localhost or [::1]); set allowRemote: true to allow it`;
  return undefined;
}

export function httpHandler(options: HttpActionOptions): Handler {
  const problem = checkHttpUrl(options.url, options.allowRemote);
  if (problem !== undefined) throw new TypeError(problem);

  return async ({ command, verb, args, json, signal }) => {
    const body = JSON.stringify({
      id: command.id,
      sender: command.sender,
      text: command.text,
      verb,
      args,
      json: json ?? null,
      sentAt: command.sentAt.toISOString(),
    });
    let response: Response;
    try {
      response = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal, redirect: 'manual' });
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
      throw new Error(`request failed: ${causeOf(error)}`);
    }
    const text = await response.text();
    if (response.status < 200 || response.status > 299) throw new ActionFailure(`ERR http ${response.status}`);
    return firstLine(text);
  };
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED…) is in the cause. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
