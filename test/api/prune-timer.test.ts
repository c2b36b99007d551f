import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { schedulePrune } from '../../src/api/prune-timer.js';
import { memoryLogger } from '../../src/log.js';

describe('schedulePrune', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('prunes at once and then at every interval with the retention asked for', () => {
    const prune = vi.fn(() => ({ inbound: 0, outbound: 0 }));
    const stop = schedulePrune({ prune }, 7, memoryLogger(), 1000);
    expect(prune).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3000);
    expect(prune).toHaveBeenCalledTimes(4);
    expect(prune.mock.calls.every((args: unknown[]) => args[0] === 7)).toBe(true);
    stop();
    vi.advanceTimersByTime(3000);
    expect(prune).toHaveBeenCalledTimes(4);
  });

  it('logs a failing prune and keeps the timer going', () => {
    const log = memoryLogger();
    let calls = 0;
    const prune = vi.fn(() => {
      calls++;
      if (calls === 2) throw new Error('database is locked');
      return { inbound: 1, outbound: 0 };
    });
    const stop = schedulePrune({ prune }, 30, log, 1000);
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    const errors = log.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.obj).toEqual({ err: 'database is locked' });
    vi.advanceTimersByTime(1000);
    expect(prune).toHaveBeenCalledTimes(3);
    expect(log.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    stop();
  });

  it('a prune that fails at start is logged, not thrown', () => {
    const log = memoryLogger();
    const stop = schedulePrune(
      {
        prune: () => {
          throw new Error('disk I/O error');
        },
      },
      30,
      log,
      1000,
    );
    expect(log.entries.map((e) => e.level)).toEqual(['error']);
    stop();
  });
});
