/**
 * Webhooks: the command's status callback (MT) and the fleet's `sms_commands_url` (MO) get the
 * parameters of the reference's "SMS Command resource status callbacks", as a GET query or a
 * POST form. Calls for one command go out in order (a `delivered` never overtakes its `sent`);
 * a failing webhook is logged and not retried.
 */
import type { Logger } from '../log.js';
import type { CommandRecord, HttpMethod, SimRecord } from './resources.js';

export function callbackParams(command: CommandRecord, sim: SimRecord | undefined): Record<string, string> {
  return {
    AccountSid: command.accountSid,
    CommandSid: command.sid,
    SimSid: command.simSid,
    SimUniqueName: sim?.uniqueName ?? '',
    Payload: command.payload,
    // "text mode by default. Binary mode is not supported."
    PayloadType: 'text',
    Direction: command.direction,
    Status: command.status,
    ApiVersion: 'v1',
    // "Unless the status is failed, ErrorCode will not be present."
    ...(command.status === 'failed' && command.errorCode !== null ? { ErrorCode: String(command.errorCode), ErrorMessage: command.errorMessage ?? '' } : {}),
  };
}

/** One webhook call as it went: what was sent and the answer (an HTTP status, or why there was none). */
export interface WebhookCall {
  commandSid: string;
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
  /** Milliseconds since the epoch (wall clock: this is about the real HTTP call, not sandbox time). */
  at: number;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface CallbackOptions {
  log: Logger;
  /** Told of every call once it has its answer (the console's webhook panel). */
  called?: (call: WebhookCall) => void;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class CallbackSender {
  readonly #chains = new Map<string, Promise<void>>();
  readonly #options: CallbackOptions;

  constructor(options: CallbackOptions) {
    this.#options = options;
  }

  /** Queues the call behind earlier ones with the same key (the command SID). */
  send(key: string, url: string, method: HttpMethod, params: Record<string, string>): void {
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#call(url, method, params));
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  /** Resolves once every queued call has been made. */
  async idle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all(this.#chains.values());
  }

  async #call(url: string, method: HttpMethod, params: Record<string, string>): Promise<void> {
    const body = new URLSearchParams(params);
    const target = new URL(url);
    if (method === 'GET') for (const [k, v] of body) target.searchParams.append(k, v);
    const at = Date.now();
    const report = (status: number | null, error: string | null) =>
      this.#options.called?.({ commandSid: params.CommandSid ?? '', url, method, params, at, status, error, ms: Date.now() - at });
    try {
      const response = await (this.#options.fetch ?? fetch)(target, {
        method,
        ...(method === 'POST' ? { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      if (!response.ok) this.#options.log.warn({ url, status: response.status, command: params.CommandSid }, 'webhook answered an error');
      report(response.status, null);
    } catch (error) {
      this.#options.log.warn({ url, error: (error as Error).message, command: params.CommandSid }, 'webhook call failed');
      report(null, (error as Error).message);
    }
  }
}
