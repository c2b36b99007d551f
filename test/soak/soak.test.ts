import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../src/bench/soak.js';

/**
 * The CI soak: `smsbridge run` from the TypeScript sources (via the transpiling loader, so never a
 * stale build) on the virtual modem's pty; 300 commands, 3 % of them with a fault on the modem
 * (unplugs, announced and silent resets, SIM busy, lost answers among them), SIGKILL every 100. It
 * asserts counts, never time. A lost answer to AT+CMSS is waited out for `sms.sendTimeoutMs` (15 s
 * here, soak.ts), then the slot's <stat> says whether the reply went. `npm run soak` is the long version.
 */
const loader = fileURLToPath(new URL('../store/crash/register-ts.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('soak: commands through faults and SIGKILLs', () => {
  // Both ways in: pushed and acknowledged (+CMT/+CNMA, the default), and stored and announced (+CMTI).
  it.each(['auto', 'store'] as const)('delivery %s: answers each of 300 commands exactly once and runs each action at most once', async (delivery) => {
    const report = await runSoak({
      commands: 300,
      faultRate: 0.03,
      killEvery: 100,
      seed: Number(process.env.SOAK_SEED ?? 1),
      bridgeArgv: ['--import', loader, main],
      stallMs: 45_000,
      cnmaTimeoutMs: 3000,
      delivery,
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
