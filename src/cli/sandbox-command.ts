import { createInterface } from 'node:readline';
/**
 * `smsbridge sandbox`: the SMS Commands API on 127.0.0.1 with virtual SIMs, each on a virtual
 * modem (on a pseudo-terminal with --pty), optionally with the bridge running on each. Wiring
 * only; see docs/sandbox.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { Subject } from '../rx.js';
import { SmsCommandsClient } from '../cloud/client.js';
import { parseConfig } from '../config/config.js';
import type { Logger, LogLevel } from '../log.js';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { startWebhookReceiver, type WebhookReceiver } from '../sandbox/webhook-printer.js';
import { startPtyLink, type PtyLink } from '../sim/pty-link.js';
import { VirtualModem } from '../sim/virtual-modem.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { StreamTransport } from '../transport/stream-transport.js';
import { DEMO_ROUTES, DEMO_SAMPLES } from './demo.js';
import { EXIT, fail } from './exit-codes.js';
import { createLogger } from './logger.js';
import { startBridge, type RunningBridge } from '../api/wiring.js';

export interface SandboxCliOptions {
  port: number;
  sims: number;
  bridge: boolean;
  pty: boolean;
  db?: string;
  fleetUrl?: string;
  fleetMethod?: 'GET' | 'POST';
  demo?: boolean;
  /** Serve the console at `/` (default true; `--no-console` turns it off). */
  console?: boolean;
  /** With demo: lines read here are POSTed as commands to sim-1. */
  stdin?: NodeJS.ReadableStream;
  logLevel?: LogLevel;
}

export interface RunningSandbox {
  sandbox: Sandbox;
  sims: { name: string; sid: string; modem: VirtualModem; pty?: PtyLink; bridge?: RunningBridge }[];
  close(): Promise<void>;
}

const FLEET = 'default-fleet';

