/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) against the reference's `tokenUrl`. The token is
 * cached and fetched again `refreshSkewS` before it expires, or at once after the API said 401
 * (`invalidate()`). Concurrent callers share one token request.
 */
import { z } from 'zod';
import { CloudApiError, errorFromBody } from './cloud-error.js';

const TokenBody = z.object({ access_token: z.string().min(1), token_type: z.string(), expires_in: z.number().positive() });

export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Seconds before expiry at which the token is renewed (default 60). */
  refreshSkewS?: number;
}

export class TokenProvider {
  readonly #o: TokenProviderOptions;
  #token: { value: string; renewAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: TokenProviderOptions) {
    this.#o = options;
  }

  async token(): Promise<string> {
    const now = (this.#o.clock ?? (() => new Date()))().getTime();
    if (this.#token && now < this.#token.renewAt) return this.#token.value;
    this.#pending ??= this.#fetch(now).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  invalidate(): void {
    this.#token = undefined;
  }

  async #fetch(now: number): Promise<string> {
    let response: Response;
    try {
      response = await (this.#o.fetch ?? fetch)(this.#o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.#o.clientId, client_secret: this.#o.clientSecret }),
      });
    } catch (error) {
      throw new CloudApiError(`token request failed: ${(error as Error).message}`, 0, undefined, undefined, { cause: error });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw errorFromBody(response.status, body, 'token request refused');
    const parsed = TokenBody.safeParse(body);
    if (!parsed.success || parsed.data.token_type.toLowerCase() !== 'bearer') throw new CloudApiError('token endpoint answered without a bearer token', response.status);
    const lifetime = parsed.data.expires_in * 1000;
    const skew = Math.min((this.#o.refreshSkewS ?? 60) * 1000, lifetime / 2);
    this.#token = { value: parsed.data.access_token, renewAt: now + lifetime - skew };
    return this.#token.value;
  }
}
