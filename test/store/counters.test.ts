import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeStore } from '../../src/store/index.js';
import { memoryStore } from './helpers.js';

let store: BridgeStore;
afterEach(() => store.close());

describe('signed-command counters', () => {
  it('accepts the first counter from a sender and then only greater ones', () => {
    ({ store } = memoryStore());
    expect(store.acceptCounter('000', 10)).toBe(true);
    expect(store.acceptCounter('000', 10)).toBe(false);
    expect(store.acceptCounter('000', 9)).toBe(false);
    expect(store.acceptCounter('000', 11)).toBe(true);
    expect(store.acceptCounter('000', 100)).toBe(true);
    expect(store.acceptCounter('000', 50)).toBe(false);
  });

  it('keeps a separate counter per sender', () => {
    ({ store } = memoryStore());
    expect(store.acceptCounter('000', 10)).toBe(true);
    expect(store.acceptCounter('+447700900000', 1)).toBe(true);
    expect(store.acceptCounter('+447700900000', 10)).toBe(true);
  });

  it('accepts zero as a first counter', () => {
    ({ store } = memoryStore());
    expect(store.acceptCounter('000', 0)).toBe(true);
    expect(store.acceptCounter('000', 0)).toBe(false);
  });

  it('accepts the same counter again only when re-checking the same command after a restart', () => {
    ({ store } = memoryStore());
    expect(store.acceptCounter('000', 7, 3)).toBe(true);
    expect(store.acceptCounter('000', 7, 3)).toBe(true);
    expect(store.acceptCounter('000', 7, 4)).toBe(false);
    expect(store.acceptCounter('000', 7)).toBe(false);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses %s as a counter', (counter) => {
    ({ store } = memoryStore());
    expect(() => store.acceptCounter('000', counter)).toThrow(expect.objectContaining({ code: 'STORE_ERROR' }));
  });
});
