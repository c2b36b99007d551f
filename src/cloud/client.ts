/**
 * A typed client for the Super SIM SMS Commands API (reference: docs/sandbox.md "API", from the vendor's SmsCommand resource page).
 * The base URL and token URL are configurable, so the same client talks to the real service or
 * to `smsbridge sandbox`. Requests carry a bearer token from OAuth client credentials; a 401
 * renews the token once and repeats the request.
 */
import { CloudApiError, errorFromBody } from './cloud-error.js';
import { PageWire, parseSmsCommand, type SmsCommand, type SmsCommandDirection, type SmsCommandStatus } from './sms-command.js';
import { TokenProvider } from './token-provider.js';

export const DEFAULT_BASE_URL = 'https://supersim.api.korewireless.com';
export const DEFAULT_TOKEN_URL = 'https://api.korewireless.com/api-services/v1/auth/token';

export interface ClientOptions {
  clientId: string;
  clientSecret: string;
  /** Default the real service, `https://supersim.api.korewireless.com`. */
  baseUrl?: string;
  /** Default the reference's tokenUrl, `https://api.korewireless.com/api-services/v1/auth/token`. */
  tokenUrl?: string;
  /** Decides when the cached token is due for renewal (default the system clock). */
  clock?: () => Date;
  fetch?: typeof fetch;
}

export interface CreateSmsCommand {
  /** SID or unique name of the Sim. */
  sim: string;
  /** At most 160 GSM-7 characters. */
  payload: string;
  callbackUrl?: string;
  /** Default POST. */
  callbackMethod?: 'GET' | 'POST';
}

export interface ListSmsCommands {
  sim?: string;
  status?: SmsCommandStatus;
  direction?: SmsCommandDirection;
  /** Default 50, at most 1000. */
  pageSize?: number;
}

export interface SmsCommandPage {
  items: SmsCommand[];
  page: number;
  pageSize: number;
  url: string;
  firstPageUrl: string;
  nextPageUrl: string | null;
  previousPageUrl: string | null;
}

export class SmsCommandsClient {
  readonly #base: URL;
  readonly #tokens: TokenProvider;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.#base = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
    this.#fetch = options.fetch ?? fetch;
    this.#tokens = new TokenProvider({
      tokenUrl: options.tokenUrl ?? DEFAULT_TOKEN_URL,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      fetch: this.#fetch,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** `POST /v1/SmsCommands`: the command starts `queued`. */
  async create(input: CreateSmsCommand): Promise<SmsCommand> {
    const form = new URLSearchParams({ Sim: input.sim, Payload: input.payload });
    if (input.callbackUrl !== undefined) form.set('CallbackUrl', input.callbackUrl);
    if (input.callbackMethod !== undefined) form.set('CallbackMethod', input.callbackMethod);
    return parseSmsCommand(await this.#request('POST', this.#url('/v1/SmsCommands'), form));
  }

  /** `GET /v1/SmsCommands/{Sid}`. */
  async fetch(sid: string): Promise<SmsCommand> {
    return parseSmsCommand(await this.#request('GET', this.#url(`/v1/SmsCommands/${encodeURIComponent(sid)}`)));
  }

  /** One page: the first for `params`, or the page at a `nextPageUrl`/`previousPageUrl`. */
  async page(params: ListSmsCommands | string = {}): Promise<SmsCommandPage> {
    const url = typeof params === 'string' ? this.#sameOrigin(params) : this.#listUrl(params);
    const body = PageWire.parse(await this.#request('GET', url));
    return {
      items: body.sms_commands.map(parseSmsCommand),
      page: body.meta.page,
      pageSize: body.meta.page_size,
      url: body.meta.url,
      firstPageUrl: body.meta.first_page_url,
      nextPageUrl: body.meta.next_page_url,
      previousPageUrl: body.meta.previous_page_url,
    };
  }

  /** Every page in turn, following `next_page_url`. */
  async *pages(params: ListSmsCommands = {}): AsyncGenerator<SmsCommandPage> {
    let page = await this.page(params);
    yield page;
    while (page.nextPageUrl !== null) {
      page = await this.page(page.nextPageUrl);
      yield page;
    }
  }

  /** Every command matching `params`, newest first, fetching pages as the loop needs them. */
  async *list(params: ListSmsCommands = {}): AsyncGenerator<SmsCommand> {
    for await (const page of this.pages(params)) yield* page.items;
  }

  #listUrl(params: ListSmsCommands): URL {
    const url = this.#url('/v1/SmsCommands');
    if (params.sim !== undefined) url.searchParams.set('Sim', params.sim);
    if (params.status !== undefined) url.searchParams.set('Status', params.status);
    if (params.direction !== undefined) url.searchParams.set('Direction', params.direction);
    if (params.pageSize !== undefined) url.searchParams.set('PageSize', String(params.pageSize));
    return url;
  }

  #url(path: string): URL {
    return new URL(`${this.#base.pathname.replace(/\/$/, '')}${path}`, this.#base);
  }

  /** Page URLs come from the server; the bearer token only ever goes to the configured origin. */
  #sameOrigin(link: string): URL {
    const url = new URL(link, this.#base);
    if (url.origin !== this.#base.origin) throw new CloudApiError(`page URL ${link} is not on ${this.#base.origin}`, 0);
    return url;
  }

  async #request(method: 'GET' | 'POST', url: URL, form?: URLSearchParams, retried = false): Promise<unknown> {
    const token = await this.#tokens.token();
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: form } : {}),
      });
    } catch (error) {
      throw new CloudApiError(`${method} ${url.pathname} failed: ${(error as Error).message}`, 0, undefined, undefined, { cause: error });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 401 && !retried) {
      // The token expired early or the server forgot it (a restarted sandbox): renew once.
      this.#tokens.invalidate();
      return this.#request(method, url, form, true);
    }
    if (!response.ok) throw errorFromBody(response.status, body, `${method} ${url.pathname}`);
    return body;
  }
}
