import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModemInfo } from '../modem/init-sequence.js';
import type { SessionState } from '../modem/modem-session.js';

/**
 * What a running bridge says about itself, in a small JSON file beside its store: how operators
 * (`smsbridge status`) and `smsbridge send` find out whether a bridge runs on that store and how it
 * is. Written on changes only (state, modem, errors), never on a timer, so an SD card is spared;
 * whether the process still lives is asked of the kernel (the pid), not of the file's age.
 */
export interface BridgeStatus {
  pid: number;
  /** The process's command line: a pid reused after a restart by another program does not count. */
  command: string;
  version: string;
  startedAt: string;
  state: SessionState;
  stateSince: string;
  /** Why the session is in this state (the supervisor's reason). */
  stateReason: string;
  modem?: Pick<ModemInfo, 'manufacturer' | 'model' | 'imei' | 'signalDbm' | 'registration' | 'operator' | 'storage'>;
  lastError?: { message: string; at: string };
}

/** The status file of the bridge whose store is at `storePath`. */
export const statusPathFor = (storePath: string): string => join(dirname(storePath), 'smsbridge.status.json');

/** Writes the file whole each time (a temporary file renamed over it: a reader never sees half of one). */
export class StatusFile {
  readonly #path: string;
  #status: BridgeStatus;

  constructor(path: string, initial: BridgeStatus) {
    this.#path = path;
    this.#status = initial;
    this.#write();
  }

  get status(): BridgeStatus {
    return this.#status;
  }

  update(change: Partial<BridgeStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.#write();
  }

  #write(): void {
    const temporary = `${this.#path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.#status, null, 2)}\n`);
      renameSync(temporary, this.#path);
    } catch {
      // A read-only or full disk must not stop the bridge; `status` then reads an older file.
    }
  }
}

export type StatusReading =
  | { running: true; status: BridgeStatus }
  | { running: false; status?: BridgeStatus; why: string };

/** Reads the status file and asks the kernel whether its process still lives. */
export function readStatus(path: string): StatusReading {
  let status: BridgeStatus;
  try {
    status = JSON.parse(readFileSync(path, 'utf8')) as BridgeStatus;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { running: false, why: code === 'ENOENT' ? `no bridge has run on this store (no ${path})` : `cannot read ${path}: ${String(error)}` };
  }
  if (status.state === 'stopped') return { running: false, status, why: `the bridge stopped at ${status.stateSince}` };
  return processAlive(status.pid, status.command) ? { running: true, status } : { running: false, status, why: `process ${status.pid} is gone (killed, or the machine restarted)` };
}

/** The command line of a process as /proc gives it (Linux), joined with spaces. */
const commandLineOf = (pid: number | 'self'): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');

/** This process's command line, to be recognised by later. */
export function ownCommand(): string {
  try {
    return commandLineOf('self');
  } catch {
    return process.argv.join(' ');
  }
}

function processAlive(pid: number, command: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it lives, under another user (the service's).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return commandLineOf(pid) === command;
  } catch {
    return true; // no /proc (not Linux): the pid is all there is
  }
}
