/**
 * What a command handler sees of the modem. The commands-*.ts tables depend on this contract, not on
 * ModemCore, so modem-core.ts can import the tables without the two importing each other: the core
 * runs the handlers, and the handlers only know the context it hands them.
 */
import type { ParsedCommand } from './command-line.js';
import type { Profile } from './profiles.js';
import type { Settings } from './settings.js';
import type { SmsEncoding } from './sim-pdu.js';
import type { FormatContext } from './sms-format.js';
import type { SmsStorage } from './sms-storage.js';

/** What one command produced: a final result (with information lines), or a `> ` prompt. */
export type Outcome = { info?: string[]; final: string; slow?: boolean; after?: () => void } | { prompt: (body: string) => Outcome };
export type Handler = (cmd: ParsedCommand, core: CommandContext) => Outcome;

export interface OutboxEntry {
  to: string;
  text: string;
  mr: number;
  at: Date;
  mode: 'text' | 'pdu';
  encoding: SmsEncoding;
  statusReportRequested: boolean;
  /** Hex TPDU the host sent, in PDU mode. */
  pdu?: string;
  /** Concatenation info of a multi-part SMS. */
  part?: { ref: number; total: number; seq: number };
}

export interface CommandContext {
  readonly profile: Profile;
  /** The current settings; handlers change their fields (AT+CMGF=1 sets `cmgf`). */
  readonly settings: Settings;
  readonly storage: SmsStorage;
  readonly options: { readonly pin?: string | undefined; readonly operator: string; readonly rssi: number };
  readonly hooks: { restart(): void };
  readonly registration: number;
  pinLocked: boolean;
  pinAttempts: number;
  readonly pukAttempts: number;
  /** What +CPIN? says. */
  readonly simState: string;
  /** A +CMT/+CDS is awaiting AT+CNMA (only with AT+CSMS=1, 27.005 §3.4.4). */
  readonly cnmaPending: boolean;

  ok(info?: string[]): Outcome;
  cme(code: number): Outcome;
  cms(code: number): Outcome;
  error(): Outcome;
  unknown(): Outcome;
  formatContext(): FormatContext;

  /** Takes a message for the network; returns its message reference. */
  send(entry: Omit<OutboxEntry, 'mr' | 'at'>): number;
  retryHeld(): void;
  acknowledge(positive: boolean): void;
  resetSettings(): void;
  cnmiChanged(): void;
}
