import { expect } from 'vitest';
import { join } from 'node:path';
import type { ProfileName } from '../../src/sim/profiles.js';
import { CHECK_MS, expectExactlyOnce, rig } from './supervision-helpers.js';

/**
 * One `smsbridge run` process per profile, through the real serialport binding on the
 * simulator's pty, taken through every modem fault in turn. After each, a command sent is
 * answered within 10 s of the modem being usable again (a silent reset: the check interval plus
 * 10 s), and at the end every command was answered exactly once and the storage is empty.
 */
export async function throughEveryFault(profile: ProfileName): Promise<void> {
  const r = await rig(profile);
  try {
    await r.ping(1, 30_000);

    // USB unplug; the tty comes back under another name, the by-id link follows it.
    r.link.relink(join(r.dir, 'ttyUSB3'));
    r.modem.unplug(1000);
    r.modem.deliver({ from: '000', text: 'ping 2', timestamp: new Date(Date.UTC(2026, 11, 6, 13, 0, 2)) }); // while unplugged
    let usable = await r.usable();
    await r.ping(3, 10_000 + (usable - Date.now()) + 10_000);
    expect(r.link.link).toBe(join(r.dir, 'ttyUSB3'));

    // Faults below strike an idle bridge: one that strikes a command in flight costs that command's
    // own timeout first (docs/supervision.md, "worst cases").
    const idle = () => new Promise((done) => setTimeout(done, 500));

    // An announced reboot, with a command arriving while the modem boots.
    await idle();
    r.modem.reboot();
    const sent = Date.now();
    await r.ping(4, 10_000 + 2000);
    expect(Date.now() - sent).toBeLessThan(10_000 + 2000);

    // A silent reset: settings back to their defaults, not a word said.
    await idle();
    r.modem.reboot({ silent: true });
    usable = await r.usable();
    await r.ping(5, CHECK_MS + 10_000);

    // SIM busy while the bridge configures again.
    await idle();
    r.modem.reboot();
    r.modem.simBusy(6);
    await r.ping(6, 12_000);

    // Storage full: the network holds new messages until the bridge makes room.
    await idle();
    r.modem.fillStorage();
    await r.ping(7, CHECK_MS + 10_000);

    await expectExactlyOnce(r, 7);
    expect(r.bridge.exitCode).toBeNull();
  } catch (error) {
    throw new Error(`${(error as Error).message}`, { cause: error });
  } finally {
    await r.close();
  }
}
