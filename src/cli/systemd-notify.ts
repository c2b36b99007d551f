import { createRequire } from 'node:module';
import type { UnixDgramSocket } from 'unix-dgram';
import type { Logger } from '../log.js';

/**
 * The sd_notify protocol (sd_notify(3)): one datagram of `KEY=value` lines to the AF_UNIX socket
 * named by $NOTIFY_SOCKET. Node has no AF_UNIX datagrams, so the socket comes from `unix-dgram`
 * (bnoordhuis, the one kept binding; `sd-notify` would need libsystemd headers to build). Abstract
 * socket names (`@…`) cannot be reached through it: systemd uses a path (/run/systemd/notify) for
 * system services, and an abstract name is reported once and ignored.
 */
export interface Notifier {
  /** READY=1 and the rest: a no-op outside systemd. */
  send(state: Record<string, string | number>): void;
  /** How often to send WATCHDOG=1 (half of $WATCHDOG_USEC), or undefined when no watchdog is set. */
  readonly watchdogIntervalMs: number | undefined;
  close(): void;
}

const require = createRequire(import.meta.url);

export function systemdNotifier(env: NodeJS.ProcessEnv, log: Logger): Notifier {
  const path = env['NOTIFY_SOCKET'];
  const usec = Number(env['WATCHDOG_USEC']);
  // WATCHDOG_PID, when set, names the process the watchdog is for (sd_watchdog_enabled(3)).
  const forUs = env['WATCHDOG_PID'] === undefined || Number(env['WATCHDOG_PID']) === process.pid;
  const watchdogIntervalMs = Number.isFinite(usec) && usec > 0 && forUs ? Math.max(100, Math.floor(usec / 2000)) : undefined;
  if (!path) return { send: () => undefined, watchdogIntervalMs: undefined, close: () => undefined };
  if (path.startsWith('@')) {
    log.warn({ NOTIFY_SOCKET: path }, 'abstract notify sockets are not supported: systemd notifications are off');
    return { send: () => undefined, watchdogIntervalMs: undefined, close: () => undefined };
  }
  const unix = require('unix-dgram') as typeof import('unix-dgram');
  let socket: UnixDgramSocket | undefined = unix.createSocket('unix_dgram');
  socket.on('error', (error: Error) => log.warn({ error: error.message }, 'systemd notification failed'));
  return {
    watchdogIntervalMs,
    send(state) {
      if (!socket) return;
      const text = Object.entries(state).map(([key, value]) => `${key}=${String(value).replace(/\n/g, ' ')}`).join('\n');
      const buf = Buffer.from(text);
      socket.send(buf, 0, buf.length, path, (error) => {
        if (error) log.debug({ error: error.message }, 'systemd notification not delivered');
      });
    },
    close() {
      socket?.close();
      socket = undefined;
    },
  };
}
