import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const unix = createRequire(import.meta.url)('unix-dgram') as typeof import('unix-dgram');

export interface NotifySocket {
  path: string;
  messages: string[];
  /** The next datagram. */
  next(): Promise<string>;
  close(): void;
}

/** A socket like systemd's /run/systemd/notify, in a temporary folder, collecting what is sent to it. */
export function notifySocket(): NotifySocket {
  const dir = mkdtempSync(join(tmpdir(), 'notify-'));
  const path = join(dir, 'notify');
  const messages: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  const socket = unix.createSocket('unix_dgram', (buf) => {
    const message = buf.toString();
    messages.push(message);
    waiters.shift()?.(message);
  });
  socket.bind(path);
  return {
    path,
    messages,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => {
      socket.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
