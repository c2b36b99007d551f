import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Observable, Subscription } from '../rx.js';
import type { Traffic } from '../at/traced-transport.js';
import { CTRL_Z } from '../at/command.js';
import type { Bridge } from '../bridge/bridge.js';
import type { ModemSession } from '../modem/modem-session.js';
import type { BridgeStore } from '../store/bridge-store.js';

/**
 * Prometheus metrics and a health check on a local address (`metrics.listen`), with prom-client,
 * the client the Prometheus project lists for Node. Loaded only when configured: prom-client
 * costs about 11 MiB of RSS that a bridge without a scraper should not pay.
 */
export interface MetricsServer {
  /** Counts the AT traffic of a channel (called for each new one). */
  watchChannel(traffic$: Observable<Traffic>): void;
  readonly url: string;
  close(): Promise<void>;
}

const STATES = ['closed', 'opening', 'waiting', 'configuring', 'ready', 'rebooting', 'recovering', 'backoff', 'locked', 'failed', 'stopped'] as const;

export async function startMetricsServer(listen: string, parts: { session: ModemSession; bridge: Bridge; store: BridgeStore }): Promise<MetricsServer> {
  const { session, bridge, store } = parts;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smsbridge_' });
  const commands = new Counter({ name: 'smsbridge_commands_total', help: 'SMS commands handled, by outcome (ok, no-reply, error, unknown, timeout, reply-too-long, refused)', labelNames: ['outcome'], registers: [registry] });
  const duplicates = new Counter({ name: 'smsbridge_duplicate_deliveries_total', help: 'network re-deliveries of commands already recorded (not run again)', registers: [registry] });
  const replies = new Counter({ name: 'smsbridge_replies_total', help: 'replies by what became of them (sent, failed)', labelNames: ['status'], registers: [registry] });
  const exchanges = new Counter({ name: 'smsbridge_at_exchanges_total', help: 'AT command lines and bodies written to the modem', registers: [registry] });
  const errors = new Counter({ name: 'smsbridge_at_errors_total', help: 'error results from the modem, by code (CMS n, CME n, ERROR)', labelNames: ['code'], registers: [registry] });
  const reconnects = new Counter({ name: 'smsbridge_reconnects_total', help: 'times the port was opened again after the first', registers: [registry] });
  const reboots = new Counter({ name: 'smsbridge_modem_reboots_total', help: 'modem reboots seen (boot indications, silent resets found by the settings check)', registers: [registry] });
  const latency = new Histogram({
    name: 'smsbridge_command_latency_seconds',
    help: 'from a command recorded to its reply accepted by the modem',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const state = new Gauge({ name: 'smsbridge_session_state', help: 'the modem session state (1 for the current one)', labelNames: ['state'], registers: [registry] });
  new Gauge({
    name: 'smsbridge_replies_pending',
    help: 'replies queued or in flight',
    registers: [registry],
    collect() {
      const pending = store.pendingOutbound();
      this.set(pending.queued.length + pending.sending.length);
    },
  });

  let opened = 0;
  const subscriptions: Subscription[] = [
    session.state$.subscribe((current) => {
      for (const s of STATES) state.set({ state: s }, s === current ? 1 : 0);
      if (current === 'opening' && ++opened > 1) reconnects.inc();
    }),
    session.changes$.subscribe((change) => {
      if (change.to === 'rebooting' || change.event === 'settings-lost') reboots.inc();
    }),
    bridge.events$.subscribe((event) => {
      if (event.kind === 'received' && event.duplicate) duplicates.inc();
      if (event.kind === 'handled') commands.inc({ outcome: event.outcome.status });
      if (event.kind === 'reply') {
        replies.inc({ status: event.status });
        const inbound = event.status === 'sent' && event.reply.inboundId !== null ? store.getInbound(event.reply.inboundId) : undefined;
        if (inbound && event.reply.sentAt) latency.observe((event.reply.sentAt.getTime() - inbound.receivedAt.getTime()) / 1000);
      }
    }),
  ];

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(await registry.metrics());
      } else if (req.url === '/healthz') {
        const healthy = session.healthy();
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${healthy ? 'ok' : 'unhealthy'}: ${session.state}\n`);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found: /metrics and /healthz are served here\n');
      }
    })().catch(() => res.destroy());
  });
  const colon = listen.lastIndexOf(':');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(listen.slice(colon + 1)), listen.slice(0, colon), () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(listen.slice(colon + 1));

  return {
    url: `http://${listen.slice(0, colon)}:${port}`,
    watchChannel(traffic$) {
      let partial = '';
      subscriptions.push(
        traffic$.subscribe((t) => {
          const text = t.bytes.toString('latin1');
          if (t.direction === 'tx') {
            // One exchange per command line (CR) and per body (Ctrl-Z), as the modem pays for them.
            for (const ch of text) if (ch === '\r' || ch === CTRL_Z) exchanges.inc();
            return;
          }
          const lines = (partial + text).split(/\r\n|\r|\n/);
          partial = lines.pop() ?? '';
          for (const line of lines) {
            const error = /^\+(CMS|CME) ERROR:\s*(\d+)/.exec(line.trim());
            if (error) errors.inc({ code: `${error[1]} ${error[2]}` });
            else if (line.trim() === 'ERROR') errors.inc({ code: 'ERROR' });
          }
        }),
      );
    },
    async close() {
      subscriptions.forEach((s) => s.unsubscribe());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
