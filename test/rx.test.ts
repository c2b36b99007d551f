import * as rxjs from 'rxjs';
import { describe, expect, it } from 'vitest';
import * as rx from '../src/rx.js';

// src/rx.ts loads RxJS one module at a time from `rxjs/internal/*` (issue 14: about 4 MiB of heap
// less than the whole index). Those paths are not RxJS's documented API: this fails on an RxJS
// release that moves or changes one, before a device does.
describe('src/rx.ts', () => {
  const names = Object.keys(rx) as (keyof typeof rx)[];

  it('exports the parts the bridge uses', () => {
    expect(names.length).toBeGreaterThanOrEqual(20);
  });

  it.each(names)('%s is the very object the public rxjs index exports', (name) => {
    expect(rx[name]).toBeDefined();
    expect(rx[name]).toBe((rxjs as Record<string, unknown>)[name]);
  });
});
