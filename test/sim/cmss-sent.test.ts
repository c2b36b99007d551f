import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../src/sim/profiles.js';
import { quietModem } from './host.js';

/**
 * The exactly-once send path reads a stored reply's <stat> after a crash: STO SENT means it went
 * out (3GPP TS 27.005 §3.5.2: after AT+CMSS the ME marks the message sent). Every profile must do so.
 */
describe('AT+CMSS marks the slot STO SENT', () => {
  it.each(PROFILE_NAMES)('on %s', async (profile) => {
    const host = await quietModem({ profile });
    await host.run('AT+CMGF=1', 'AT+CPMS="SM","SM","SM"');
    expect(await host.send('AT+CMGW="000"\r')).toBe('\r\n> ');
    const stored = /\+CMGW: (\d+)/.exec(await host.send('pong\x1a'))?.[1];
    expect(stored).toBeDefined();
    expect(await host.send(`AT+CMGR=${stored}\r`)).toContain('"STO UNSENT"');
    expect(await host.send(`AT+CMSS=${stored}\r`)).toMatch(/\+CMSS: \d+/);
    expect(await host.send(`AT+CMGR=${stored}\r`)).toContain('"STO SENT"');
  });
});
