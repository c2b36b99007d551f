/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4), as the reference's `tokenUrl` serves them:
 * `POST /api-services/v1/auth/token` with `grant_type=client_credentials`, the client's id and
 * secret in the form or in HTTP Basic, answers `{ access_token, token_type: "Bearer", expires_in }`.
 * Tokens live in memory only: after a restart clients fetch a new one (the credentials persist).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account } from './db.js';

export const TOKEN_PATH = '/api-services/v1/auth/token';

export type TokenAnswer =
  | { ok: true; body: { access_token: string; token_type: 'Bearer'; expires_in: number } }
  // RFC 6749 §5.2 error response.
  | { ok: false; status: 400 | 401; body: { error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type'; error_description: string } };

export class TokenIssuer {
  readonly #tokens = new Map<string, number>();

  constructor(
    private readonly account: Account,
    private readonly clock: () => Date,
    /** Token lifetime in seconds (default 3600). */
    private readonly ttlS = 3600,
  ) {}

  /** Answers a token request from its form and Authorization header. */
  grant(form: URLSearchParams, authorization: string | undefined): TokenAnswer {
    const grantType = form.get('grant_type');
    if (grantType === null) return { ok: false, status: 400, body: { error: 'invalid_request', error_description: 'grant_type is required' } };
    if (grantType !== 'client_credentials') return { ok: false, status: 400, body: { error: 'unsupported_grant_type', error_description: `grant_type ${grantType} is not supported; use client_credentials` } };
    const basic = parseBasic(authorization);
    const id = basic?.id ?? form.get('client_id');
    const secret = basic?.secret ?? form.get('client_secret');
    if (id !== this.account.clientId || secret === null || !same(secret, this.account.clientSecret)) {
      return { ok: false, status: 401, body: { error: 'invalid_client', error_description: 'unknown client or wrong secret' } };
    }
    return { ok: true, body: this.issue() };
  }

  /** A new token, without credentials: for the console, which only a local page can ask (local-only.ts). */
  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const now = this.clock().getTime();
    for (const [token, expires] of this.#tokens) if (expires <= now) this.#tokens.delete(token);
    const token = randomBytes(32).toString('base64url');
    this.#tokens.set(token, now + this.ttlS * 1000);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlS };
  }

  /** Why an `Authorization` header does not grant access, or undefined when it does. */
  refuse(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return 'Authorization header with a Bearer token is required';
    const expires = this.#tokens.get(match[1]!);
    if (expires === undefined) return 'The access token is not valid';
    if (expires <= this.clock().getTime()) return 'The access token has expired';
    return undefined;
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
