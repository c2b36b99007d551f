import { at, valuesOf, type AtCommand } from '../at/command.js';
import { textBodyRule } from '../at/text-body.js';
import { BridgeError } from '../errors.js';
import { decodePdu } from './pdu.js';
import { parseCmglPduHeader, parseCmgrPduHeader } from './pdu-mode-header.js';
import { parseCmglText, parseCmgrText } from './text-format.js';
import type { SmsRecord } from './types.js';

/**
 * SMS AT commands as data, named after their 3GPP TS 27.005 mnemonics, each with the pure parser
 * of its answer. Text and PDU mode give the same records.
 */
export type SmsMode = 'text' | 'pdu';

/**
 * PDU mode: one PDU line after each header, unless the modem put the PDU on the header line after
 * its `<length>` (`+CMGR: 1,,147 0791…`, ModemManager's test-modem-helpers.c). The PDU line is hex:
 * anything else in its place (the final `OK`, a URC) means no PDU came, and is routed as usual
 * rather than waited for (docs/modem-behaviour.md §3).
 */
const PDU_TRAILING = {
  trailingLines: (header: string) => (/^\+CMG[RL]:(?:.*,)?\s*\d+\s+[0-9A-Fa-f]+$/i.test(header.trim()) ? 0 : 1),
  // NUL padding around the PDU is the parser's to drop (the framer keeps NULs).
  trailingLineFits: (line: string) => /^[\s\x00]*[0-9A-Fa-f]+[\s\x00]*$/.test(line),
};

/** Selects the storage to read and delete from (mem1 only; 27.005 §3.2.2). */
export const cpmsRead = (storage: string): AtCommand => at(`AT+CPMS="${storage}"`);

/**
 * `command` with its own select in front on one line (`AT+CPMS="SR";+CMGD=0`, ITU-T V.250 §5.4.1):
 * it runs in `storage` whatever happened to mem1 since the last select (a re-init points it back at
 * the home storage), and if the select fails nothing after it runs (§5.4.2). The select's answer
 * (`+CPMS: <used1>,<total1>,…`, 27.005 §3.2.2) comes first; the command's parse never sees it.
 */
export function selectThen<T>(storage: string, command: AtCommand<T>): AtCommand<T> {
  const isCpms = (line: string) => line.trimStart().toUpperCase().startsWith('+CPMS:');
  const { prefix, trailingLines: trailing, parse } = command;
  const own = prefix === undefined ? undefined : typeof prefix === 'string' ? [prefix] : prefix;
  return {
    ...command,
    text: `${cpmsRead(storage).text};${command.text.replace(/^AT/i, '')}`,
    // Without a prefix every line that is no URC is the command's, the +CPMS line too.
    ...(own === undefined ? {} : { prefix: ['+CPMS:', ...own] }),
    // The body rule is the command's header's (the PDU after +CMGR:), never the select's.
    ...(trailing === undefined ? {} : { trailingLines: (line: string) => (isCpms(line) ? 0 : typeof trailing === 'function' ? trailing(line) : trailing) }),
    parse: (response) => {
      const first = response.lines.findIndex((line) => !isCpms(line));
      const rest = { ...response, lines: first < 0 ? [] : response.lines.slice(first) };
      return parse ? parse(rest) : (rest as T);
    },
  };
}

/** Reads one message; undefined for an empty slot (a bare OK: Huawei, Quectel). 27.005 §3.4.3 / §4.x. */
export function cmgr(index: number, mode: SmsMode): AtCommand<SmsRecord | undefined> {
  return at(`AT+CMGR=${index}`, {
    // The line after the header is the PDU, or the text body over as many lines as its <length>
    // spans, even if they read like a URC or a final result; a text-mode status report (its
    // <stat> may be empty) has no body.
    ...(mode === 'pdu' ? PDU_TRAILING : { trailingLines: (line: string) => textBodyRule(line, '+CMGR') }),
    parse: (response) => {
      // Body lines are kept as they came: a line of spaces, VT or FF is text (`Ø`, `ø` under "GSM").
      const [header, ...rest] = response.lines;
      if (header === undefined) return undefined;
      const record = mode === 'text' ? parseCmgrText(header, rest, { charset: 'GSM' }) : parsePduRecord(header, rest, parseCmgrPduHeader);
      return { ...record, index };
    },
  });
}