/** Starts everything and prints where it is to `out`. */
export async function runSandbox(options: SandboxCliOptions, out: Writable, log: Logger): Promise<RunningSandbox> {
  const print = (line = '') => out.write(`${line}\n`);
  const dbPath = options.db ?? join(mkdtempSync(join(tmpdir(), 'smsbridge-sandbox-')), 'sandbox.db');
  const sandbox = await startSandbox({ dbPath, port: options.port, log, console: options.console ?? true });
  const cleanups: (() => Promise<void> | void)[] = [() => sandbox.close()];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    let receiver: WebhookReceiver | undefined;
    if (options.demo && options.fleetUrl === undefined) {
      receiver = await startWebhookReceiver((method, path, p) => print(`  ⚑ webhook ${method} ${path}: ${p.get('Direction')} ${p.get('Status')} ${JSON.stringify(p.get('Payload'))} (${p.get('CommandSid')})`));
      cleanups.push(() => receiver!.close());
    }
    const fleetUrl = options.fleetUrl ?? (receiver ? `${receiver.url}/fleet` : undefined);
    const existing = sandbox.registry.fleet(FLEET);
    const fleetInput = { smsCommandsUrl: fleetUrl, smsCommandsMethod: options.fleetMethod };
    const fleet = existing ? sandbox.registry.updateFleet(existing.sid, fleetInput) : sandbox.registry.createFleet({ uniqueName: FLEET, ...fleetInput });

    const sims: RunningSandbox['sims'] = [];
    for (let n = 1; n <= options.sims; n++) {
      const name = `sim-${n}`;
      const sim = sandbox.registry.sim(name) ?? sandbox.registry.createSim({ uniqueName: name, fleet: fleet.sid });
      const modem = new VirtualModem({ profile: 'quectel', latencyMs: 1 });
      cleanups.push(() => modem.dispose());
      const entry: RunningSandbox['sims'][number] = { name, sid: sim.sid, modem };
      if (options.pty) {
        const pty = await startPtyLink({ modem });
        cleanups.push(() => pty.close());
        entry.pty = pty;
      }
      // The console shows each bridge's session state; the session exists only once the bridge is built.
      const bridgeState = new Subject<string>();
      cleanups.push(sandbox.attach(sim.sid, modem, { bridgeState$: bridgeState }));
      if (options.bridge) {
        const config = parseConfig('{}', 'defaults');
        config.store.path = join(dirname(dbPath), `bridge-${name}.db`);
        const pty = entry.pty;
        // On a pty the bridge goes through serialport like on a device; otherwise in process.
        const open = pty ? () => SerialTransport.open({ path: pty.path, baudRate: config.baud }) : async () => new StreamTransport(modem.connect());
        const bridge = await startBridge({ config, open, log, onSession: (session) => session.state$.subscribe(bridgeState), ...(options.demo ? { routes: DEMO_ROUTES } : {}) });
        cleanups.push(() => bridge.stop());
        entry.bridge = bridge;
        if (options.demo) {
          const shown = bridge.bridge.events$.subscribe((e) => {
            if (e.kind === 'handled') print(`  ⚙ ${name} device: ${JSON.stringify(e.outcome.command.text)} → action ${e.outcome.route ?? '(none)'} → ${e.outcome.status}, reply ${JSON.stringify(e.outcome.reply)}`);
          });
          cleanups.push(() => shown.unsubscribe());
        }
      }
      sims.push(entry);
    }

    print(`SMS Commands sandbox on ${sandbox.url} (state in ${dbPath})`);
    if (sandbox.consoleUrl) print(`  console: ${sandbox.consoleUrl} (open it in a browser on this machine)`);
    print(`  client id      ${sandbox.account.clientId}`);
    print(`  client secret  ${sandbox.account.clientSecret}`);
    print(`  token URL      ${sandbox.tokenUrl}`);
    print(`  fleet ${FLEET} (${fleet.sid}) sms_commands_url ${fleet.smsCommandsUrl ?? '(none)'}`);
    for (const s of sims) print(`  SIM ${s.name} (${s.sid}): virtual quectel modem${s.pty ? ` on ${s.pty.path}` : ''}${s.bridge ? ', smsbridge running on it' : ''}`);
    print();
    print('Try:');
    print(`  TOKEN=$(curl -s ${sandbox.tokenUrl} -d grant_type=client_credentials -d client_id=${sandbox.account.clientId} -d client_secret=${sandbox.account.clientSecret} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`);
    print(`  curl -s -X POST ${sandbox.url}/v1/SmsCommands -H "Authorization: Bearer $TOKEN" --data-urlencode "Sim=sim-1" --data-urlencode "Payload=ping 42"`);
    print(`  curl -s "${sandbox.url}/v1/SmsCommands?PageSize=5" -H "Authorization: Bearer $TOKEN"`);
    print(`  smsbridge cloud list --base-url ${sandbox.url} --client-id ${sandbox.account.clientId} --client-secret <secret>`);
    print();

    const names = new Map(sims.map((s) => [s.sid, s.name]));
    const events = sandbox.events$.subscribe((c) =>
      print(c.direction === 'to_sim' ? `  ▶ ${c.sid} to ${names.get(c.simSid) ?? c.simSid}: ${c.status} ${JSON.stringify(c.payload)}` : `  ◀ ${c.sid} from ${names.get(c.simSid) ?? c.simSid}: received ${JSON.stringify(c.payload)}`),
    );
    cleanups.splice(1, 0, () => events.unsubscribe());

    if (options.demo && sims.length > 0) {
      const client = new SmsCommandsClient({ baseUrl: sandbox.url, tokenUrl: sandbox.tokenUrl, clientId: sandbox.account.clientId, clientSecret: sandbox.account.clientSecret });
      const post = async (payload: string) => {
        print(`demo: POST /v1/SmsCommands Sim=sim-1 Payload=${JSON.stringify(payload)}${receiver ? ` CallbackUrl=${receiver.url}/status` : ''}`);
        await client.create({ sim: 'sim-1', payload, ...(receiver ? { callbackUrl: `${receiver.url}/status` } : {}) }).catch((error: Error) => print(`  ✗ ${error.message}`));
      };
      for (const payload of DEMO_SAMPLES) {
        await post(payload);
        await new Promise((r) => setTimeout(r, 1500));
      }
      if (options.stdin) {
        print('\nType a command and press Enter to POST it to sim-1 (Ctrl-C to stop):');
        const rl = createInterface({ input: options.stdin });
        rl.on('line', (line) => void (line.trim() && post(line.trim())));
        cleanups.push(() => rl.close());
      }
    }
    return { sandbox, sims, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const int = (min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}, got ${value}`);
  return n;
};

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('run the SMS Commands API locally (127.0.0.1), wired to virtual SIMs on virtual modems')
    .option('--port <port>', 'API port on 127.0.0.1 (0 = any free port)', int(0, 65535), 8080)
    .option('--sims <n>', 'how many virtual SIMs (sim-1 … sim-N)', int(1, 100), 1)
    .option('--bridge', 'run smsbridge on each virtual modem', false)
    .option('--pty', 'put each virtual modem on a pseudo-terminal and print its path (needs socat)', false)
    .option('--db <path>', 'SQLite file for the sandbox state (default: a new temporary file)')
    .option('--fleet-url <url>', "the fleet's sms_commands_url, called for every SMS a device sends")
    .addOption(new Option('--fleet-method <method>', "the fleet's sms_commands_method").choices(['GET', 'POST']))
    .option('--no-console', 'do not serve the console at / (it is local-only: no token, but only pages of its own origin on 127.0.0.1)')
    .option('--demo', 'with --bridge: print webhooks on a local receiver, POST sample commands to sim-1, then each line typed on stdin', false)
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('warn'))
    .action(async (options: SandboxCliOptions) => {
      const log = createLogger({ level: options.logLevel ?? 'warn' });
      let running: RunningSandbox;
      try {
        running = await runSandbox({ ...options, stdin: process.stdin }, process.stdout, log);
      } catch (error) {
        return fail(EXIT.FAILURE, (error as Error).message);
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      process.exit(EXIT.OK);
    });
}
