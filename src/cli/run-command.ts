import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { BridgeEvent } from '../bridge/bridge.js';
import { loadConfig, type Config } from '../config/config.js';
import { isBridgeError } from '../errors.js';
import type { LogLevel } from '../log.js';
import { VirtualModem } from '../sim/virtual-modem.js';
import type { ProfileName } from '../sim/profiles.js';
import { StreamTransport } from '../transport/stream-transport.js';
import { DEMO_ROUTES, DEMO_SAMPLES } from './demo.js';
import { EXIT, fail } from './exit-codes.js';
import { createLogger } from './logger.js';
import { portOpener } from './open-port.js';
import { startBridge } from './wiring.js';

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
    .option('--sim [profile]', 'run on the built-in virtual modem instead of a serial port (profile: quectel, simcom, huawei, ublox, telit, generic)')
    .option('--demo', 'with --sim: send sample commands, then take lines typed on stdin as commands from 000')
    .option('--trace <file>', 'append the AT session to <file> in the transcript format')
    .option('--db <path>', 'store path (overrides the configuration)')
    .option('--log-level <level>', 'trace, debug, info, warn or error (overrides the configuration)')
    .addHelpText('after', '\nExit codes: 0 stopped by a signal, 2 invalid configuration, 3 the port could not be opened, 1 any other failure.')
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

      let running;
      try {
        running = await startBridge({
          config,
          open,
          log,
          ...(options.trace ? { tracePath: options.trace } : config.log.trace ? { tracePath: join(dirname(config.store.path), 'smsbridge-trace.at') } : {}),
          ...(options.demo ? { routes: DEMO_ROUTES } : {}),
        });
      } catch (error) {
        const code = isBridgeError(error, 'PORT_OPEN_FAILED') || isBridgeError(error, 'PORT_CLOSED') ? EXIT.PORT : EXIT.FAILURE;
        return fail(code, (error as Error).message);
      }
      const info = running.session.info();
      log.info({ model: info?.model, imei: info?.imei, store: config.store.path }, 'smsbridge is running');

      if (modem && options.demo) runDemo(modem, running.bridge.events$);

      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.stop();
      modem?.dispose();
      process.exit(EXIT.OK);
    });
}

/** The demo: sample commands in, every step shown, then stdin lines as commands from 000. */
function runDemo(modem: VirtualModem, events$: import('rxjs').Observable<BridgeEvent>): void {
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
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => line.trim() && modem.deliver({ from: '000', text: line.trim() }));
  }, 300 * (DEMO_SAMPLES.length + 2));
}
