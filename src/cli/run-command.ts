import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { BridgeEvent } from '../bridge/bridge.js';
import { loadConfig, type Config } from '../config/config.js';
import { isBridgeError } from '../errors.js';
import type { LogLevel } from '../log.js';
import type { VirtualModem } from '../sim/virtual-modem.js';
import type { ProfileName } from '../sim/profiles.js';
import { DEMO_ROUTES, DEMO_SAMPLES } from './demo.js';
import { EXIT, fail } from './exit-codes.js';
import { createLogger } from './logger.js';
import { portOpener } from '../api/open-port.js';
import { createBridge } from '../api/create-bridge.js';
import { systemdNotifier } from './systemd-notify.js';
import { heapKeeper } from './lean.js';
import type { SessionState } from '../modem/modem-session.js';

interface RunOptions {
  config?: string;
  port?: string;
  sim?: string | boolean;
  demo?: boolean;
  trace?: string;
  logLevel?: LogLevel;
  db?: string;
}


export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the bridge: SMS Commands in, device actions out, replies back')
    .option('-c, --config <file>', 'YAML configuration (default: $SMSBRIDGE_CONFIG, else built-in defaults)')
    .option('-p, --port <path>', 'modem port, or "auto" to detect it (overrides the configuration)')
    .option('--sim [profile]', 'run on the built-in virtual modem instead of a serial port (profile: any of smsbridge sim --profile, default quectel)')
    .option('--demo', 'with --sim: send sample commands, then take lines typed on stdin as commands from 000')
    .option('--trace <file>', 'append the AT session to <file> as JSON lines, rotated at 5 MiB, 3 files kept (docs/trace.md; smsbridge replay reads it)')
    .option('--db <path>', 'store path (overrides the configuration)')
    .option('--log-level <level>', 'trace, debug, info, warn or error (overrides the configuration)')
    .addHelpText(
      'after',
      '\nThe modem port is opened again and again (capped backoff) until the modem answers; see docs/supervision.md.' +
        '\nExit codes: 0 stopped by a signal, 2 invalid configuration, 3 the port could not be found (port: auto),' +
        '\n4 the modem stayed away longer than supervision.maxOfflineMs, 5 the SIM needs a PIN or PUK smsbridge will not guess, 1 any other failure.',
    )
    .action(async (options: RunOptions) => {
      let config: Config;
      try {
        config = loadConfig(options.config); // the file, else $SMSBRIDGE_CONFIG, else the defaults
      } catch (error) {
        return fail(EXIT.USAGE, (error as Error).message);
      }
      if (options.db) config.store.path = options.db;
      else if (options.sim && !options.config) config.store.path = join(mkdtempSync(join(tmpdir(), 'smsbridge-')), 'demo.db');
      const log = createLogger({ level: options.logLevel ?? config.log.level });

      let modem: VirtualModem | undefined;
      let open;
      if (options.sim) {
        // Loaded only for --sim: the daemon on a device never needs the simulator.
        const [{ VirtualModem }, { StreamTransport }] = await Promise.all([import('../sim/virtual-modem.js'), import('../transport/stream-transport.js')]);
        modem = new VirtualModem({ profile: (typeof options.sim === 'string' ? options.sim : 'quectel') as ProfileName, latencyMs: 5 });
        const virtual = modem;
        open = async () => new StreamTransport(virtual.connect());
      } else {
        try {
          open = (await portOpener(options.port ?? config.port, config.baud, log)).open;
        } catch (error) {
          return fail(EXIT.PORT, (error as Error).message);
        }
      }

      const notifier = systemdNotifier(process.env, log);
      let watchdog: NodeJS.Timeout | undefined;
      // The CLI is an agent of the library like any other (docs/library.md).
      const bridge = createBridge({
        config,
        open,
        log,
        ...(options.trace ? { tracePath: options.trace } : {}),
        ...(options.demo ? { routes: DEMO_ROUTES } : {}),
      });
      let state: SessionState = 'closed';
      bridge.state$.subscribe((s) => (state = s));
      const keepHeapDown = heapKeeper();
      bridge.events$.subscribe((event) => {
        if (event.kind === 'handled') keepHeapDown();
      });
      // A final state of the session ends the process with its own exit code (systemd decides on it).
      const ended = new Promise<number>((resolve) => {
        bridge.changes$.subscribe((change) => {
          notifier.send({ STATUS: `${change.to}: ${change.reason}` });
          if (change.to === 'locked') resolve(EXIT.SIM_LOCKED);
          if (change.to === 'failed') resolve(EXIT.MODEM_GONE);
        });
      });
      if (notifier.watchdogIntervalMs !== undefined) {
        // Pings only while the session is where it should be: a wedged loop or a stuck state gets restarted.
        watchdog = setInterval(() => {
          if (bridge.healthy()) notifier.send({ WATCHDOG: 1 });
        }, notifier.watchdogIntervalMs);
      }
      if (modem && options.demo) runDemo(modem, bridge.events$);
      let info;
      try {
        info = await bridge.start();
      } catch (error) {
        clearInterval(watchdog);
        notifier.close();
        await bridge.close();
        return fail(exitCodeFor(error, state), (error as Error).message);
      }
      log.info({ model: info.model, imei: info.imei, store: config.store.path }, 'smsbridge is running');
      notifier.send({ READY: 1, STATUS: `ready: ${info.manufacturer} ${info.model}`.trim() });

      const code = await Promise.race([
        new Promise<number>((resolve) => {
          const stop = () => resolve(EXIT.OK);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        }),
        ended,
      ]);
      if (code !== EXIT.OK) log.error({ exitCode: code }, bridge.finalError?.message ?? 'the modem session ended');
      notifier.send({ STOPPING: 1 });
      clearInterval(watchdog);
      await bridge.close();
      notifier.close();
      modem?.dispose();
      process.exit(code);
    });
}

