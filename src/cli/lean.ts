/**
 * V8 settings for the long-running `smsbridge run` (issue 14: peak RSS ≤ 60 MB on a Pi-class device).
 * Imported first by main.ts, before anything else is loaded, because the young generation grows
 * during startup. Measured with `npm run bench -- --only proc0` (BENCHMARKS.md, "Memory"):
 * - `--no-opt`: no TurboFan. The bridge waits on the modem and fsync, not on hot loops: CPU per
 *   command is unchanged within noise, and the optimizing compiler's code pages, zones and
 *   optimized code are about 12 MiB of RSS we never use.
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 1 MiB semi-spaces
 *   instead of growing to 16 MiB ones; our per-command garbage is small and short-lived.
 * - `--optimize-for-size`: the old generation grows by smaller steps, so garbage promoted over
 *   10,000 commands is collected at ~20 MiB of heap instead of piling up to ~35 (the live heap is ~10).
 * - `--no-sparkplug`: no baseline compiler either. Its code and its compile jobs were about 1.2 MiB
 *   of peak RSS over 1,000 commands (57.7-58.1 → 56.4-56.9 MiB in three pairs of runs) for no CPU
 *   we could measure: the bridge's time is in the kernel, SQLite and the interpreter's builtins.
 * - `--expose-gc`, for `heapKeeper` below.
 * All are read by V8 at run time, so setting them here works without a Node flag (unlike
 * `--max-semi-space-size`, which is read once at start). `SMSBRIDGE_V8=keep` turns this off.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Not when module hooks run (`--import`/`--loader`, as the tests' TypeScript loader): their worker
// thread is a second isolate already running, and V8 flags changed under a running isolate may
// hang or crash it (Node's v8.setFlagsFromString warning).
const hooked = process.execArgv.some((arg) => /^--(import|loader|experimental-loader)\b/.test(arg));

const lean = process.argv[2] === 'run' && process.env.SMSBRIDGE_V8 !== 'keep' && !hooked;

if (lean) {
  setFlagsFromString('--no-opt');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--no-sparkplug');
  // Exposes `gc` to contexts created from now on (not to this one's global).
  setFlagsFromString('--expose-gc');
}

/** Commands between two full collections: one costs about 5-8 ms at this heap's ~9 MiB live. */
export const COLLECT_EVERY = 100;

/**
 * Under a steady stream of commands V8 lets the old generation fill with promoted garbage to
 * about 1.5 × the live heap before it collects (13 MiB for 9 live), and its memory reducer only
 * acts once allocation stops. The peak RSS of a busy day is that top. A full collection every
 * COLLECT_EVERY handled commands keeps the heap near its live size: over 3,000 commands at 0 ms,
 * peak RSS 62.4 → 58.7 MiB for about 0.08 ms of CPU per command (BENCHMARKS.md, "Memory").
 * Returns what to call once per handled command; without `gc` (flags off, as under the tests'
 * loader), it does nothing.
 */
export function heapKeeper(options: { every?: number; gc?: () => void } = {}): () => void {
  const gc = options.gc ?? (lean ? (runInNewContext('gc') as () => void) : undefined);
  if (gc === undefined) return () => {};
  const every = options.every ?? COLLECT_EVERY;
  let handled = 0;
  return () => {
    handled++;
    // After the handler's own work: the reply this command queued is not held up by it.
    if (handled % every === 0) setImmediate(gc);
  };
}
