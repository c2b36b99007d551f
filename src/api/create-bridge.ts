import { dirname, join } from 'node:path';
import { BehaviorSubject, Subject, type Observable } from '../rx.js';
import type { BridgeEvent } from '../bridge/bridge.js';
import { configFromObject, loadConfig, type Config } from '../config/config.js';
import type { InboundCommand, Outcome, Route } from '../dispatch/types.js';
import { BridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ModemInfo } from '../modem/init-sequence.js';
import type { ModemSession, StateChange } from '../modem/modem-session.js';
import type { SessionState } from '../modem/modem-session.js';
import type { OutboundRecord } from '../store/types.js';
import type { Transport } from '../transport/transport.js';
import { portOpener } from './open-port.js';
import { startBridge, type RunningBridge } from './wiring.js';

/** Options of {@link createBridge}. */
export interface CreateBridgeOptions {
  /**
   * The configuration: a path to the YAML file `smsbridge run` reads, or an object with the same
   * keys (docs/configuration.md). Missing keys take their defaults; invalid ones throw
   * `CONFIG_INVALID` naming the key.
   */
  config?: string | Record<string, unknown> | Config;
  /** Where the modem is (`/dev/serial/by-id/…`, or `auto`); overrides `config.port`. */
  port?: string;
  /** Opens the byte stream to the modem instead of a serial port (a simulator, another transport). */
  open?: () => Promise<Transport>;
  /** Routes in code, matched before the configured actions and the built-in ones (`ping`, `status`). */
  routes?: readonly Route[];
  /** Where log records go (the subset of pino's API in `Logger`); silent by default. */
  log?: Logger;
  /** Record the AT session to this file as JSON lines, rotated (docs/trace.md); overrides `log.trace`. */
  tracePath?: string;
}

/** A reply's progress, as the journal records it. */
export interface ReplyUpdate {
  reply: OutboundRecord;
  status: OutboundRecord['status'];
}

/** A bridge embedded in an agent: SMS Commands in, the agent's routes run, replies out, exactly once. */
export interface SmsBridge {
  /** Each new command, once recorded (a network re-delivery of one is not emitted again). */
  readonly commands$: Observable<InboundCommand>;
  /** What became of each command: the route that ran, its reply or error. */
  readonly outcomes$: Observable<Outcome>;
  /** Replies as they are sent and refused. */
  readonly replies$: Observable<ReplyUpdate>;
  /** The modem session's state (`ready` when SMS works; see docs/supervision.md). Replays the current one. */
  readonly state$: Observable<SessionState>;
  /** Each state change with its reason (what a service manager's status line shows). */
  readonly changes$: Observable<StateChange>;
  /** Everything the bridge reports, in one stream. */
  readonly events$: Observable<BridgeEvent>;
  /**
   * Adds a route. Routes given before `start()` come before the configured and built-in ones;
   * routes added later come after those of their kind. Returns a function that removes it (a route
   * added before `start()` can be removed only until then).
   */
  register(route: Route): () => void;
  /** Opens the modem and starts; resolves once SMS works, rejects with a `BridgeError` if it never can (a SIM lock, `supervision.maxOfflineMs`). */
  start(): Promise<ModemInfo>;
  /**
   * Queues an SMS of the agent's own (to the configured `sms.replyTo`, `000` on Super SIM, unless
   * `to` says otherwise) and sends it exactly once like a reply. Resolves with its journal id once
   * queued; `replies$` follows it. Throws `SMS_TOO_LONG`/`SMS_UNENCODABLE` before queuing what
   * cannot be one SMS.
   */
  send(text: string, options?: { to?: string }): { id: number };
  /** What configuration learned about the modem and SIM; undefined before the first `ready`. */
  info(): ModemInfo | undefined;
  /** For a watchdog: the session is where it should be (a state within its deadline, or ready and checked lately). */
  healthy(): boolean;
  /** Why the session ended, once it reached a final state (`locked`, `failed`). */
  readonly finalError: BridgeError | undefined;
  /** Stops: the session closes the port, the store closes. Pending replies stay journaled for the next start. */
  close(): Promise<void>;
}