/** The exit code for a bridge that did not start (README, "Exit codes"). */
function exitCodeFor(error: unknown, state: SessionState): number {
  if (state === 'locked' || isBridgeError(error, 'SIM_PIN_WRONG') || isBridgeError(error, 'SIM_PIN_REQUIRED') || isBridgeError(error, 'SIM_PUK_REQUIRED')) return EXIT.SIM_LOCKED;
  if (state === 'failed') return EXIT.MODEM_GONE;
  if (isBridgeError(error, 'PORT_OPEN_FAILED') || isBridgeError(error, 'PORT_CLOSED') || isBridgeError(error, 'NO_PORT_FOUND')) return EXIT.PORT;
  return EXIT.FAILURE;
}

/** The demo: sample commands in, every step shown, then stdin lines as commands from 000. */
function runDemo(modem: VirtualModem, events$: import('../rx.js').Observable<BridgeEvent>): void {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  events$.subscribe((event) => {
    if (event.kind === 'received') say(`  ◀ command #${event.command.id} from ${event.command.sender}: ${event.command.text}${event.duplicate ? ' (duplicate: not run again)' : ''}`);
    if (event.kind === 'handled') say(`  ⚙ ${event.outcome.route ?? 'no route'} → ${event.outcome.status}${event.outcome.error ? ` (${event.outcome.error})` : ''}`);
    if (event.kind === 'reply') say(`  ▶ reply #${event.reply.id} to ${event.reply.to} ${event.status}: ${event.reply.text}`);
  });
  modem.sent$.subscribe((sms) => say(`  ✉ the network received from the device, for ${sms.to}: ${sms.text}`));
  say('smsbridge demo: the bridge runs on a virtual Quectel modem. Sample SMS Commands from 000:');
  DEMO_SAMPLES.forEach((text, i) => setTimeout(() => modem.deliver({ from: '000', text }), 300 * (i + 1)));
  setTimeout(() => {
    say('\nType a command and press Enter to send it from 000 (Ctrl-C to stop):');
    // Loaded here: `run` on a device has no terminal to read (readline is five modules).
    void import('node:readline').then(({ createInterface }) => {
      const rl = createInterface({ input: process.stdin });
      rl.on('line', (line) => line.trim() && modem.deliver({ from: '000', text: line.trim() }));
    });
  }, 300 * (DEMO_SAMPLES.length + 2));
}
