/** A minimal client over the real `serialport` binding, for the pseudo-terminal tests. */
import { SerialPort } from 'serialport';

export function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200 }, (error) => (error ? reject(error) : resolve(port)));
    // Write errors after an unplug surface as a 'close' with disconnected: true.
    port.on('error', () => undefined);
  });
}

/** Writes `text` and resolves with everything received up to and including a match of `until`. */
export function ask(port: SerialPort, text: string, until: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (until.test(received)) {
        port.off('data', onData);
        resolve(received);
      }
    };
    port.on('data', onData);
    port.write(Buffer.from(text, 'latin1'));
  });
}

export function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}
