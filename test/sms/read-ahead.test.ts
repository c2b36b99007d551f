import { describe, expect, it } from 'vitest';
import { ReadAhead, type ReadOutcome } from '../../src/sms/read-ahead.js';

describe('ReadAhead: reads queued behind the lock, which a send may carry on its line', () => {
  it('hands out the oldest read of the storage mem1 points at, once, and never one of another storage', () => {
    const ahead = new ReadAhead();
    const me = ahead.queue('ME', 3);
    const sm1 = ahead.queue('SM', 5);
    const sm2 = ahead.queue('SM', 6);
    expect(ahead.take('SM')).toBe(sm1);
    expect(ahead.take('SM')).toBe(sm2);
    expect(ahead.take('SM')).toBeUndefined();
    expect(ahead.take('ME')).toBe(me);
  });

  it('a released read is taken again; a delivered one is consumed when the inbox used it, and done removes it', () => {
    const ahead = new ReadAhead();
    const seen: ReadOutcome[] = [];
    let use = true;
    ahead.handle((_read, outcome) => (seen.push(outcome), use));
    const read = ahead.queue('SM', 5);
    expect(ahead.take('SM')).toBe(read);
    ahead.release(read);
    expect(ahead.take('SM')).toBe(read);
    ahead.deliver(read, { record: undefined });
    expect(read.consumed).toBe(true);
    expect(ahead.take('SM')).toBeUndefined();
    // An outcome the inbox could not use (the read failed on the line) leaves the read to its own job.
    use = false;
    const other = ahead.queue('SM', 6);
    ahead.take('SM');
    ahead.deliver(other, { error: new Error('+CMS ERROR: 500') });
    expect(other.consumed).toBe(false);
    expect(ahead.take('SM')).toBe(other);
    expect(seen).toHaveLength(2);
    ahead.done(read);
    ahead.done(other);
    expect(ahead.size).toBe(0);
  });

  it('says a send waits while one that can carry a read has asked for the lock and not started', () => {
    const ahead = new ReadAhead();
    expect(ahead.sendWaiting).toBe(false);
    const first = ahead.sendQueued();
    const second = ahead.sendQueued();
    first();
    first(); // started once, counted once
    expect(ahead.sendWaiting).toBe(true);
    second();
    expect(ahead.sendWaiting).toBe(false);
  });
});
