import type { AtCommand } from '../at/command.js';
import { cpmsRead, selectThen } from './sms-commands.js';
import type { SmsModem } from './sms-modem.js';

/**
 * Which storage AT+CPMS mem1 (read and delete) points at, shared by the inbox and the outbox so
 * each selects only when it changes (3GPP TS 27.005 §3.2.2). Must be used under the SMS lock.
 */
export class StorageSelector {
  /** What mem1 points at now, as far as we know. */
  selected?: string;
  /** The storage init chose for all three memories (where messages arrive and replies are stored). */
  home?: string;
  /**
   * Counts (re)configurations. Init points mem1 back at the home storage, and an SMS job that
   * selected another storage before it would read or delete in the wrong one: a job compares the
   * epoch after its command with the one before its select, and drops what it read if they differ.
   */
  epoch = 0;

  constructor(private readonly modem: SmsModem) {}

  /** After (re)init the modem's mem1 is the home storage again. */
  reset(home: string | undefined): void {
    this.epoch++;
    this.selected = home;
    if (home !== undefined) this.home = home;
  }

  async select(storage: string): Promise<void> {
    if (this.selected === storage) return;
    await this.modem.send(cpmsRead(storage));
    this.selected = storage;
  }

  /**
   * Sends `command` with its own select of `storage` in front, on one line (`selectThen`:
   * `AT+CPMS="SR";+CMGD=0`), through `send`, the caller's way to the modem (one that may carry an
   * ack). mem1 points at `storage` after it; after a failed line nobody knows where (the select may
   * have run before the error, V.250 §5.4.2), so the next job selects again.
   */
  async sendSelecting<T>(storage: string, command: AtCommand<T>, send: (command: AtCommand<T>) => Promise<T>): Promise<T> {
    try {
      const result = await send(selectThen(storage, command));
      this.selected = storage;
      return result;
    } catch (error) {
      this.selected = undefined;
      throw error;
    }
  }

  /** Points mem1 back at the home storage, where our stored replies live. */
  async selectHome(): Promise<void> {
    if (this.home !== undefined) await this.select(this.home);
  }
}
