import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startPtyLink, type PtyLink } from '../../src/sim/pty-link.js';
import type { ProfileName } from '../../src/sim/profiles.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { cliArgs } from '../helpers/cli.js';

/** Simulated boot: deaf for BOOT_MS, then SMS commands refused for SMS_READY_MS more. */
export const BOOT_MS = 300;
export const SMS_READY_MS = 600;
export const CHECK_MS = 2000;

export interface Rig {
  modem: VirtualModem;
  link: PtyLink;
  dir: string;
  config: string;
  bridge: ChildProcess;
  log: () => string;
  /** Delivers `ping n` from 000 and resolves with the ms until `pong n` reached the network. */
  ping(n: number, withinMs: number): Promise<number>;
  /** Resolves once the modem is plugged and its boot is over (the moment it is usable again). */
  usable(): Promise<number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function rig(profile: ProfileName, extraConfig = ''): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), `smsbridge-sup-${profile}-`));
  mkdirSync(join(dir, 'by-id'));
  const modem = new VirtualModem({ profile, latencyMs: 1, bootDelayMs: BOOT_MS, smsReadyDelayMs: SMS_READY_MS });
  const link = await startPtyLink({ modem, link: join(dir, 'ttyUSB2'), stableLink: join(dir, 'by-id', `usb-Virtual_${profile}-if02-port0`) });
  const config = join(dir, 'smsbridge.yaml');
  writeFileSync(
    config,
    `port: ${link.stableLink}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: info\n  trace: true\nsupervision:\n  settingsCheckMs: ${CHECK_MS}\n${extraConfig}`,
  );
  let output = '';
  const bridge = spawn(process.execPath, cliArgs('run', '--config', config), { stdio: ['ignore', 'pipe', 'pipe'] });
  bridge.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  bridge.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // What a timeout prints: the log, then where each of the bridge's threads is (a silent bridge is
  // either blocked in the kernel or waiting without a deadline; this tells which), then the trace's tail.
  const report = () => `${tail(output)}\n--- bridge threads ---\n${threadStates(bridge.pid)}\n--- trace tail ---\n${traceTail(dir)}`;
  let second = 0;
  return {
    modem,
    link,
    dir,
    config,
    bridge,
    log: () => output,
    async ping(n, withinMs) {
      const started = Date.now();
      modem.deliver({ from: '000', text: `ping ${n}`, timestamp: new Date(Date.UTC(2026, 11, 6, 12, 0, ++second)) });
      await waitFor(() => modem.outbox.some((e) => e.text === `pong ${n}`), `pong ${n}`, withinMs, report);
      return Date.now() - started;
    },
    async usable() {
      await waitFor(() => modem.isPlugged, 'the replug', 20_000, () => tail(output));
      await link.ready();
      await sleep(BOOT_MS + SMS_READY_MS);
      return Date.now();
    },
    async close() {
      bridge.kill('SIGKILL');
      await link.close();
      modem.dispose();
      if (!process.env.KEEP_RIG) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(check: () => boolean, what: string, ms: number, log?: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${log ? `\n--- bridge log ---\n${log()}` : ''}`);
    await sleep(20);
  }
}

const tail = (text: string) => text.split('\n').slice(-60).join('\n');

/** Each thread of a process: name, state, CPU ticks, and the kernel stack it sleeps in (Linux, root). */
function threadStates(pid: number | undefined): string {
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return '(gone)';
  return readdirSync(`/proc/${pid}/task`)
    .map((tid) => {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const stack = read(`/proc/${pid}/task/${tid}/stack`).split('\n').slice(0, 4).map((l) => l.replace(/^\[<0>\] /, '')).join(' < ');
      return `${tid} ${read(`/proc/${pid}/task/${tid}/comm`).trim()} ${fields[0]} utime=${fields[11]} stime=${fields[12]} ${stack}`;
    })
    .join('\n');
}

const traceTail = (dir: string) => tail(read(join(dir, 'smsbridge-trace.jsonl'))).slice(-4000);
/** A file's text, or `(no file)`: a thread or a trace may be gone by the time the report reads it. */
function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '(no file)';
  }
}

/** Every pong exactly once, to 000, and nothing left in the modem's storage. */
export async function expectExactlyOnce(r: Rig, count: number): Promise<void> {
  await sleep(500);
  const counts = new Map<string, number>();
  for (const e of r.modem.outbox) counts.set(e.text, (counts.get(e.text) ?? 0) + 1);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect([...counts.keys()].sort()).toEqual(Array.from({ length: count }, (_, i) => `pong ${i + 1}`).sort());
  expect(r.modem.outbox.every((e) => e.to === '000')).toBe(true);
  await waitFor(() => r.modem.stored().length === 0, 'an empty storage', 15_000, () => `${tail(r.log())}\nstored: ${JSON.stringify(r.modem.stored().map((m) => [m.mem, m.index, m.kind, m.stat, m.text]))}`);
}
