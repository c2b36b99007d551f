import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The value below which `p` percent of the samples fall (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

let gc: (() => void) | undefined;

/**
 * Resident set and V8 heap after a full garbage collection, in MiB, so two samples compare what
 * is kept rather than what is merely not collected yet. `--expose-gc` is turned on at run time
 * (the npm script runs plain `node`).
 */
export function memoryAfterGc(): { rssMiB: number; heapMiB: number } {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMiB: rss / 1048576, heapMiB: heapUsed / 1048576 };
}

/** User + system CPU time since `since`, in ms. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}
