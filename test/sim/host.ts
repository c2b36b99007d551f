/**
 * A tiny scripted host for the virtual modem: writes raw bytes, collects raw bytes.
 * Deliberately not the driver's AT layer (src/at), so the simulator is checked on its own.
 */
import type { Duplex } from 'node:stream';
import { VirtualModem, type VirtualModemOptions } from '../../src/sim/virtual-modem.js';

export class Host {
  readonly stream: Duplex;
  #received = '';
  closed = false;

  constructor(readonly modem: VirtualModem) {
    this.stream = modem.connect();
    this.stream.on('data', (chunk: Buffer) => (this.#received += chunk.toString('latin1')));
    this.stream.on('close', () => (this.closed = true));
  }

  /** Writes bytes (a latin1 string), waits until the modem is idle, returns what came back. */
  async send(bytes: string): Promise<string> {
    this.stream.write(Buffer.from(bytes, 'latin1'));
    return this.settle();
  }

  /** Waits for the modem to be idle and returns (and forgets) everything received so far. */
  async settle(): Promise<string> {
    await this.modem.idle();
    await new Promise((resolve) => setImmediate(resolve));
    return this.take();
  }

  take(): string {
    const out = this.#received;
    this.#received = '';
    return out;
  }

  /** Sends each command with echo already off; returns the answer of the last one. */
  async run(...lines: string[]): Promise<string> {
    let last = '';
    for (const line of lines) last = await this.send(`${line}\r`);
    return last;
  }
}

/** A modem with echo off and a fixed clock, plus its host. */
export async function quietModem(options: VirtualModemOptions = {}): Promise<Host> {
  const modem = new VirtualModem({ clock: () => new Date(Date.UTC(2024, 9, 24, 20, 12, 17)), ...options });
  const host = new Host(modem);
  await host.send('ATE0\r');
  return host;
}

export const FIXED_TIME = new Date(Date.UTC(2024, 9, 24, 20, 12, 17));
