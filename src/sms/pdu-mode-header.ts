/**
 * The header lines of PDU mode (`AT+CMGF=0`, 3GPP TS 27.005 §3.4.3, §4.1, §3.4.1): what comes before a
 * PDU. The spec's shapes are `+CMGR: <stat>,[<alpha>],<length>` and `+CMGL: <index>,<stat>,[<alpha>],<length>`;
 * modems drop or add fields (docs/modem-behaviour.md §3):
 * `+CMGR: 0,,19`, `+CMGR: 0,"",19` (Telit), `+CMGR: 1,,147 0791…` (PDU on the same line), `+CMGR: 0,23`,
 * `+CMGR: 24`, `+CMGR: ,,27` (ZTE, no stat), `+CMGR: 4,1,,151` (index echoed), `+CMGL: 17,3,35` (Pantech).
 * `<length>` counts the TPDU octets, not the SMSC field: pass it to decodePdu as `tpduLength`.
 */
import { BridgeError } from '../errors.js';
import { afterPrefix, intField, splitAtFields, type AtField } from '../at/at-fields.js';
import { parseStat } from './stat.js';
import type { SmsStatus } from './types.js';

export interface PduModeHeader {
  /** Storage index (`+CMGL`, and `+CMGR` on modems that echo it). */
  index?: number;
  stat?: SmsStatus;
  /** Phonebook name for the address, when the modem gave a non-empty one. */
  alpha?: string;
  /** TPDU length in octets, SMSC field excluded. */
  length: number;
  /** The PDU when the modem put it on the header line after a space. */
  pdu?: string;
}

export function parseCmgrPduHeader(line: string): PduModeHeader {
  const { fields, length, pdu, fail } = split(line, '+CMGR');
  // By field count: [length], [stat, length], [stat, alpha, length], [index, stat, alpha, length].
  const header: PduModeHeader = { length, ...(pdu === undefined ? {} : { pdu }) };
  if (fields.length >= 2) setStat(header, fields[fields.length >= 4 ? 1 : 0], fail);
  if (fields.length >= 3) setAlpha(header, fields[fields.length - 2]);
  if (fields.length === 4) header.index = intField(fields[0]) ?? fail('<index> is not a number');
  if (fields.length > 4) fail(`expected at most 4 fields, found ${fields.length}`);
  return header;
}

export function parseCmglPduHeader(line: string): PduModeHeader {
  const { fields, length, pdu, fail } = split(line, '+CMGL');
  // [index, stat, alpha, length], or Pantech's [index, stat, length].
  if (fields.length < 3 || fields.length > 4) fail(`expected 3 or 4 fields, found ${fields.length}`);
  const header: PduModeHeader = { index: intField(fields[0]) ?? fail('<index> is not a number'), length, ...(pdu === undefined ? {} : { pdu }) };
  setStat(header, fields[1], fail);
  if (fields.length === 4) setAlpha(header, fields[2]);
  return header;
}

/** `+CMT: [<alpha>],<length>` (the PDU follows on the next line). */
export function parseCmtPduHeader(line: string): PduModeHeader {
  const { fields, length, pdu, fail } = split(line, '+CMT');
  if (fields.length > 2) fail(`expected at most 2 fields, found ${fields.length}`);
  const header: PduModeHeader = { length, ...(pdu === undefined ? {} : { pdu }) };
  if (fields.length === 2) setAlpha(header, fields[0]);
  return header;
}

/** `+CDS: <length>`, or ZTE's `+CDS: ,<length>` (the PDU follows on the next line). */
export function parseCdsPduHeader(line: string): PduModeHeader {
  const { fields, length, pdu, fail } = split(line, '+CDS');
  if (fields.length > 2 || (fields.length === 2 && fields[0]?.value !== '')) fail('expected <length> or ,<length>');
  return { length, ...(pdu === undefined ? {} : { pdu }) };
}

function split(line: string, prefix: string): { fields: AtField[]; length: number; pdu?: string; fail: (reason: string) => never } {
  const fail = (reason: string): never => {
    throw new BridgeError('PARSE_ERROR', `cannot parse ${JSON.stringify(line)}: ${reason}`, { lines: [line] });
  };
  const params = afterPrefix(line, prefix) ?? fail(`expected a ${prefix}: line`);
  const fields = splitAtFields(params) ?? fail('unbalanced quotes');
  const last = fields[fields.length - 1];
  // `1,,147 0791…`: the last field holds the length, then the PDU after white space.
  const match = last === undefined || last.quoted ? null : /^(\d+)(?:\s+([0-9A-Fa-f]+))?$/.exec(last.value);
  if (match === null) return fail('the last field is not a <length>');
  return { fields, length: Number(match[1]), ...(match[2] === undefined ? {} : { pdu: match[2] }), fail };
}

function setStat(header: PduModeHeader, field: AtField | undefined, fail: (reason: string) => never): void {
  if (field === undefined || field.value === '') return;
  header.stat = parseStat(field) ?? fail(`unknown <stat> ${JSON.stringify(field.value)}`);
}

function setAlpha(header: PduModeHeader, field: AtField | undefined): void {
  if (field !== undefined && field.value !== '') header.alpha = field.value;
}
