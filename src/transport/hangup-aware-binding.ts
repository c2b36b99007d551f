import { read } from 'node:fs';
import { promisify } from 'node:util';
import { autoDetect, type BindingInterface, type BindingPortInterface } from '@serialport/bindings-cpp';

const readAsync = promisify(read);

/** What a Unix port of bindings-cpp has besides the interface: its descriptor and its poller. */
interface UnixPort extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable', listener: (error?: Error | null) => void): unknown };
}

const isUnixPort = (port: BindingPortInterface): port is UnixPort => 'fd' in port && 'poller' in port;

/**
 * The detected serialport binding, with reads that know end of file.
 *
 * bindings-cpp 13's Unix read (`unixRead`) reads again at once when read(2) returns 0. On a tty
 * opened as the binding opens it (non-blocking, VMIN 1, VTIME 0: no data is EAGAIN, never 0),
 * 0 is end of file: the other end hung up (a USB modem gone from the bus, whose tty the kernel
 * hangs up; a pty whose master closed), and every read after it returns 0 at once. The port then
 * spins, one thread-pool read after another, and never reports the loss (serialport/bindings-cpp
 * issue 162; its pull request 164, not released, makes the same change). Seen in
 * test/e2e/supervision-a.test.ts: after an unplug during a send, the bridge burnt 13 s of CPU in 20 s and
 * logged nothing, because the send waited for its answer and nothing else wrote to the port.
 *
 * Here a read that returns 0 fails, and serialport's stream turns any read error that is not a
 * cancellation into a close with `disconnected: true` (@serialport/stream `_read`).
 */
export function hangupAwareBinding(binding: BindingInterface = autoDetect()): BindingInterface {
  return {
    list: () => binding.list(),
    open: async (options) => {
      const port = await binding.open(options);
      // Only Unix ports read through a descriptor and a poller; any other keeps its own read.
      if (isUnixPort(port)) port.read = (buffer, offset, length) => readUntilData(port, buffer, offset, length);
      return port;
    },
  };
}

/** At least one byte (the binding interface's promise), waiting on the poller while none is there. */
async function readUntilData(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (port.fd === null) throw canceled();
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
      if (bytesRead > 0) return { buffer, bytesRead };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw error;
      if (port.fd === null) throw canceled();
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (pollError) => (pollError ? reject(pollError) : resolve())));
      continue;
    }
    throw new Error('end of file: the device hung up');
  }
}

/** A read ended by our own close: the stream ignores it (`canceled`, the binding interface's rule). */
const canceled = () => Object.assign(new Error('Port is not open'), { canceled: true });
