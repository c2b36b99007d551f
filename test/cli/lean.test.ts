import { describe, expect, it } from 'vitest';
import { COLLECT_EVERY, heapKeeper } from '../../src/cli/lean.js';

const turn = () => new Promise((done) => setImmediate(done));

describe('heapKeeper: a full collection every so many handled commands', () => {
  it('collects once per COLLECT_EVERY commands, after the handler returns', async () => {
    let collections = 0;
    const handled = heapKeeper({ gc: () => collections++ });
    for (let i = 1; i < COLLECT_EVERY; i++) handled();
    await turn();
    expect(collections).toBe(0);
    handled();
    expect(collections).toBe(0); // not inside the handler
    await turn();
    expect(collections).toBe(1);
    for (let i = 0; i < 2 * COLLECT_EVERY; i++) handled();
    await turn();
    expect(collections).toBe(3);
  });

  it('takes another interval', async () => {
    let collections = 0;
    const handled = heapKeeper({ every: 3, gc: () => collections++ });
    for (let i = 0; i < 10; i++) handled();
    await turn();
    expect(collections).toBe(3);
  });

  it('does nothing where gc is not exposed (not `smsbridge run`, or SMSBRIDGE_V8=keep)', () => {
    // Under the tests' loader the flags stay off, so there is no gc to call and nothing throws.
    const handled = heapKeeper();
    expect(() => {
      for (let i = 0; i < 3 * COLLECT_EVERY; i++) handled();
    }).not.toThrow();
  });
});
