import { afterEach, describe, expect, it } from 'vitest';
import { systemdNotifier } from '../../src/cli/systemd-notify.js';
import { silentLogger } from '../../src/log.js';
import { notifySocket, type NotifySocket } from '../helpers/notify-socket.js';

const sockets: NotifySocket[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const c of cleanups.splice(0)) c();
});

describe('systemd notifications (sd_notify protocol)', () => {
  it('sends KEY=value lines as one datagram to $NOTIFY_SOCKET', async () => {
    const sd = notifySocket();
    sockets.push(sd);
    const notifier = systemdNotifier({ NOTIFY_SOCKET: sd.path }, silentLogger);
    cleanups.push(() => notifier.close());
    const got = sd.next();
    notifier.send({ READY: 1, STATUS: 'ready: Quectel EC25' });
    expect(await got).toBe('READY=1\nSTATUS=ready: Quectel EC25');
  });

  it('pings the watchdog at half of $WATCHDOG_USEC, only when the watchdog is meant for this process', () => {
    expect(systemdNotifier({ NOTIFY_SOCKET: '/nonexistent', WATCHDOG_USEC: '60000000' }, silentLogger).watchdogIntervalMs).toBe(30_000);
    expect(systemdNotifier({ NOTIFY_SOCKET: '/nonexistent', WATCHDOG_USEC: '60000000', WATCHDOG_PID: String(process.pid + 1) }, silentLogger).watchdogIntervalMs).toBeUndefined();
    expect(systemdNotifier({ NOTIFY_SOCKET: '/nonexistent' }, silentLogger).watchdogIntervalMs).toBeUndefined();
  });

  it('does nothing outside systemd, nor on an abstract socket name it cannot reach', () => {
    for (const env of [{}, { NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }]) {
      const notifier = systemdNotifier(env, silentLogger);
      expect(() => notifier.send({ READY: 1 })).not.toThrow();
      expect(notifier.watchdogIntervalMs).toBeUndefined();
    }
  });
});
