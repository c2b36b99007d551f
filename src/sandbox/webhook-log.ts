/**
 * The last webhook calls, for the console's webhook panel: a bounded list, so a sandbox left
 * running for days does not grow with every callback.
 */
import type { WebhookCall } from './callbacks.js';

export interface LoggedWebhookCall extends WebhookCall {
  /** Order of arrival: lets the console merge the list it loaded with the calls the stream brings. */
  id: number;
}

export class WebhookLog {
  readonly #calls: LoggedWebhookCall[] = [];
  #next = 1;

  constructor(private readonly keep = 200) {}

  add(call: WebhookCall): LoggedWebhookCall {
    const logged = { id: this.#next++, ...call };
    this.#calls.push(logged);
    if (this.#calls.length > this.keep) this.#calls.shift();
    return logged;
  }

  /** Newest first, like every list of the console. */
  recent(): LoggedWebhookCall[] {
    return [...this.#calls].reverse();
  }
}
