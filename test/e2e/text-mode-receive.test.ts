import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge, type SmsBridge } from '../../src/api/create-bridge.js';
import type { BridgeEvent } from '../../src/bridge/bridge.js';
import type { InboundCommand } from '../../src/dispatch/types.js';
import { PROFILE_NAMES } from '../../src/sim/profiles.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { StreamTransport } from '../../src/transport/stream-transport.js';

/**
 * What the text-mode issue (16, item 3) promised, end to end on every simulated vendor: UCS2, 8-bit,
 * concatenated and multi-line messages, and `@` at both ends of a line (0x00 under AT+CSCS="GSM"),
 * arrive as sent in `sms.mode: text` (AT+CSDH=1: decoded by <dcs>, framed by <length>; docs/modem-behaviour.md §8)
 * and in `pdu`, pushed (+CMT, acknowledged) and stored (+CMTI, read, listed by the sweep).
 */
let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const PARTS = ['part one of three, ', 'part two @ of three, ', 'part three of three @'];

async function rig(profile: (typeof PROFILE_NAMES)[number], mode: 'text' | 'pdu', delivery: 'auto' | 'store') {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-textmode-'));
  const modem = new VirtualModem({ profile, latencyMs: 0 });
  const bridge: SmsBridge = createBridge({
    config: { store: { path: join(dir, 'bridge.db') }, sms: { mode, delivery } },
    open: async () => new StreamTransport(modem.connect()),
  });
  const commands: InboundCommand[] = [];
  const events: BridgeEvent[] = [];
  bridge.commands$.subscribe((c) => commands.push(c));
  bridge.events$.subscribe((e) => events.push(e));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => modem.dispose(), () => bridge.close());
  return { modem, bridge, commands, events };
}

const waitFor = async (check: () => boolean, what: string, ms = 20_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.each([
  ['text', 'auto'],
  ['text', 'store'],
  ['pdu', 'auto'],
  ['pdu', 'store'],
] as const)('sms.mode %s, sms.delivery %s', (mode, delivery) => {
  it.each(PROFILE_NAMES)('%s: UCS2, 8-bit, 3-part, multi-line and @-edged messages arrive as sent', async (profile) => {
    const { modem, bridge, commands, events } = await rig(profile, mode, delivery);
    // Two arrive before the bridge starts: stored, found by the sweep (a text-mode listing has no
    // <dcs>, so the UCS2 one is read again with +CMGR).
    modem.deliver({ from: '000', text: 'статус ✓ ping', encoding: 'ucs2' });
    modem.deliver({ from: '000', text: '@first@\n@second@' });
    await bridge.start();
    modem.deliver({ from: '000', text: '\x00\x01\xffping', encoding: '8bit' });
    PARTS.forEach((text, i) => modem.deliver({ from: '000', text, part: { ref: 42, total: 3, seq: i + 1 } }));
    // A body line that reads like a final result must not end the read.
    modem.deliver({ from: '000', text: 'echo first line\nOK\nthird line' });
    modem.deliver({ from: '000', text: '@ping@' });
    await waitFor(() => commands.length >= 6, 'six recorded messages');
    await waitFor(() => modem.stored().filter((m) => m.kind === 'deliver').length === 0, 'storage to empty');

    expect(commands.map((c) => c.text).sort()).toEqual(
      ['статус ✓ ping', '0001FF70696E67', PARTS.join(''), 'echo first line\nOK\nthird line', '@ping@', '@first@\n@second@'].sort(),
    );
    expect(commands.every((c) => c.sender === '000')).toBe(true);
    // 8-bit data is recorded and refused, never run as a command (docs/modem-behaviour.md §8).
    expect(events.filter((e) => e.kind === 'ignored')).toEqual([{ kind: 'ignored', sender: '000', text: '0001FF70696E67', reason: '8-bit data, not a text command' }]);
    await waitFor(() => events.filter((e) => e.kind === 'handled').length >= 5, 'five commands handled');
    const handled = events.flatMap((e) => (e.kind === 'handled' ? [e.outcome.command.text] : []));
    expect(handled).not.toContain('0001FF70696E67');
    await waitFor(() => modem.outbox.length >= 5, 'the replies');
    // Pushed (+CMT) messages need no read: in text mode the one +CMGR is the sweep's UCS2 message.
    if (mode === 'text' && delivery === 'auto') expect(modem.stats.commands['+CMGR']).toBe(1);
  }, 30_000);
});
