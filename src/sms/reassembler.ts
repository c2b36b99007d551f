import type { DeliverRecord } from './types.js';

/**
 * Joins the parts of a concatenated SMS (user-data header, 3GPP TS 23.040 §9.2.3.24.1). Pure:
 * the inbox feeds parts in and asks for what has been waiting too long. Super SIM commands are
 * single parts; long messages come from other senders, and must neither be handled piecemeal
 * nor sit forever on the SIM: a message still incomplete after the timeout is given up on and
 * its parts are handed out one by one, so the layer above records and deletes them.
 */
export interface Part<T extends DeliverRecord> {
  record: T;
  receivedAt: number;
}

export type Assembled<T extends DeliverRecord> = { kind: 'complete'; parts: T[]; text: string } | { kind: 'expired'; parts: T[] };

export class Reassembler<T extends DeliverRecord> {
  readonly #pending = new Map<string, { total: number; parts: Map<number, Part<T>> }>();

  constructor(private readonly timeoutMs: number) {}

  /** Adds a part; returns the whole message once its last part is in. */
  add(record: T, now: number): Assembled<T> | undefined {
    const udh = record.udh;
    if (!udh || udh.total <= 1) return { kind: 'complete', parts: [record], text: record.text };
    const key = `${record.sender}|${udh.reference}|${udh.total}`;
    const entry = this.#pending.get(key) ?? { total: udh.total, parts: new Map<number, Part<T>>() };
    this.#pending.set(key, entry);
    entry.parts.set(udh.sequence, { record, receivedAt: now });
    if (entry.parts.size < entry.total) return undefined;
    this.#pending.delete(key);
    const parts = [...entry.parts.entries()].sort(([a], [b]) => a - b).map(([, p]) => p.record);
    return { kind: 'complete', parts, text: parts.map((p) => p.text).join('') };
  }

  /** Messages whose first part arrived more than the timeout ago and are still incomplete. */
  expire(now: number): Assembled<T>[] {
    const out: Assembled<T>[] = [];
    for (const [key, entry] of this.#pending) {
      const first = Math.min(...[...entry.parts.values()].map((p) => p.receivedAt));
      if (now - first < this.timeoutMs) continue;
      this.#pending.delete(key);
      out.push({ kind: 'expired', parts: [...entry.parts.values()].map((p) => p.record) });
    }
    return out;
  }

  get pending(): number {
    return this.#pending.size;
  }
}