/**
 * Creates a bridge for a device agent. Nothing touches the modem until `start()`.
 *
 * ```ts
 * const bridge = createBridge({ config: { port: '/dev/ttyUSB2' } });
 * bridge.register({ verb: 'reboot', handler: () => 'OK rebooting' });
 * await bridge.start();
 * ```
 */
export function createBridge(options: CreateBridgeOptions = {}): SmsBridge {
  const config = resolveConfig(options.config);
  if (options.port !== undefined) config.port = options.port;
  const log = options.log ?? silentLogger;
  const tracePath = options.tracePath ?? (config.log.trace && config.store.path !== ':memory:' ? join(dirname(config.store.path), 'smsbridge-trace.jsonl') : undefined);
  const routes: Route[] = [...(options.routes ?? [])];
  const commands = new Subject<InboundCommand>();
  const outcomes = new Subject<Outcome>();
  const replies = new Subject<ReplyUpdate>();
  const events = new Subject<BridgeEvent>();
  const state = new BehaviorSubject<SessionState>('closed');
  const changes = new Subject<StateChange>();
  let session: ModemSession | undefined;
  let running: RunningBridge | undefined;
  let starting: Promise<ModemInfo> | undefined;
  let closed = false;

  const onWired = (parts: Omit<RunningBridge, 'stop'>) => {
    session = parts.session;
    parts.session.state$.subscribe((s) => state.next(s));
    parts.session.changes$.subscribe((change) => changes.next(change));
    parts.bridge.events$.subscribe((event) => {
      events.next(event);
      if (event.kind === 'received' && !event.duplicate) commands.next(event.command);
      if (event.kind === 'handled') outcomes.next(event.outcome);
      if (event.kind === 'reply') replies.next({ reply: event.reply, status: event.status });
    });
  };

  return {
    commands$: commands.asObservable(),
    outcomes$: outcomes.asObservable(),
    replies$: replies.asObservable(),
    state$: state.asObservable(),
    changes$: changes.asObservable(),
    events$: events.asObservable(),
    register(route) {
      if (running) return running.dispatcher.register(route);
      routes.push(route);
      // Before start() only: from then on it is one of the dispatcher's initial routes.
      return () => {
        const i = routes.indexOf(route);
        if (i >= 0) routes.splice(i, 1);
      };
    },
    start() {
      if (closed) return Promise.reject(new BridgeError('QUEUE_CLOSED', 'this bridge was closed'));
      starting ??= (async () => {
        const open = options.open ?? (await portOpener(config.port, config.baud, log)).open;
        running = await startBridge({ config, open, log, routes, onWired, ...(tracePath ? { tracePath } : {}) });
        return running.session.info()!;
      })();
      return starting;
    },
    send(text, sendOptions = {}) {
      if (!running) throw new BridgeError('NOT_READY', 'start() the bridge before sending');
      running.sms.prepare(text, sendOptions.to ?? config.sms.replyTo); // refuses what cannot be one SMS, before the journal
      const row = running.store.enqueueOutbound({ to: sendOptions.to ?? config.sms.replyTo, text });
      void running.replies.drain();
      return { id: row.id };
    },
    info() {
      return running?.session.info();
    },
    healthy() {
      return session?.healthy() ?? false;
    },
    get finalError() {
      return session?.finalError;
    },
    async close() {
      if (closed) return;
      closed = true;
      await starting?.catch(() => undefined);
      await running?.stop();
      for (const subject of [commands, outcomes, replies, events, state, changes]) subject.complete();
    },
  };
}

function resolveConfig(input: CreateBridgeOptions['config']): Config {
  if (typeof input === 'string') return loadConfig(input);
  // Already validated (loadConfig's result: the CLI's way in); the file's keys never include `secrets`.
  if (input !== undefined && 'secrets' in input) return input as Config;
  return configFromObject(input ?? {});
}

/** The session of a running bridge, for agents that want its `urc$` or `send()` too. */
export type { ModemSession };
