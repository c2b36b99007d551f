import { afterEach, describe, expect, it } from 'vitest';
import { ModemSession } from '../../src/modem/modem-session.js';
import { PROFILE_NAMES } from '../../src/sim/profiles.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { StreamTransport } from '../../src/transport/stream-transport.js';

/**
 * `sms.mode: text` configures text mode for sends, with AT+CSDH=1 (27.005 §3.3.3), then rests in PDU
 * mode so that what the modem reads and pushes is PDU (docs/modem-behaviour.md §8).
 */
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function start(modem: VirtualModem, mode: 'text' | 'pdu') {
  const session = new ModemSession({
    open: async () => new StreamTransport(modem.connect()),
    sms: { mode, delivery: 'store', statusReports: false },
    channel: { defaultTimeoutMs: 300 },
    timing: { rebootSettleMs: 20, backoffMs: () => 20, waitForModemMs: 2000 },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
  });
  cleanup.push(() => session.close(), () => modem.dispose());
  return { session };
}

describe('text mode init', () => {
  it.each(PROFILE_NAMES)('%s: sets CSCS, CSMP and CSDH=1 in text mode, then rests in PDU mode', async (profile) => {
    const lines: string[] = [];
    const modem = new VirtualModem({ profile, onCommandLine: (line) => lines.push(line) });
    const { session } = start(modem, 'text');
    const result = await session.start();
    expect(result.restingMode).toBe('pdu');
    const sms = lines.filter((l) => /^AT\+(CMGF|CSCS|CSMP|CSDH)/.test(l));
    expect(sms).toEqual(['AT+CMGF=1', 'AT+CSCS="GSM"', 'AT+CSMP=17,167,0,0', 'AT+CSDH=1', 'AT+CMGF=0']);
  });

  it('a modem that refuses AT+CMGF=0 is kept in text mode, with AT+CSDH=1', async () => {
    const lines: string[] = [];
    const modem = new VirtualModem({ profile: 'generic', onCommandLine: (line) => lines.push(line) });
    modem.failNext(/^AT\+CMGF=0/, 'ERROR');
    const { session } = start(modem, 'text');
    const result = await session.start();
    expect(result.restingMode).toBe('text');
    expect(lines).toContain('AT+CSDH=1');
  });

  it('sms.mode pdu is PDU mode throughout, as before', async () => {
    const lines: string[] = [];
    const modem = new VirtualModem({ profile: 'quectel', onCommandLine: (line) => lines.push(line) });
    const { session } = start(modem, 'pdu');
    const result = await session.start();
    expect(result.restingMode).toBe('pdu');
    expect(lines.filter((l) => /^AT\+(CMGF|CSDH)/.test(l))).toEqual(['AT+CMGF=0']);
  });
});
