/**
 * The sandbox put together: SQLite state, the API server, the delivery engine and the modems
 * attached to SIMs. Time comes from `clock` everywhere (the 24-hour and 30-day rules, token
 * expiry, dates on resources), so tests move it by hand and call `tick()`.
 */
import { Subject, type Observable, type Subscription } from '../rx.js';
import { silentLogger, type Logger } from '../log.js';
import type { Database } from '../sqlite.js';
import { TokenIssuer, TOKEN_PATH } from './auth.js';
import { CallbackSender, callbackParams } from './callbacks.js';
import { CommandStore } from './command-store.js';
import { CommandTimelines } from './command-timeline.js';
import { ensureAccount, openSandboxDb, type Account } from './db.js';
import { DeliveryEngine, type Reach } from './delivery.js';
import { EventStream } from './event-stream.js';
import { watchMobileOriginated } from './mobile-originated.js';
import { RegistryStore } from './registry-store.js';
import type { CommandRecord } from './resources.js';
import { startApiServer, type ApiServer } from './server.js';
import { SimBoard, type FaultableModem } from './sim-board.js';
import { StaticFiles } from './static-files.js';
import { WebhookLog } from './webhook-log.js';

export interface SandboxOptions {
  /** SQLite file; `:memory:` for a throwaway sandbox. */
  dbPath: string;
  /** 0 (default) picks a free port; the server listens on 127.0.0.1 only. */
  port?: number;
  clock?: () => Date;
  log?: Logger;
  /** How often pending commands are retried (default 5000 ms); 0 turns the timer off (tests call tick()). */
  retryEveryMs?: number;
  /** Access token lifetime in seconds (default 3600). */
  tokenTtlS?: number;
  /** Per webhook call (default 10 s). */
  webhookTimeoutMs?: number;
  /** Serve the console at `/` (local-only, no token: docs/sandbox.md). Default false; the CLI turns it on. */
  console?: boolean;
}

export interface AttachOptions {
  /** The state of the bridge running on the modem, shown by the console. */
  bridgeState$?: Observable<string>;
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>`, the API base URL. */
  readonly url: string;
  /** `<url>/` when the console is on. */
  readonly consoleUrl: string | undefined;
  /** Where clients get tokens (`<url>/api-services/v1/auth/token`). */
  readonly tokenUrl: string;
  readonly account: Account;
  readonly commands: CommandStore;
  readonly registry: RegistryStore;
  /** Every MT status change and every MO command as it is recorded. */
  readonly events$: Observable<CommandRecord>;
  /**
   * Connects a SIM to its modem: MT commands go to it, what it sends comes back as MO commands.
   * A modem with `unplug`/`reboot` (VirtualModem) takes the console's faults.
   */
  attach(simSid: string, modem: FaultableModem, options?: AttachOptions): () => void;
  /** One delivery pass now (retries, 24-hour rule, retention purge). */
  tick(): void;
  /** Resolves once every webhook call queued so far has been made. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? silentLogger;
  const db: Database = openSandboxDb(options.dbPath);
  const account = ensureAccount(db, clock().getTime());
  const commands = new CommandStore(db, account.sid, clock);
  const registry = new RegistryStore(db, account.sid, clock);
  // What the console shows beyond the API: status timelines, webhook calls, modems and bridges, live.
  const timelines = new CommandTimelines();
  const webhooks = new WebhookLog();
  const board = new SimBoard(registry);
  const stream = new EventStream();
  const callbacks = new CallbackSender({
    log,
    called: (call) => stream.send('webhook', webhooks.add(call)),
    ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
  });
  const modems = new Map<string, FaultableModem>();
  const events = new Subject<CommandRecord>();
  const shown = (command: CommandRecord) => {
    timelines.record(command);
    stream.send('command', timelines.json(command, registry.sim(command.simSid)?.uniqueName));
  };
  const boardChanges = board.changed$.subscribe((sim) => stream.send('sim', sim));

  const reach = (simSid: string): Reach => {
    const sim = registry.sim(simSid);
    if (!sim || sim.status !== 'active') return 'inactive';
    return modems.get(simSid)?.isPlugged ? 'reachable' : 'unreachable';
  };
  const changed = (command: CommandRecord) => {
    log.info({ command: command.sid, status: command.status }, 'SMS Command status changed');
    shown(command);
    events.next(command);
    if (command.callbackUrl) callbacks.send(command.sid, command.callbackUrl, command.callbackMethod, callbackParams(command, registry.sim(command.simSid)));
  };
  const engine = new DeliveryEngine({ commands, reach, modem: (sid) => modems.get(sid), changed, clock, log });

  let closed = false;
  const tick = () => {
    if (closed) return;
    commands.purge();
    engine.tick();
  };
  // Attempts run after the current request has answered, so a new command is seen `queued` first.
  const soon = () => setImmediate(tick);

  const tokens = new TokenIssuer(account, clock, options.tokenTtlS);
  const queued = (command: CommandRecord) => {
    shown(command);
    soon();
  };
  const consoleDeps = options.console ? { commands, registry, tokens, board, timelines, webhooks, stream, files: new StaticFiles() } : undefined;
  const server: ApiServer = await startApiServer({ commands, registry, queued, tokens, log, ...(consoleDeps ? { console: consoleDeps } : {}) }, options.port ?? 0);
  const retryEvery = options.retryEveryMs ?? 5000;
  const timer = retryEvery > 0 ? setInterval(tick, retryEvery) : undefined;
  timer?.unref();
  // Commands left pending by a previous run carry on.
  soon();

  return {
    url: server.url,
    consoleUrl: consoleDeps ? `${server.url}/` : undefined,
    tokenUrl: `${server.url}${TOKEN_PATH}`,
    account,
    commands,
    registry,
    events$: events.asObservable(),
    attach(simSid, modem, attachOptions = {}) {
      if (modems.has(simSid)) throw new Error(`SIM ${simSid} already has a modem`);
      modems.set(simSid, modem);
      const subscriptions: Subscription[] = [
        watchMobileOriginated(simSid, modem, {
          commands,
          registry,
          callbacks,
          log,
          recorded: (c) => {
            shown(c);
            events.next(c);
          },
        }),
        // A modem coming back is the network seeing the SIM attach: try its commands now.
        modem.plug$.subscribe((plugged) => plugged && soon()),
      ];
      // The host acknowledged a pushed SMS: confirm its delivery now, not at the next retry tick.
      if (modem.acknowledged$) subscriptions.push(modem.acknowledged$.subscribe(() => soon()));
      const leaveBoard = board.attach(simSid, modem, attachOptions.bridgeState$);
      soon();
      return () => {
        subscriptions.forEach((s) => s.unsubscribe());
        leaveBoard();
        if (modems.get(simSid) === modem) modems.delete(simSid);
        engine.forget(modem);
      };
    },
    tick,
    webhooksIdle: () => callbacks.idle(),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      boardChanges.unsubscribe();
      stream.close();
      await server.close();
      await callbacks.idle();
      events.complete();
      db.close();
    },
  };
}
