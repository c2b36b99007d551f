import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPtyLink } from '../sim/pty-link.js';
import { VirtualModem } from '../sim/virtual-modem.js';
import { percentile } from './measure.js';

export interface ProcessBenchOptions {
  /** How to start `smsbridge`: the arguments after `node` up to the command (`[…, 'dist/cli/main.js']`). */
  bridgeArgv: string[];
  latencyMs: number;
  delivery: 'store' | 'direct';
  sendVia: 'storage' | 'cmgs';
  latencyCommands: number;
  throughputCommands: number;
  window: number;
}

export interface ProcessBenchResult {
  options: ProcessBenchOptions;
  latencyMs: { p50: number; p99: number; samples: number };
  commandsPerS: number;
  /** Command lines (one per CR, however many commands it chains) plus bodies after `> `, per command, as the modem received them. */
  exchangesPerCommand: number;
  /** The bridge process's CPU (utime + stime from /proc) over the throughput run ÷ commands. */
  cpuMsPerCommand: number;
  /** The bridge process's peak resident set (VmHWM), after the whole run. */
  peakRssMiB: number;
  /** The share of the throughput run the modem spent working (its latency waits as they lasted): 1 = the modem is the bottleneck. */
  modemBusyShare: number;
}

/**
 * The fewest exchanges a path needs with nothing given up (issue 14): one inbound (AT+CMGR, the
 * deletes riding on it; or AT+CNMA acknowledging a +CMT) and the send (AT+CMGW, its body, AT+CMSS;
 * or AT+CMGS and its body).
 */
export function fewestExchanges(o: Pick<ProcessBenchOptions, 'sendVia'>): number {
  return 1 + (o.sendVia === 'storage' ? 3 : 2);
}

/**
 * `smsbridge run` as a user runs it: its own process (the built CLI), through serialport on the
 * virtual modem's pseudo-terminal, the modem in this process. Exchanges are counted where the
 * modem receives them; CPU and memory are the bridge process's own, read from /proc.
 */
export async function runProcessBench(options: ProcessBenchOptions): Promise<ProcessBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-procbench-'));
  const modem = new VirtualModem({ profile: 'quectel', latencyMs: options.latencyMs, sendLatencyMs: options.latencyMs, noise: false });
  const link = await startPtyLink({ modem, link: join(dir, 'tty') });
  const config = join(dir, 'smsbridge.yaml');
  writeFileSync(config, `port: ${link.link}\nstore:\n  path: ${join(dir, 'bridge.db')}\nlog:\n  level: warn\nsms:\n  delivery: ${options.delivery}\n  sendVia: ${options.sendVia}\n`);
  const child = spawn(process.execPath, [...options.bridgeArgv, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const proc = (file: string) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8');
  const cpuMs = () => {
    const fields = proc('stat').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  };
  let n = 0;
  const send = () => {
    n++;
    modem.deliver({ from: '000', text: `ping ${n}`, timestamp: new Date(Date.UTC(2026, 0, 1) + n * 1000) });
    return `pong ${n}`;
  };
  const replied = (text: string) => modem.outbox.some((e) => e.text === text);
  const until = async (check: () => boolean, ms = 120_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('the bridge stopped answering');
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  try {
    const first = send();
    await until(() => replied(first)); // started and configured
    const samples: number[] = [];
    for (let i = 0; i < options.latencyCommands; i++) {
      const t0 = performance.now();
      const want = send();
      await until(() => replied(want));
      samples.push(performance.now() - t0);
    }
    await new Promise((r) => setTimeout(r, 500)); // deletes of the latency phase go out
    const before = { ...modem.stats, cpu: cpuMs(), sent: modem.outbox.length };
    const t0 = performance.now();
    for (let i = 0; i < options.throughputCommands; i++) {
      // At most `window` commands unanswered.
      await until(() => modem.outbox.length - before.sent >= i - options.window + 1);
      send();
    }
    await until(() => modem.outbox.length - before.sent >= options.throughputCommands);
    const seconds = (performance.now() - t0) / 1000;
    const busyMs = modem.stats.busyMs - before.busyMs;
    await new Promise((r) => setTimeout(r, 500)); // the last batched deletes
    const after = { ...modem.stats, cpu: cpuMs() };
    const peak = /VmHWM:\s+(\d+)/.exec(proc('status'))?.[1];
    return {
      options,
      latencyMs: { p50: percentile(samples, 50), p99: percentile(samples, 99), samples: samples.length },
      commandsPerS: options.throughputCommands / seconds,
      exchangesPerCommand: (after.lines - before.lines + after.bodies - before.bodies) / options.throughputCommands,
      cpuMsPerCommand: (after.cpu - before.cpu) / options.throughputCommands,
      modemBusyShare: busyMs / (seconds * 1000),
      peakRssMiB: Number(peak) / 1024,
    };
  } finally {
    // SIGTERM first, as systemd stops it (lets `--cpu-prof` and `--heap-prof` write their files); SIGKILL after 5 s.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    await link.close();
    modem.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