/** Lists every stored message, read or not (27.005 §3.4.2: "ALL" in text mode, 4 in PDU mode). */
export function cmgl(mode: SmsMode): AtCommand<SmsRecord[]> {
  return at(mode === 'text' ? 'AT+CMGL="ALL"' : 'AT+CMGL=4', {
    ...(mode === 'pdu' ? PDU_TRAILING : { trailingLines: (line: string) => textBodyRule(line, '+CMGL') }),
    timeoutMs: 30_000,
    parse: (response) => {
      const lines = response.lines;
      if (mode === 'text') return parseCmglText(lines, { charset: 'GSM' });
      const records: SmsRecord[] = [];
      for (let i = 0; i < lines.length; i++) {
        const headerLine = lines[i]!;
        const header = parseCmglPduHeader(headerLine);
        // A header followed by another header (or by nothing) lost its PDU: say so, naming the line.
        const next = lines[i + 1];
        const pdu = header.pdu ?? (next === undefined || /^\s*\+CMGL:/i.test(next) ? undefined : lines[++i]);
        if (pdu === undefined) throw new BridgeError('PARSE_ERROR', `+CMGL header without its PDU: ${headerLine.trim()}`, { lines: [headerLine] });
        records.push({ ...decodePdu(pdu, { tpduLength: header.length }), index: header.index!, ...(header.stat ? { status: header.stat } : {}) });
      }
      return records;
    },
  });
}

/**
 * Deletes one message by its bare index: `AT+CMGD=<i>,0` is refused with +CMS ERROR: 500 by
 * Cinterion MC55i (transcript 07), and the delflag is optional in 27.005 §3.5.4 anyway.
 */
export const cmgd = (index: number): AtCommand => at(`AT+CMGD=${index}`);

/**
 * Several deletes in one command line (ITU-T V.250 §5.4.1 concatenation: `AT+CMGD=3;+CMGD=4`):
 * one exchange instead of one each. The modem stops at the first error (V.250 §5.4.2).
 */
export const cmgdMany = (indexes: readonly number[]): AtCommand =>
  at(`AT${indexes.map((index) => `+CMGD=${index}`).join(';')}`);

/** `command` with deletes in front of it on its line (`AT+CMGD=3;+CMGR=5`): its answer, its parse. */
export function deletesThen<T>(indexes: readonly number[], command: AtCommand<T>): AtCommand<T> {
  return { ...command, text: `AT${indexes.map((index) => `+CMGD=${index};`).join('')}${command.text.replace(/^AT/i, '')}` };
}

/**
 * +CNMA: acknowledges a +CMT/+CDS when AT+CSMS=1 asks for it (27.005 §3.4.4). The bare form is
 * a positive ack in text and PDU mode alike (§4.6). Urgent: the network waits 12–20 s for it
 * (TS 24.011 §10.1 TR2M; Telit documents 17 s), then the modem turns indications off.
 */
export const cnma = (): AtCommand => at('AT+CNMA', { urgent: true, timeoutMs: 5_000 });

/** `+CMS ERROR: 340`, no +CNMA acknowledgement expected (27.005 §3.2.5): only an ack is ever answered so. */
export const isNoAckExpected = (error: unknown): boolean => error instanceof BridgeError && error.code === 'CMS_ERROR' && error.number === 340;

/** Text-mode send (27.005 §3.5.1); the body must be text-mode safe (no ESC, no Ctrl-Z, no CR). */
export function cmgsText(to: string, text: string, timeoutMs?: number): AtCommand<number> {
  // <toda> defaults to 145 when the number starts with '+', else 129 (27.005 §3.5.1).
  return at(`AT+CMGS="${to}"`, { body: text, ...(timeoutMs ? { bodyTimeoutMs: timeoutMs } : {}), parse: messageReference });
}

/** PDU-mode send: `AT+CMGS=<TPDU octets>` then the hex PDU (27.005 §4.3). */
export function cmgsPdu(tpduLength: number, pdu: string, timeoutMs?: number): AtCommand<number> {
  return at(`AT+CMGS=${tpduLength}`, { body: pdu, ...(timeoutMs ? { bodyTimeoutMs: timeoutMs } : {}), parse: messageReference });
}

export const cmgf = (mode: SmsMode): AtCommand => at(`AT+CMGF=${mode === 'text' ? 1 : 0}`);

