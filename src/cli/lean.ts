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
 * All three are read by V8 at run time, so setting them here works without a Node flag
 * (unlike `--max-semi-space-size`, which is read once at start). `SMSBRIDGE_V8=keep` turns this off.
 */
import { setFlagsFromString } from 'node:v8';

// Not when module hooks run (`--import`/`--loader`, as the tests' TypeScript loader): their worker
// thread is a second isolate already running, and V8 flags changed under a running isolate may
// hang or crash it (Node's v8.setFlagsFromString warning).
const hooked = process.execArgv.some((arg) => /^--(import|loader|experimental-loader)\b/.test(arg));

if (process.argv[2] === 'run' && process.env.SMSBRIDGE_V8 !== 'keep' && !hooked) {
  setFlagsFromString('--no-opt');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
}
