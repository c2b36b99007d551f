import type { AtChannel } from './at-channel.js';
import { at, ESC } from './command.js';

export interface EscapeThenAtOptions {
  /** How long `AT` may take to answer. */
  timeoutMs: number;
  /**
   * A pause between the ESC and the `AT`, so that the answer to the ESC (an `OK` from a prompt it
   * closed) arrives with nothing in flight and is not taken for the answer to our `AT`. 0: none.
   */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Asked after the pause: false stops before the `AT` is written. */
  stillWanted?: () => boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The one way this project asks "is a modem there, ready for commands?": ESC, to leave a `> `
 * prompt a previous run left open (27.005 §3.5.1: ESC cancels the send; a prompt left open would
 * take our `AT` as SMS text, docs/modem-behaviour.md §1), then `AT`. Resolves true once `AT` got
 * its `OK`, false when `stillWanted` said stop; rejects with the channel's error otherwise. The
 * session repeats it until its state's deadline (src/modem/modem-session.ts); port detection asks
 * once per candidate (src/api/open-port.ts).
 */
export async function escapeThenAt(channel: AtChannel, options: EscapeThenAtOptions): Promise<boolean> {
  await channel.writeRaw(ESC);
  if (options.settleMs) await (options.sleep ?? realSleep)(options.settleMs);
  if (options.stillWanted && !options.stillWanted()) return false;
  await channel.send(at('AT', { timeoutMs: options.timeoutMs }));
  return true;
}
