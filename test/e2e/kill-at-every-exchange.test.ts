import { afterEach, describe, expect, it } from 'vitest';
import { killRig, ping, waitFor, type KillRig } from './kill-helpers.js';

/**
 * A kill between any two exchanges never makes a delete take an unrecorded message, and never
 * loses or doubles a command: two commands wait in storage, `smsbridge run` starts and is killed
 * with SIGKILL as the modem receives its k-th command line, for every k of a clean run; a second
 * run finishes the work. Every delete is checked against the database when the modem carries it out.
 */
let rigs: KillRig[] = [];
afterEach(async () => {
  for (const r of rigs) await r.close();
  rigs = [];
});

async function run(killAtLine?: number): Promise<KillRig> {
  const rig = await killRig('quectel', 'store');
  rigs.push(rig);
  ping(rig.modem, 1);
  ping(rig.modem, 2);
  if (killAtLine !== undefined) rig.killAtLine = killAtLine;
  rig.start();
  if (killAtLine !== undefined) {
    await waitFor(() => rig.lines() >= killAtLine, `line ${killAtLine}`, 20_000);
    await rig.kill();
    rig.start();
  }
  await waitFor(() => rig.replyCounts().size === 2 && rig.modem.stored().length === 0, 'both replies and an empty storage', 30_000);
  return rig;
}

describe('kill -9 at every command line of a run', () => {
  it('loses nothing, doubles nothing, and frees only recorded slots, wherever the kill falls', async () => {
    const clean = await run();
    // The lines of the work itself: startup, the sweep, two reads, two replies stored and sent, the deletes.
    const lines = clean.lines();
    await clean.close();
    rigs = [];
    expect(lines).toBeGreaterThan(10);
    for (let k = 1; k <= lines; k++) {
      const rig = await run(k);
      expect({ k, counts: [...rig.replyCounts().entries()].sort() }).toEqual({ k, counts: [['pong 1', 1], ['pong 2', 1]] });
      expect({ k, unrecorded: rig.unrecordedDeletes }).toEqual({ k, unrecorded: [] });
      await rig.close();
      rigs = [];
    }
  }, 600_000);
});
