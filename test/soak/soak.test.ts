import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../src/bench/soak.js';

/**
 * The CI soak: `smsbridge run` from the TypeScript sources (via the transpiling loader, so never a
 * stale build) on the virtual modem's pty; 300 commands, 3 % of them with a fault on the modem
 * (unplugs, announced and silent resets, SIM busy among them), SIGKILL every 100. It asserts counts,
 * never time. `npm run soak` is the long version.
 */
const loader = fileURLToPath(new URL('../store/crash/register-ts.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('soak: commands through faults and SIGKILLs', () => {
  it('answers each of 300 commands exactly once and runs each action at most once', async () => {
    const report = await runSoak({
      commands: 300,
      faultRate: 0.03,
      killEvery: 100,
      seed: Number(process.env.SOAK_SEED ?? 1),
      bridgeArgv: ['--import', loader, main],
      stallMs: 45_000,
      cnmaTimeoutMs: 3000,
      // +CMTI: the path this soak was made for. With +CMT+CNMA it stalled 45 s once in three full-suite
      // runs and never alone (issue 14's note); `npm run soak -- --delivery auto` runs that path.
      delivery: 'store',
    });
    const summary = { faults: report.faults, kills: report.kills, interrupted: report.interrupted, seconds: report.seconds };
    expect({ ...summary, crashes: report.crashes }).toEqual({ ...summary, crashes: [] });
    expect(report.commandsLost).toEqual([]);
    expect(report.actionsRunTwice).toEqual([]);
    expect(report.repliesLost).toEqual([]);
    expect(report.repliesDuplicated).toEqual([]);
    expect(report.unexpectedReplies).toEqual([]);
    expect(report.stalled).toBe(false);
    expect(report.storageLeft).toBe(0);
    expect(report.kills).toBe(3);
  }, 180_000);
});
