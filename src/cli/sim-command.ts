/**
 * `smsbridge sim`: the virtual modem on a pseudo-terminal, with a control interface on stdin
 * lines and, with --control-port, HTTP on 127.0.0.1. Wiring only; see docs/simulator.md.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { applyControl, parseControlLine } from '../sim/control.js';
import { startControlServer, type ControlServer } from '../sim/control-server.js';
import { PROFILE_NAMES, type ProfileName } from '../sim/profiles.js';
import { startPtyLink } from '../sim/pty-link.js';
import { VirtualModem } from '../sim/virtual-modem.js';

export interface SimOptions {
  profile: ProfileName;
  link: string;
  latency: number;
  sendLatency: number;
  controlPort?: number;
  pin?: string;
}

export interface RunningSim {
  modem: VirtualModem;
  /** The current /dev/pts/N (it changes after an unplug; the link path does not). */
  readonly ptyPath: string;
  control: ControlServer | undefined;
  close(): Promise<void>;
}

/** Starts the modem, its PTY and control interfaces; prints where they are to `out`. */
export async function runSim(options: SimOptions, io: { input?: Readable; out: Writable }): Promise<RunningSim> {
  const modem = new VirtualModem({
    profile: options.profile,
    latencyMs: options.latency,
    sendLatencyMs: options.sendLatency,
    ...(options.pin !== undefined ? { pin: options.pin } : {}),
  });
  const link = await startPtyLink({ modem, link: options.link });
  const control = options.controlPort !== undefined ? await startControlServer(modem, options.controlPort) : undefined;
  const print = (text: string) => io.out.write(`${text}\n`);
  print(`virtual ${options.profile} modem on ${link.path} (link ${options.link})`);
  if (control) print(`control: ${control.url} (POST /deliver, GET /outbox, GET /stored, GET /stats, POST /fault)`);
  print('type "help" for control commands');
  const lines = io.input ? createInterface({ input: io.input, terminal: false }) : undefined;
  lines?.on('line', (line) => {
    if (line.trim() === '') return;
    try {
      const result = applyControl(modem, parseControlLine(line));
      print(typeof result === 'string' ? result : JSON.stringify(result));
    } catch (error) {
      print(`error: ${(error as Error).message}`);
    }
  });
  const subscription = modem.plug$.subscribe((plugged) => print(plugged ? 'modem plugged back in' : 'modem unplugged'));
  return {
    modem,
    get ptyPath() {
      return link.path;
    },
    control,
    close: async () => {
      subscription.unsubscribe();
      lines?.close();
      await control?.close();
      await link.close();
      modem.dispose();
    },
  };
}

const int = (value: string): number => {
  const n = Number.parseInt(value, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative integer: ${value}`);
  return n;
};

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the virtual modem on a pseudo-terminal, controlled from stdin (and HTTP with --control-port)')
    .addOption(new Option('--profile <name>', 'modem profile').choices(PROFILE_NAMES).default('quectel'))
    .option('--link <path>', 'stable symlink to the pseudo-terminal', '/tmp/ttySIM')
    .option('--latency <ms>', 'delay before each answer', int, 20)
    .option('--send-latency <ms>', 'extra delay before a +CMGS result', int, 500)
    .option('--control-port <port>', 'HTTP control on 127.0.0.1:<port> (0 = any free port)', int)
    .option('--pin <pin>', 'start with the SIM locked by this PIN')
    .action(async (opts: SimOptions) => {
      const sim = await runSim(opts, { input: process.stdin, out: process.stdout });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
    });
}
