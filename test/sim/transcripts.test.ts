/**
 * The shared transcripts' modem side, reproduced by the matching profile: the host lines are
 * written to the simulator, and every modem chunk that follows must come back byte for byte.
 * Network events (an SMS arriving) are triggered where the transcript shows their URC.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../src/transcript/transcript.js';
import { VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';
import { Host } from './host.js';

const utc = (text: string) => new Date(`${text}Z`);

interface Scenario {
  file: string;
  options: VirtualModemOptions;
  /** State the transcript assumes (e.g. messages already stored), before `setup`. */
  prepare?: (modem: VirtualModem) => void;
  /** Commands sent (answers discarded) before the transcript starts. */
  setup?: string[];
  /** Network events: run before the modem entry whose text contains the key. */
  events?: Record<string, (modem: VirtualModem) => void>;
  /** Successive clock readings (the last one sticks); 24/10/24 20:12:17 UTC by default. */
  times?: Date[];
}

async function replay(scenario: Scenario): Promise<{ expected: string[]; actual: string[] }> {
  const times = [...(scenario.times ?? [utc('2024-10-24T20:12:17')])];
  const clock = () => (times.length > 1 ? times.shift()! : times[0]!);
  const modem = new VirtualModem({ clock, ...scenario.options });
  const host = new Host(modem);
  scenario.prepare?.(modem);
  for (const line of scenario.setup ?? []) await host.send(`${line}\r`);
  host.take();
  const transcript = parseTranscript(readFileSync(new URL(`../../fixtures/transcripts/${scenario.file}`, import.meta.url), 'utf8'));
  const expected: string[] = [];
  const actual: string[] = [];
  let segment = '';
  let got = '';
  const flush = async () => {
    got += await host.settle();
    if (segment === '' && got === '') return;
    expected.push(segment);
    actual.push(got);
    segment = '';
    got = '';
  };
  for (const entry of transcript.entries) {
    if (entry.kind === 'comment') continue;
    const text = entry.bytes.toString('latin1');
    if (entry.kind === 'host') {
      await flush();
      got += await host.send(text);
    } else {
      for (const [key, event] of Object.entries(scenario.events ?? {})) {
        if (text.includes(key)) {
          await flush();
          event(modem);
        }
      }
      segment += text;
    }
  }
  await flush();
  modem.dispose();
  return { expected, actual };
}

const ping = (modem: VirtualModem) => modem.deliver({ from: '000', text: 'ping' });
const fillers = (modem: VirtualModem, count: number) => {
  for (let i = 0; i < count; i++) modem.deliver({ from: '+447700900001', text: `old ${i}` });
};

const scenarios: Scenario[] = [
  {
    file: '04-quectel-send-text-to-000.at',
    options: { profile: 'quectel', firstMessageReference: 13 },
    setup: ['ATE0'],
  },
  { file: '05-simcom-sim7600-send-echo-on.at', options: { profile: 'simcom', firstMessageReference: 5 } },
  {
    file: '06-quectel-ec25-cms-350-and-verbose.at',
    options: { profile: 'quectel' },
    prepare: (modem) => {
      modem.failNext('AT+CMGS', { cms: 350 });
      modem.failNext('AT+CMGS', { cms: 350 });
    },
    setup: ['ATE0', 'AT+CMGF=1'],
  },
  {
    file: '13-simcom-sim7600-reboot-then-receive.at',
    options: { profile: 'simcom' },
    events: {
      RDY: (modem) => modem.reboot(),
      '+CMTI': (modem) => modem.deliver({ from: '000', text: 'ping', timestamp: utc('2024-10-24T18:12:17'), tzQuarters: 52 }),
    },
  },
  {
    file: '14-text-mode-ucs2-hex.at',
    options: { profile: 'quectel' },
    prepare: (modem) => fillers(modem, 4),
    setup: ['ATE0', 'AT+CMGF=1'],
    events: { '+CMTI': (modem) => modem.deliver({ from: '000', text: 'ping ✓', timestamp: utc('2024-10-24T20:15:03') }) },
  },
  {
    file: '15-simcom-sim800-startup-cmgl-sweep.at',
    options: { profile: 'sim800' },
    prepare: (modem) => {
      modem.deliver({ from: '000', text: 'status', timestamp: utc('2024-10-24T19:58:02') });
      modem.deliver({ from: '000', text: 'reboot', timestamp: utc('2024-10-24T20:01:44') });
      modem.deliver({ from: 'Play', text: 'Nie masz srodkow na koncie', timestamp: utc('2023-02-09T12:07:04'), tzQuarters: 4 });
    },
    setup: ['ATE0', 'AT+CMGR=1'],
  },
  {
    file: '16-telit-delivery-report-cdsi.at',
    options: { profile: 'telit', firstMessageReference: 42 },
    setup: ['ATE0'],
    times: [utc('2024-10-24T20:30:05'), utc('2024-10-24T20:30:09')],
  },
  {
    file: '17-quectel-ec25-cdsi-sm-quirk.at',
    options: { profile: 'quectel', firstMessageReference: 78 },
    setup: ['ATE0', 'AT+CMGF=1', 'AT+CSMP=49,167,0,0'],
    times: [utc('2024-10-24T20:41:08'), utc('2024-10-24T20:41:10'), utc('2024-10-24T20:41:12'), utc('2024-10-24T20:41:15')],
  },
  {
    file: '18-ublox-sara-r4-cnmi-off-by-default.at',
    options: { profile: 'ublox' },
    prepare: (modem) => fillers(modem, 4),
    setup: ['ATE0'],
    events: { '+CMTI': ping },
  },
  {
    file: '19-telit-pdu-quoted-alpha-and-cmt.at',
    options: { profile: 'telit' },
    prepare: ping,
    setup: ['ATE0'],
    events: { '+CMT:': ping },
  },
];

describe('virtual modem against the shared transcripts', () => {
  it.each(scenarios)('reproduces the modem side of $file', async (scenario) => {
    const { expected, actual } = await replay(scenario);
    expect(actual).toEqual(expected);
  });
});
