import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPtyLink } from '../../src/sim/pty-link.js';
import type { ProfileName } from '../../src/sim/profiles.js';
import { VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';
import { openDatabase, type Database } from '../../src/sqlite.js';
import { cliArgs } from '../helpers/cli.js';

/**
 * `smsbridge run` as its own process on the simulator's pty, killed with SIGKILL when the test
 * says. Every delete the modem carries out is checked against the bridge's database at that
 * moment: a slot may only be freed once what it holds is recorded (a received message in
 * `inbound`, a reply's copy in `outbound`).
 */
export interface KillRig {
  modem: VirtualModem;
  /** Lines the modem has carried out so far. */
  lines: () => number;
  /** Deletes of slots whose content was not recorded, as `<mem>:<index> <text>`. */
  unrecordedDeletes: string[];
  start(): ChildProcess;
  /** Kills the running bridge with SIGKILL and waits for it to be gone. */
  kill(): Promise<void>;
  /** Replies the modem sent, by text, with how often each went out. */
  replyCounts(): Map<string, number>;
  /** Set to kill the bridge the moment the modem receives that line (1-based, counted from the start). */
  killAtLine?: number;
  close(): Promise<void>;
}

export async function killRig(profile: ProfileName, delivery: 'auto' | 'store', modemOptions: VirtualModemOptions = {}): Promise<KillRig> {
  const dir = mkdtempSync(join(tmpdir(), `smsbridge-kill-${profile}-`));
  const dbPath = join(dir, 'bridge.db');
  let db: Database | undefined;
  const recorded = (sql: string, ...params: unknown[]) => {
    try {
      if (!db && existsSync(dbPath)) db = openDatabase(dbPath, 1000);
      return db ? db.prepare(sql).get(...params) !== undefined : false;
    } catch {
      return false; // no schema yet: nothing is recorded
    }
  };
  let lines = 0;
  let child: ChildProcess | undefined;
  const rig: KillRig = {
    modem: undefined as unknown as VirtualModem,
    lines: () => lines,
    unrecordedDeletes: [],
    start() {
      child = spawn(process.execPath, cliArgs('run', '--config', config), { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.resume();
      return child;
    },
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const gone = new Promise((r) => running.once('exit', r));
      running.kill('SIGKILL');
      await gone;
    },
    replyCounts() {
      const counts = new Map<string, number>();
      for (const e of rig.modem.outbox) counts.set(e.text, (counts.get(e.text) ?? 0) + 1);
      return counts;
    },
    async close() {
      await rig.kill();
      db?.close();
      await link.close();
      rig.modem.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const modem = new VirtualModem({
    profile,
    latencyMs: 1,
    cnmaTimeoutMs: 1000,
    ...modemOptions,
    onCommandLine: (line, { readStorage }) => {
      lines++;
      if (rig.killAtLine === lines) child?.kill('SIGKILL'); // the modem still carries the line out
      // mem1 as the line goes: a select on the line moves the deletes after it (`AT+CPMS="SM";+CMGD=3`).
      let mem: string = readStorage;
      for (const [, select, index] of line.matchAll(/\+CPMS="?(\w+)"?|\+CMGD=(\d+)/gi)) {
        if (select !== undefined) {
          mem = select.toUpperCase();
          continue;
        }
        const slot = modem.stored().find((m) => m.mem === mem && m.index === Number(index));
        if (!slot) continue;
        const ok =
          slot.kind === 'deliver'
            ? recorded('SELECT 1 FROM inbound WHERE sender = ? AND text = ?', slot.address, slot.text)
            : slot.kind === 'submit'
              ? recorded(`SELECT 1 FROM outbound WHERE text = ? AND status IN ('sent','delivered','queued','sending')`, slot.text)
              : true; // status reports are matched, not recorded
        if (!ok) rig.unrecordedDeletes.push(`${slot.mem}:${slot.index} ${slot.text}`);
      }
    },
  });
  rig.modem = modem;
  const link = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
  const config = join(dir, 'smsbridge.yaml');
  writeFileSync(
    config,
    `port: ${link.link}\nstore:\n  path: ${dbPath}\nlog:\n  level: warn\nsms:\n  delivery: ${delivery}\nsupervision:\n  settingsCheckMs: 1000\n`,
  );
  return rig;
}

export const waitFor = async (check: () => boolean, what: string, ms = 60_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export const ping = (modem: VirtualModem, n: number) =>
  modem.deliver({ from: '000', text: `ping ${n}`, timestamp: new Date(Date.UTC(2026, 11, 6, 12, Math.floor(n / 60), n % 60)) });
