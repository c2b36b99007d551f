import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPtyLink, type PtyLink } from '../sim/pty-link.js';
import { VirtualModem } from '../sim/virtual-modem.js';
import { FAULTS, injectFault, random, type FaultName } from './soak-faults.js';

export interface SoakOptions {
  /** Commands to drive through the bridge (N). */
  commands: number;
  /**
   * How long the simulated network waits for AT+CNMA (default: the simulator's 15 s). A kill
   * before an acknowledgement costs this long, then the settings check: tests shorten it.
   */
  cnmaTimeoutMs?: number;
  /** Chance per delivered command of also injecting one fault (R, 0…1). */
  faultRate: number;
  /** SIGKILL the bridge every K delivered commands, then start it again (0: never). */
  killEvery: number;
  /** How to start `smsbridge`: the arguments after `node` up to the command (`[…, 'dist/cli/main.js']`). */
  bridgeArgv: string[];
  /** Commands delivered and not yet answered, at most (default 4). */
  window?: number;
  /** Seed of the fault and kill schedule (default 1): a run can be repeated. */
  seed?: number;
  sendVia?: 'storage' | 'cmgs';
  /** sms.delivery of the bridge (default auto: +CMT acknowledged with +CNMA). */
  delivery?: 'auto' | 'store' | 'direct';
  /** Modem delay before each answer (default 1 ms). */
  latencyMs?: number;
  /** Give up when no new reply came for this long (default 180 s). */
  stallMs?: number;
  /** supervision.settingsCheckMs of the bridge: bounds the time a silent reset goes unnoticed (default 5 s). */
  settingsCheckMs?: number;
  /** Keep the working directory (store, bridge logs, config) instead of deleting it. */
  keep?: boolean;
  /** Progress lines. */
  progress?: (line: string) => void;
}

export interface SoakReport {
  commands: number;
  faultRate: number;
  killEvery: number;
  seed: number;
  seconds: number;
  faults: Partial<Record<FaultName, number>>;
  kills: number;
  /** Starts that found no port (exit code 3 while the modem was unplugged) and were retried. */
  portRetries: number;
  /** The bridge exited without being killed (a crash): each with the tail of its log. */
  crashes: string[];
  /** No reply and no side effect: the bridge forgot the command. */
  commandsLost: number[];
  /** The side effect happened twice or more. */
  actionsRunTwice: number[];
  /** The action ran, but no reply came. */
  repliesLost: number[];
  /** More than one reply for the command. */
  repliesDuplicated: number[];
  /** Answered `ERR interrupted` (killed mid-action; by design, not run again): with whether it had run. */
  interrupted: { n: number; ran: boolean }[];
  /** Replies to 000 that name no command of ours (should be none). */
  unexpectedReplies: string[];
  /** Whether the run ended because replies stopped coming. */
  stalled: boolean;
  /** The longest a command waited from its delivery to its reply, and which. */
  longestWait: { n: number; ms: number };
  /** Messages left in the modem's storage at the end (received or sent copies): should be none. */
  storageLeft: number;
  dir?: string;
}

/** The three figures the issue asks to be zero, and no crash. */
export function soakPassed(report: SoakReport): boolean {
  return (
    report.commandsLost.length === 0 &&
    report.actionsRunTwice.length === 0 &&
    report.repliesLost.length === 0 &&
    report.repliesDuplicated.length === 0 &&
    report.crashes.length === 0 &&
    report.unexpectedReplies.length === 0 &&
    report.storageLeft === 0
  );
}

const isJob = (n: number) => n % 4 !== 0;
/** Every fourth command is the built-in `ping`; the others run a program with a side effect. */
const commandText = (n: number) => (isJob(n) ? `job-${n} ${n}` : `ping ${n}`);
const REPLY = /^(?:done (\d+)|pong (\d+)|ERR interrupted: job-(\d+) may not have run)$/;