function messageReference(response: { lines: readonly string[]; final: string }): number {
  const value = valuesOf(response, '+CMGS:')[0];
  const mr = Number(value?.split(',')[0]);
  if (value === undefined || !Number.isInteger(mr)) throw new Error('no +CMGS: <mr> in the answer');
  return mr;
}

function parsePduRecord(
  headerLine: string,
  rest: readonly string[],
  parseHeader: (line: string) => { length: number; pdu?: string; stat?: SmsRecord['status'] },
): SmsRecord {
  const header = parseHeader(headerLine);
  const pdu = header.pdu ?? rest[0];
  if (pdu === undefined) throw new BridgeError('PARSE_ERROR', `${headerLine.trim()} has no PDU line`);
  const record = decodePdu(pdu, { tpduLength: header.length });
  return header.stat ? { ...record, status: header.stat } : record;
}

/** Stores a reply before sending it (27.005 §3.5.3): `+CMGW: <index>`. */
export function cmgwText(to: string, text: string): AtCommand<number> {
  return at(`AT+CMGW="${to}"`, { body: text, bodyTimeoutMs: 10_000, parse: (r) => storedIndex(r, '+CMGW:') });
}

export function cmgwPdu(tpduLength: number, pdu: string): AtCommand<number> {
  return at(`AT+CMGW=${tpduLength}`, { body: pdu, bodyTimeoutMs: 10_000, parse: (r) => storedIndex(r, '+CMGW:') });
}

/** Sends a stored message (27.005 §3.5.2): `+CMSS: <mr>`; the modem then marks it STO SENT. */
export function cmss(index: number, timeoutMs = 120_000): AtCommand<number> {
  return at(`AT+CMSS=${index}`, { timeoutMs, parse: (r) => storedIndex(r, '+CMSS:') });
}

/** What a send from storage with a read on its line gave: the send's reference, and the read's outcome. */
export interface SentThenRead<R> {
  messageReference: number;
  read: { record: R } | { error: unknown };
}

/**
 * A send from storage with a queued read on the same line (`AT+CMSS=4;+CMGR=5`, ITU-T V.250 §5.4.1):
 * one exchange for two. The modem runs them in order and stops at the first error (§5.4.2), so a
 * refused send never runs the read. The read's answer is parsed apart, so a message we cannot parse
 * does not hide that the reply went out (the caller also reads `+CMSS:` off an error: src/sms/outbox.ts).
 */
export function cmssThenRead<R>(index: number, read: AtCommand<R>, timeoutMs = 120_000): AtCommand<SentThenRead<R>> {
  const readPrefix = typeof read.prefix === 'string' ? read.prefix : '+CMGR:';
  const readTrailing = read.trailingLines ?? 0;
  return at(`AT+CMSS=${index};${read.text.replace(/^AT/i, '')}`, {
    prefix: ['+CMSS:', readPrefix],
    timeoutMs,
    trailingLines: (line) => (line.trimStart().toUpperCase().startsWith(readPrefix) ? (typeof readTrailing === 'function' ? readTrailing(line) : readTrailing) : 0),
    parse: (response) => {
      const messageReference = storedIndex(response, '+CMSS:');
      // The read's lines start at its header; none (a bare OK) is an empty slot.
      const start = response.lines.findIndex((l) => l.trimStart().toUpperCase().startsWith(readPrefix));
      const readLines = start < 0 ? [] : response.lines.slice(start);
      try {
        return { messageReference, read: { record: read.parse ? read.parse({ lines: readLines, final: response.final }) : (readLines as R) } };
      } catch (error) {
        return { messageReference, read: { error } };
      }
    },
  });
}

/** The `<mr>` of a `+CMSS:` line among an answer's lines (an error's too), or undefined. */
export function cmssReference(lines: readonly string[]): number | undefined {
  try {
    return storedIndex({ lines, final: '' }, '+CMSS:');
  } catch {
    return undefined;
  }
}

function storedIndex(response: { lines: readonly string[]; final: string }, prefix: string): number {
  const value = valuesOf(response, prefix)[0];
  const n = Number(value?.split(',')[0]);
  if (value === undefined || !Number.isInteger(n)) throw new Error(`no ${prefix} <n> in the answer`);
  return n;
}
