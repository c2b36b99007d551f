import { afterEach, describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../src/sim/profiles.js';
import { killRig, ping, waitFor, type KillRig } from './kill-helpers.js';

/**
 * kill -9 on every path and every profile: `+CMT` acknowledged with `+CNMA` (sms.delivery auto)
 * and `+CMTI` (store), replies stored then sent (exactly once). Nothing lost, nothing run or
 * answered twice, nothing left in storage, and no slot freed before its content was recorded.
 */
let rigs: KillRig[] = [];
afterEach(async () => {
  for (const r of rigs) await r.close();
  rigs = [];
});

const PINGS = 24;

describe.each(['auto', 'store'] as const)('sms.delivery %s, killed twice mid-stream', (delivery) => {
  it.each(PROFILE_NAMES)('%s: every ping answered exactly once', async (profile) => {
    const rig = await killRig(profile, delivery);
    rigs.push(rig);
    rig.start();
    let delivered = 0;
    for (const killAt of [8, 16]) {
      while (delivered < killAt) {
        ping(rig.modem, ++delivered);
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(() => rig.modem.outbox.length >= killAt - 6, `replies before the kill at ${killAt}`);
      await rig.kill();
      rig.start();
    }
    while (delivered < PINGS) {
      ping(rig.modem, ++delivered);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => rig.replyCounts().size >= PINGS, `all ${PINGS} replies`, 60_000);
    await waitFor(() => rig.modem.stored().length === 0, 'storage to empty', 20_000);
    const counts = rig.replyCounts();
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(Array.from({ length: PINGS }, (_, i) => `pong ${i + 1}`).sort());
    expect(rig.unrecordedDeletes).toEqual([]);
  }, 90_000);
});