/**
 * The soak: `smsbridge run` as a child process on the virtual modem's pseudo-terminal (so a
 * SIGKILL is a real crash), N distinct commands from 000, faults injected at rate R on the
 * modem, the bridge killed every K commands and started again. Then it counts, per command,
 * the replies the modem sent and the lines the action appended to a file.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const window = options.window ?? 4;
  const seed = options.seed ?? 1;
  const rand = random(seed);
  const say = options.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-soak-'));
  const effects = join(dir, 'effects.txt');
  writeFileSync(effects, '');
  // A module that is deaf for a moment after a reset and refuses SMS commands until `+QIND: SMS DONE`.
  const modem = new VirtualModem({
    profile: 'quectel',
    latencyMs: options.latencyMs ?? 1,
    noise: false,
    bootDelayMs: 200,
    smsReadyDelayMs: 400,
    ...(options.cnmaTimeoutMs === undefined ? {} : { cnmaTimeoutMs: options.cnmaTimeoutMs }),
  });
  const link: PtyLink = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
  const config = join(dir, 'smsbridge.yaml');
  writeFileSync(config, configYaml(link.link!, join(dir, 'bridge.db'), effects, options.sendVia ?? 'storage', options.settingsCheckMs ?? 5000, options.delivery ?? 'auto', options.keep ?? false));

  const started = Date.now();
  const faults: Partial<Record<FaultName, number>> = {};
  const crashes: string[] = [];
  const answered = new Set<number>();
  const deliveredAt = new Map<number, number>();
  const longestWait = { n: 0, ms: 0 };
  let kills = 0;
  let portRetries = 0;
  let lastProgress = Date.now();
  modem.sent$.subscribe((sms) => {
    const m = REPLY.exec(sms.text);
    const n = Number(m?.[1] ?? m?.[2] ?? m?.[3]);
    if (m && !answered.has(n)) {
      answered.add(n);
      lastProgress = Date.now();
      const waited = lastProgress - (deliveredAt.get(n) ?? lastProgress);
      if (waited > longestWait.ms) Object.assign(longestWait, { n, ms: waited });
    }
  });

  let generation = 0;
  let child: ChildProcess | undefined;
  const start = () => {
    const log = join(dir, `bridge-${++generation}.log`);
    const out = createWriteStream(log);
    const proc = spawn(process.execPath, [...options.bridgeArgv, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.pipe(out);
    proc.stderr!.pipe(out, { end: false });
    proc.once('exit', (code, signal) => {
      if (proc !== child || signal === 'SIGKILL') return;
      // Exit code 3: the port could not be opened (the modem is unplugged just now). A service
      // manager restarts it (Restart=always); so do we. Anything else is a crash: recorded.
      const portMissing = code === 3;
      if (portMissing) portRetries++;
      setTimeout(() => {
        if (!portMissing) {
          const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '';
          crashes.push(`bridge ${generation} exited with ${signal ?? code}:\n${tail}`);
          say(`bridge exited on its own (${signal ?? code}); restarting`);
        }
        if (child === proc) child = start();
      }, portMissing ? 500 : 100);
    });
    return proc;
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  child = start();

  const stallMs = options.stallMs ?? 180_000;
  let delivered = 0;
  let nextKill = options.killEvery > 0 ? options.killEvery : Number.POSITIVE_INFINITY;
  let stalled = false;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    while (answered.size < options.commands) {
      if (Date.now() - lastProgress > stallMs) {
        stalled = true;
        say(`no reply for ${stallMs / 1000} s: giving up with ${options.commands - answered.size} unanswered`);
        break;
      }
      if (delivered < options.commands && delivered - answered.size < window) {
        const n = ++delivered;
        deliveredAt.set(n, Date.now());
        modem.deliver({ from: '000', text: commandText(n), timestamp: new Date(Date.UTC(2026, 0, 1) + n * 1000) });
        if (rand() < options.faultRate) {
          const fault = FAULTS[Math.floor(rand() * FAULTS.length)]!;
          faults[fault] = (faults[fault] ?? 0) + 1;
          injectFault(modem, fault, rand, options.latencyMs ?? 1);
        }
        if (n >= nextKill) {
          nextKill += options.killEvery;
          // Somewhere in the middle of whatever the bridge is doing.
          await sleep(Math.floor(rand() * 300));
          await kill();
          kills++;
          child = start();
        }
        if (n % 500 === 0) say(`${n} delivered, ${answered.size} answered, ${kills} kills, faults ${JSON.stringify(faults)}`);
        continue;
      }
      await sleep(10);
    }
    // Late duplicates would come now: a retry timer, a restart's recovery. Then the storage empties
    // (sent copies and fillers are freed by sweeps: at most a storage check away).
    await sleep(3000);
    for (const until = Date.now() + 2 * (options.settingsCheckMs ?? 5000) + 10_000; modem.stored().length > 0 && Date.now() < until; ) await sleep(100);
    const proc = child;
    child = undefined;
    if (proc && proc.exitCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }
    return {
      ...tally(modem, effects, options.commands),
      commands: options.commands,
      faultRate: options.faultRate,
      killEvery: options.killEvery,
      seed,
      seconds: (Date.now() - started) / 1000,
      faults,
      kills,
      portRetries,
      crashes,
      stalled,
      longestWait,
      storageLeft: modem.stored().length,
      ...(options.keep ? { dir } : {}),
    };
  } finally {
    const proc = child;
    child = undefined;
    proc?.kill('SIGKILL');
    await link.close();
    modem.dispose();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

type Tally = Pick<SoakReport, 'commandsLost' | 'actionsRunTwice' | 'repliesLost' | 'repliesDuplicated' | 'interrupted' | 'unexpectedReplies'>;

/** Per command: replies the modem sent to 000, and lines the action appended. */
function tally(modem: VirtualModem, effectsPath: string, commands: number): Tally {
  const replies = new Map<number, number>();
  const interruptedAt = new Set<number>();
  const unexpectedReplies: string[] = [];
  for (const sms of modem.outbox) {
    const m = REPLY.exec(sms.text);
    const n = Number(m?.[1] ?? m?.[2] ?? m?.[3]);
    if (!m || sms.to !== '000' || n < 1 || n > commands) {
      unexpectedReplies.push(`to ${sms.to}: ${sms.text}`);
      continue;
    }
    replies.set(n, (replies.get(n) ?? 0) + 1);
    if (m[3] !== undefined) interruptedAt.add(n);
  }
  const runs = new Map<number, number>();
  for (const line of readFileSync(effectsPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const n = Number(line);
    runs.set(n, (runs.get(n) ?? 0) + 1);
  }
  const out: Tally = { commandsLost: [], actionsRunTwice: [], repliesLost: [], repliesDuplicated: [], interrupted: [], unexpectedReplies };
  for (let n = 1; n <= commands; n++) {
    const r = replies.get(n) ?? 0;
    const ran = runs.get(n) ?? 0;
    if (r === 0 && ran === 0) out.commandsLost.push(n);
    if (r === 0 && ran > 0) out.repliesLost.push(n);
    if (r > 1) out.repliesDuplicated.push(n);
    if (ran > 1) out.actionsRunTwice.push(n);
    if (interruptedAt.has(n)) out.interrupted.push({ n, ran: ran > 0 });
  }
  return out;
}

function configYaml(port: string, db: string, effects: string, sendVia: string, settingsCheckMs: number, delivery: string, keep: boolean): string {
  // The action appends its argument to a file (the side effect we count) and answers `done <n>`.
  // Not idempotent: a command killed mid-action is answered `ERR interrupted`, never run again.
  const script = `echo "$1" >> '${effects}'; echo "done $1"`;
  return [
    `port: ${port}`,
    'profile: quectel',
    `store:\n  path: ${db}`,
    // A kept run is one someone will read: it logs at info and traces the AT port (docs/trace.md).
    keep ? 'log:\n  level: info\n  trace: true' : 'log:\n  level: warn',
    // The simulated network sends at once: a send that has not answered in 15 s lost its answer
    // (a dropped response, a silent reset), and its slot decides, instead of holding every command 120 s.
    `sms:\n  sendVia: ${sendVia}\n  delivery: ${delivery}\n  sendTimeoutMs: 15000`,
    `supervision:\n  settingsCheckMs: ${settingsCheckMs}`,
    'actions:',
    '  - name: job',
    '    pattern: "job-[0-9]+ [0-9]+"',
    '    exec:',
    '      program: /bin/sh',
    `      args: ["-c", ${JSON.stringify(script)}, "job", "{1}"]`,
    '      params: { "1": "[0-9]+" }',
    '',
  ].join('\n');
}
