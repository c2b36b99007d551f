import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileGuard } from './pin-guard.js';
import { Bridge } from '../bridge/bridge.js';
import type { Config } from '../config/config.js';
import { builtinRoutes } from '../dispatch/actions/builtin.js';
import { routeFromSpec } from '../dispatch/actions/spec.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import type { Route } from '../dispatch/types.js';
import type { Logger } from '../log.js';
import { traceTransports } from '../at/trace-file.js';
import { TracedTransport } from '../at/traced-transport.js';
import { ModemSession } from '../modem/modem-session.js';
import { DurableSender } from '../sms/durable-sender.js';
import { SmsService } from '../sms/sms-service.js';
import { BridgeStore } from '../store/bridge-store.js';
import type { Transport } from '../transport/transport.js';
import type { OutboundRecord } from '../store/types.js';
import type { Subscription } from '../rx.js';
import { schedulePrune } from './prune-timer.js';
import { ownCommand, StatusFile, statusPathFor } from './status-file.js';
import type { MetricsServer } from './metrics-server.js';
import { BridgeError } from '../errors.js';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface RunningBridge {
  session: ModemSession;
  sms: SmsService;
  bridge: Bridge;
  replies: DurableSender<OutboundRecord>;
  store: BridgeStore;
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

export interface WireOptions {
  config: Config;
  open: () => Promise<Transport>;
  log: Logger;
  /** Extra routes registered in code (the library API), before the configured actions. */
  routes?: Route[];
  /** Append the AT session to this file in the transcript format. */
  tracePath?: string;
  /** Called with the session before it starts (systemd notifications, state watchers). */
  onSession?: (session: ModemSession) => void;
  /** Called once everything is built, before anything starts: subscribe here to miss nothing. */
  onWired?: (parts: Omit<RunningBridge, 'stop'>) => void;
}

/** Builds the whole bridge from configuration: session → SMS layer → store → dispatcher → bridge. */
export async function startBridge(options: WireOptions): Promise<RunningBridge> {
  const { config, log } = options;
  const store = BridgeStore.open(config.store.path);
  const started = Date.now();
  // Each opened port is traced (the `»`/`«` log at level trace); whoever wants its traffic: the trace file, the metrics.
  const trafficWatchers: ((transport: TracedTransport) => void)[] = [];
  if (options.tracePath) trafficWatchers.push(traceTransports(options.tracePath, { redactBodies: config.log.redactPayloads, note: `smsbridge ${VERSION} session`, log }));
  const open = async (): Promise<Transport> => {
    const transport = new TracedTransport(await options.open(), { log, redactBodies: config.log.redactPayloads });
    trafficWatchers.forEach((watch) => watch(transport));
    return transport;
  };
  const session = new ModemSession({
    open,
    sms: { mode: config.sms.mode, delivery: config.sms.delivery, statusReports: config.sms.statusReports, storage: config.sms.storage },
    profile: config.profile,
    ...(config.secrets.pin ? { pin: config.secrets.pin.reveal() } : {}),
    pinGuard: fileGuard(join(dirname(config.store.path), 'smsbridge.pin-refused')),
    log,
    settingsCheckMs: config.supervision.settingsCheckMs,
    ...(config.supervision.maxOfflineMs > 0 ? { maxOfflineMs: config.supervision.maxOfflineMs } : {}),
  });
  options.onSession?.(session);
  const sms = new SmsService({
    modem: session,
    mode: config.sms.mode,
    defaultRecipient: config.sms.replyTo,
    statusReports: config.sms.statusReports,
    outbox: { sendTimeoutMs: config.sms.sendTimeoutMs },
    // The storage counters (one AT+CPMS?) on the same beat as the settings check: a full storage silences +CMTI.
    ...(config.supervision.settingsCheckMs > 0 ? { storageCheckMs: config.supervision.settingsCheckMs } : {}),
    log,
  });
  const key = config.secrets.key?.reveal();
  const dispatcher = new Dispatcher({
    routes: [
      ...(options.routes ?? []),
      ...config.actions.map(routeFromSpec),
      ...builtinRoutes({
        statusSource: async () => {
          const info = await session.refresh().catch(() => session.info());
          return {
            ...(info?.signalDbm === undefined ? {} : { signalDbm: info.signalDbm }),
            ...(info?.registration === undefined ? {} : { registration: info.registration }),
            ...(info?.operator === undefined ? {} : { operator: info.operator }),
            uptimeS: Math.round((Date.now() - started) / 1000),
            version: VERSION,
          };
        },
      }),
    ],
    unknownReply: config.dispatcher.unknownReply,
    defaultTimeoutMs: config.dispatcher.timeoutMs,
    redactPayloads: config.log.redactPayloads,
    security: {
      allow: config.allow,
      ...(key ? { key, acceptCounter: (sender: string, counter: number, id: number) => store.acceptCounter(sender, counter, id) } : {}),
    },
    log,
  });
  const replies = new DurableSender({ modem: sms, journal: store, via: config.sms.sendVia, log });
  const bridge = new Bridge({ sms, replies, store, dispatcher, replyTo: config.sms.replyTo, log });
  options.onWired?.({ session, sms, bridge, replies, store, dispatcher });
  const status = config.store.path === ':memory:' ? undefined : watchStatus(statusPathFor(config.store.path), session, bridge);
  let metrics: MetricsServer | undefined;
  if (config.metrics.listen !== undefined) {
    // Loaded only when configured (prom-client and an HTTP server stay off a plain bridge).
    const { startMetricsServer } = await import('./metrics-server.js');
    try {
      metrics = await startMetricsServer(config.metrics.listen, { session, bridge, store });
    } catch (error) {
      status?.unsubscribe();
      store.close();
      throw new BridgeError('CONFIG_INVALID', `metrics.listen ${config.metrics.listen}: cannot listen: ${(error as Error).message}`, { cause: error });
    }
    const server = metrics;
    trafficWatchers.push((transport) => server.watchChannel(transport.traffic$));
    log.info({ url: `${server.url}/metrics` }, 'metrics and /healthz served');
  }
  sms.start();
  bridge.start();
  const stopPruning = schedulePrune(store, config.store.retentionDays, log);
  const stop = async () => {
    stopPruning();
    bridge.stop();
    sms.stop();
    await session.close();
    store.close();
    status?.unsubscribe();
    await metrics?.close();
  };
  try {
    await session.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { session, sms, bridge, replies, store, dispatcher, stop };
}

/** Keeps the status file beside the store up to date: state changes, what the modem is, the last error. */
function watchStatus(path: string, session: ModemSession, bridge: Bridge): Subscription {
  const now = () => new Date().toISOString();
  const file = new StatusFile(path, {
    pid: process.pid,
    command: ownCommand(),
    version: VERSION,
    startedAt: now(),
    state: session.state,
    stateSince: now(),
    stateReason: 'starting',
  });
  const modem = () => {
    const info = session.info();
    return info ? { modem: { manufacturer: info.manufacturer, model: info.model, imei: info.imei, signalDbm: info.signalDbm, registration: info.registration, operator: info.operator, storage: info.storage } } : {};
  };
  const subscription = session.changes$.subscribe((change) => {
    const trouble = ['recovering', 'backoff', 'rebooting', 'failed', 'locked'].includes(change.to);
    file.update({ state: change.to, stateSince: change.at.toISOString(), stateReason: change.reason, ...modem(), ...(trouble ? { lastError: { message: change.reason, at: change.at.toISOString() } } : {}) });
  });
  subscription.add(
    bridge.events$.subscribe((event) => {
      if (event.kind === 'reply' && event.status === 'failed') file.update({ lastError: { message: `reply #${event.reply.id} failed: ${event.reply.errorMessage ?? ''}`, at: now() } });
    }),
  );
  // The session's last word is `stopped`; the file says so after the session is gone.
  subscription.add(() => {
    const last = file.status;
    file.update({ state: 'stopped', stateSince: now(), stateReason: last.state === 'ready' || last.state === 'stopped' ? 'stopped' : `stopped while ${last.state}: ${last.stateReason}` });
  });
  return subscription;
}
