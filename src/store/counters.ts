import type { StoreContext } from './context.js';
import type { Statement } from '../sqlite.js';
import { invalid } from './store-error.js';

interface CounterRow {
  last_counter: number;
  inbound_id: number | null;
}

/**
 * Replay protection for signed commands: the last accepted counter per sender, never pruned.
 *
 * Crash window: the counter is accepted, then the process dies before the command leaves `received`.
 * On restart the command is verified again with the same counter; passing its inbound id lets the
 * store recognise that re-check (same counter, same command) instead of refusing it as a replay.
 */
export class CounterLog {
  private readonly select: Statement<[string], CounterRow>;
  private readonly upsert: Statement<[Record<string, unknown>]>;

  constructor(private readonly ctx: StoreContext) {
    this.select = ctx.db.prepare('SELECT last_counter, inbound_id FROM counters WHERE sender = ?');
    this.upsert = ctx.db.prepare(
      `INSERT INTO counters (sender, last_counter, inbound_id, updated_at) VALUES (@sender, @counter, @inboundId, @now)
       ON CONFLICT (sender) DO UPDATE SET last_counter = excluded.last_counter,
         inbound_id = excluded.inbound_id, updated_at = excluded.updated_at`,
    );
  }

  accept(sender: string, counter: number, inboundId?: number): boolean {
    if (!Number.isSafeInteger(counter) || counter < 0) throw invalid(`counter ${counter} is not a non-negative integer`);
    return this.ctx.write(() => {
      const last = this.select.get(sender);
      if (last !== undefined && counter <= last.last_counter) {
        return counter === last.last_counter && inboundId !== undefined && last.inbound_id === inboundId;
      }
      this.upsert.run({ sender, counter, inboundId: inboundId ?? null, now: this.ctx.now() });
      return true;
    });
  }
}
