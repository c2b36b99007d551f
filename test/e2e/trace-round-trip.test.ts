import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/at/framer.js';
import { AtFramer } from '../../src/at/framer.js';
import { replayTranscript } from '../../src/at/replay.js';
import { traceTransports } from '../../src/at/trace-file.js';
import { TracedTransport } from '../../src/at/traced-transport.js';
import { ModemSession } from '../../src/modem/modem-session.js';
import type { ProfileName } from '../../src/sim/profiles.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import type { IncomingSms } from '../../src/sms/inbox.js';
import { SmsService } from '../../src/sms/sms-service.js';
import { parseAnyTranscript } from '../../src/transcript/trace-jsonl.js';
import { modemUrcs } from '../../src/modem/profiles.js';
import { StreamTransport } from '../../src/transport/stream-transport.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

/** Waits until the modem is idle and the trace has not grown for 150 ms. */
async function quiet(path: string, modem: VirtualModem): Promise<void> {
  for (let last = -1; ; ) {
    await modem.idle();
    const size = statSync(path).size;
    if (size === last) return;
    last = size;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Records a live session on the virtual modem (start-up, a +CMTI, the read and delete, a send with
 * its prompt and body) to a trace file, the way `smsbridge run --trace` does, keeping every frame
 * the live channel produced. The channel is closed before the file is read.
 */
async function recordSession(profile: ProfileName, redactBodies = false) {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-trace-e2e-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'trace.jsonl');
  const modem = new VirtualModem({ profile });
  const liveFrames: Frame[] = [];
  const trace = traceTransports(path, { note: 'round trip', redactBodies });
  const session = new ModemSession({
    open: async () => {
      const transport = new TracedTransport(new StreamTransport(modem.connect()));
      trace(transport);
      return transport;
    },
    sms: { mode: 'text', delivery: 'store', statusReports: false },
    channel: { defaultTimeoutMs: 2_000 },
    settingsCheckMs: 0,
    onChannel: (channel) => {
      channel.frame$.subscribe((f) => liveFrames.push(f));
    },
  });
  const sms = new SmsService({ modem: session, mode: 'text', defaultRecipient: '000' });
  const messages: IncomingSms[] = [];
  let acked = 0;
  sms.incoming$.subscribe((m) => {
    messages.push(m);
    void m.ack().then(() => acked++);
  });
  sms.start();
  cleanup.push(() => modem.dispose());
  await session.start();
  // Let the start-up sweep (AT+CMGL) finish, so the message comes by +CMTI and AT+CMGR.
  await quiet(path, modem);
  modem.deliver({ from: '000', text: 'status please' });
  await until(() => acked === 1, 'the message read and deleted');
  await sms.send('all good: 42 C', { to: '000' });
  expect(modem.outbox.map((s) => s.text)).toContain('all good: 42 C');
  sms.stop();
  await session.close();
  return { path, liveFrames, messages };
}

describe('AT trace round trip: recorded live on the virtual modem, replayed through the AT layer', () => {
  it.each<ProfileName>(['quectel', 'simcom', 'huawei'])('%s: the replay yields the frames seen live, the +CMTI, the read and the send', async (profile) => {
    const { path, liveFrames, messages } = await recordSession(profile);
    expect(messages.map((m) => m.text)).toEqual(['status please']);
    const text = readFileSync(path, 'utf8');
    const transcript = parseAnyTranscript(text);
    expect(transcript.format).toBe('jsonl');
    expect(transcript.title).toBe('round trip');

    // The framer over the recorded modem bytes gives what the live channel framed...
    const framer = new AtFramer();
    const fromFile = transcript.entries.flatMap((e) => (e.kind === 'modem' ? framer.push(e.bytes) : []));
    expect(fromFile).toEqual(liveFrames);
    // ...and so does the replay through the real AT channel, with every write where the trace has it.
    const result = await replayTranscript(transcript, { urcs: modemUrcs() });
    expect(result.mismatches).toEqual([]);
    expect(result.frames).toEqual(liveFrames);
    expect(result.frames).toContainEqual({ kind: 'prompt' });
    expect(result.urcs.filter((u) => u.type === 'CMTI')).toHaveLength(1);
    console.log(result.commands.map((c) => c.command + ' ' + JSON.stringify(c.response)).join('\n'));
    const read = result.commands.find((c) => c.command.startsWith('AT+CMGR='));
    expect(read?.response?.lines.at(-1)).toBe('status please');
    expect(result.commands.some((c) => c.command.startsWith('AT+CMGD='))).toBe(true);
    const send = result.commands.find((c) => c.body !== undefined);
    expect(send?.command).toMatch(/^AT\+CMG[SW]=/);
    expect(send?.response?.final).toBe('OK');
    expect(result.commands.every((c) => c.error === undefined)).toBe(true);
  });

  it('with bodies redacted, the replay still frames like the live session, texts as stars', async () => {
    const { path, liveFrames } = await recordSession('quectel', true);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('status please');
    expect(text).not.toContain('all good');
    const result = await replayTranscript(parseAnyTranscript(text), { urcs: modemUrcs() });
    expect(result.mismatches).toEqual([]);
    const hide = (f: Frame) => (f.kind === 'line' && (f.text === 'status please' || f.text.startsWith('all good')) ? { kind: 'line', text: '*'.repeat(f.text.length) } : f);
    expect(result.frames).toEqual(liveFrames.map(hide));
  });
});
