/**
 * Text-mode (`AT+CMGF=1`) records: `+CMGR`, `+CMGL`, `+CMT` and `+CDS` (3GPP TS 27.005 §3.4.3, §4.1, §3.4.1),
 * with the variants real modems print (docs/modem-behaviour.md §3): quoted or empty alpha, a missing alpha,
 * spaces after commas, the extra `AT+CSDH=1` fields, bodies over several lines, bodies in hex when the
 * data coding is 8-bit/UCS2 or a user-data header is present, and the UCS2 character set.
 * The AT layer hands over lines without CR LF and without the final result code.
 */
import { BridgeError } from '../errors.js';
import { afterPrefix, intField, splitAtFields, type AtField } from '../at/at-fields.js';
import { hexToBytes } from './hex.js';
import { parseStat } from './stat.js';
import { decodeTeAddress, decodeTeBody, type TeCharset } from './te-charset.js';
import { parseTextTimestamp, type SmsTime } from './timestamp.js';
import { tpStatusFlags } from './tp-status.js';
import type { DeliverRecord, SmsRecord, SmsStatus, StatusReportRecord, SubmitRecord } from './types.js';
import { dcsEncoding, decodeUserData } from './user-data.js';

export interface TextParseOptions {
  /** The `AT+CSCS` character set in force. Default IRA (strings taken as they are). */
  charset?: TeCharset;
}

/** `+CMGR: <stat>,…` plus its body lines: an SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT. */
export function parseCmgrText(header: string, bodyLines: readonly string[], options: TextParseOptions = {}): SmsRecord {
  const ctx = new LineContext(header, '+CMGR');
  const [statField, ...rest] = ctx.fields;
  return parseRecord(ctx, 'cmgr', statOf(ctx, statField), rest, bodyLines, options);
}

/**
 * `+CMGL:` listing lines: each header is followed by its body lines up to the next line that starts
 * with `+CMGL:`. (A body line that itself starts with `+CMGL:` cannot be told apart; use PDU mode
 * where that matters.)
 */
export function parseCmglText(lines: readonly string[], options: TextParseOptions = {}): SmsRecord[] {
  const records: SmsRecord[] = [];
  let header: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (header === undefined) return;
    const ctx = new LineContext(header, '+CMGL');
    const [indexField, statField, ...rest] = ctx.fields;
    const index = intField(indexField) ?? ctx.fail(`<index> ${JSON.stringify(indexField?.value)} is not a number`);
    records.push({ ...parseRecord(ctx, 'cmgl', statOf(ctx, statField), rest, body, options), index });
  };
  for (const line of lines) {
    if (afterPrefix(line, '+CMGL') !== undefined) {
      flush();
      header = line;
      body = [];
    } else if (header !== undefined) {
      body.push(line);
    } else if (line.trim() !== '') {
      throw new BridgeError('PARSE_ERROR', `+CMGL listing starts with ${JSON.stringify(line)} instead of a +CMGL: header`, { lines: [...lines] });
    }
  }
  flush();
  return records;
}

/** `+CMT: <oa>,[<alpha>],<scts>[,…]` and its body: a message delivered straight to us (`AT+CNMI` mt=2). */
export function parseCmtText(header: string, body: string | readonly string[], options: TextParseOptions = {}): DeliverRecord {
  const ctx = new LineContext(header, '+CMT');
  const bodyLines = typeof body === 'string' ? [body] : body;
  const record = parseRecord(ctx, 'cmt', undefined, ctx.fields, bodyLines, options);
  return record.kind === 'deliver' ? record : ctx.fail('expected an SMS-DELIVER');
}

/** `+CDS: <fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>`: a status report delivered straight to us (`AT+CNMI` ds=1). */
export function parseCdsText(line: string, options: TextParseOptions = {}): StatusReportRecord {
  const ctx = new LineContext(line, '+CDS');
  return parseStatusReport(ctx, undefined, ctx.fields, options);
}

type Layout = 'cmgr' | 'cmgl' | 'cmt';

/**
 * `<stat>`, or undefined when the modem left it empty: a status report read with `+CMGR` comes as
 * `+CMGR: ,6,20,"0870000000",…` on some firmwares (fixtures/field/README.md). Anything else unknown fails.
 */
function statOf(ctx: LineContext, field: AtField | undefined): SmsStatus | undefined {
  if (field !== undefined && field.value.trim() === '' && !field.quoted) return undefined;
  return parseStat(field ?? { value: '', quoted: false }) ?? ctx.fail(`unknown <stat> ${JSON.stringify(field?.value)}`);
}

/** The header line, its fields, and failures that name it. */
class LineContext {
  readonly fields: AtField[];

  constructor(
    readonly line: string,
    prefix: string,
  ) {
    const params = afterPrefix(line, prefix);
    if (params === undefined) this.fail(`expected a ${prefix}: line`);
    this.fields = splitAtFields(params) ?? this.fail('unbalanced quotes');
  }

  fail(reason: string): never {
    throw new BridgeError('PARSE_ERROR', `cannot parse ${JSON.stringify(this.line)}: ${reason}`, { lines: [this.line] });
  }

  time(field: AtField | undefined, name: string): SmsTime {
    return parseTextTimestamp(field?.value ?? '') ?? this.fail(`${name} ${JSON.stringify(field?.value ?? '')} is not a time stamp`);
  }

  /** An optional integer field: undefined when empty or absent, a failure when it is something else. */
  optionalInt(field: AtField | undefined, name: string): number | undefined {
    if (field === undefined || field.value === '') return undefined;
    return intField(field) ?? this.fail(`${name} ${JSON.stringify(field.value)} is not a number`);
  }
}

function parseRecord(ctx: LineContext, layout: Layout, status: SmsStatus | undefined, fields: AtField[], bodyLines: readonly string[], options: TextParseOptions): SmsRecord {
  // A status report's first field after <stat> is <fo>, an unquoted number, and its fifth is <scts>;
  // a message's first field is its address.
  const first = fields[0];
  if (first !== undefined && !first.quoted && /^\d+$/.test(first.value) && parseTextTimestamp(fields[4]?.value ?? '') !== undefined) {
    return parseStatusReport(ctx, status, fields, options);
  }
  if (status === 'STO UNSENT' || status === 'STO SENT') return parseSubmit(ctx, layout, status, fields, bodyLines, options);
  return parseDeliver(ctx, layout, status, fields, bodyLines, options);
}

function parseDeliver(ctx: LineContext, layout: Layout, status: SmsStatus | undefined, fields: AtField[], bodyLines: readonly string[], options: TextParseOptions): DeliverRecord {
  const [oa, second, third] = fields;
  if (oa === undefined || oa.value === '') ctx.fail('no originating address');
  // Motorola prints no <alpha> at all: `"REC READ", "+41…", "2009/8/18,19:11:45"`.
  const alphaMissing = parseTextTimestamp(second?.value ?? '') !== undefined && (third === undefined || parseTextTimestamp(third.value) === undefined);
  const extra = alphaMissing ? fields.slice(2) : fields.slice(3);
  const time = ctx.time(alphaMissing ? second : third, '<scts>');
  // AT+CSDH=1 extras: +CMGR/+CMT `<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>`; +CMGL `<tooa>,<length>`.
  const senderType = ctx.optionalInt(extra[0], '<tooa>');
  const detail = layout === 'cmgl' ? {} : { fo: ctx.optionalInt(extra[1], '<fo>'), dcs: ctx.optionalInt(extra[3], '<dcs>'), sca: extra[4]?.value };
  const length = ctx.optionalInt(layout === 'cmgl' ? extra[1] : extra[6], '<length>');
  const message = decodeBody(ctx, bodyLines, detail.fo, detail.dcs, options, length);
  const record: DeliverRecord = {
    kind: 'deliver',
    sender: decodeTeAddress(oa.value, options.charset),
    timestamp: time.date,
    timezoneKnown: time.timezoneKnown,
    ...message,
    raw: { header: ctx.line, body: bodyLines.join('\n') },
  };
  if (status !== undefined) record.status = status;
  if (senderType !== undefined) record.senderType = senderType;
  if (layout === 'cmgl' && length !== undefined && length > 0 && isHexOf(bodyLines.join('\n'), length)) record.codingUnknown = true;
  if (detail.sca !== undefined && detail.sca !== '') record.smsc = decodeTeAddress(detail.sca, options.charset);
  return record;
}

function parseSubmit(ctx: LineContext, layout: Layout, status: SmsStatus, fields: AtField[], bodyLines: readonly string[], options: TextParseOptions): SubmitRecord {
  const [da] = fields;
  if (da === undefined) ctx.fail('no destination address');
  // +CMGR: <da>,[<alpha>][,<toda>,<fo>,<pid>,<dcs>,[<vp>],<sca>,<tosca>,<length>]; +CMGL: <da>,[<alpha>],[<scts>][,<toda>,<length>].
  const extra = layout === 'cmgl' ? fields.slice(3) : fields.slice(2);
  const recipientType = ctx.optionalInt(extra[0], '<toda>');
  const fo = layout === 'cmgl' ? undefined : ctx.optionalInt(extra[1], '<fo>');
  const dcs = layout === 'cmgl' ? undefined : ctx.optionalInt(extra[3], '<dcs>');
  // +CMGR: …,<dcs>,[<vp>],<sca>,<tosca>,<length>; +CMGL: …,<toda>,<length>.
  const length = ctx.optionalInt(layout === 'cmgl' ? extra[1] : extra[7], '<length>');
  const record: SubmitRecord = {
    kind: 'submit',
    status,
    recipient: decodeTeAddress(da.value, options.charset),
    ...decodeBody(ctx, bodyLines, fo, dcs, options, length),
    raw: { header: ctx.line, body: bodyLines.join('\n') },
  };
  if (recipientType !== undefined) record.recipientType = recipientType;
  return record;
}

function parseStatusReport(ctx: LineContext, status: SmsStatus | undefined, fields: AtField[], options: TextParseOptions): StatusReportRecord {
  const [fo, mr, ra, tora, scts, dt, stField] = fields;
  if (fields.length < 7) ctx.fail(`a status report has 7 fields after <stat>, found ${fields.length}`);
  ctx.optionalInt(fo, '<fo>');
  const messageReference = ctx.optionalInt(mr, '<mr>') ?? ctx.fail('no <mr>');
  const st = ctx.optionalInt(stField, '<st>') ?? ctx.fail('no <st>');
  const sctsTime = ctx.time(scts, '<scts>');
  const dtTime = ctx.time(dt, '<dt>');
  const recipientType = ctx.optionalInt(tora, '<tora>');
  const record: StatusReportRecord = {
    kind: 'status-report',
    messageReference,
    recipient: decodeTeAddress(ra?.value ?? '', options.charset),
    scts: sctsTime.date,
    dischargeTime: dtTime.date,
    timestamp: sctsTime.date,
    timezoneKnown: sctsTime.timezoneKnown && dtTime.timezoneKnown,
    st,
    ...tpStatusFlags(st),
    raw: { header: ctx.line },
  };
  if (status !== undefined) record.status = status;
  if (recipientType !== undefined) record.recipientType = recipientType;
  return record;
}

/**
 * The body: hex octets when the DCS says 8-bit/UCS2 or <fo> has TP-UDHI (0x40), whatever the
 * character set (3GPP TS 27.005 §3.1 <data>); otherwise GSM-7 text in the TE character set.
 * Without `AT+CSDH=1` the DCS is unknown and the body is taken as text. Lines of a body are joined
 * with LF (a CR LF in the message reads as one). `<length>` tells `@` (0x00 under AT+CSCS="GSM")
 * at the end of the body from NUL padding.
 */
function decodeBody(
  ctx: LineContext,
  bodyLines: readonly string[],
  fo: number | undefined,
  dcs: number | undefined,
  options: TextParseOptions,
  length?: number,
): Pick<DeliverRecord, 'text' | 'encoding' | 'dcs' | 'data' | 'udh'> {
  const body = bodyLines.join('\n');
  const udhi = fo !== undefined && (fo & 0x40) !== 0;
  const encoding = dcs === undefined ? undefined : dcsEncoding(dcs);
  const known = { ...(encoding === undefined ? {} : { encoding }), ...(dcs === undefined ? {} : { dcs }) };
  if (udhi || (encoding !== undefined && encoding !== 'gsm7')) {
    const hex = body.replace(/^\x00+|\x00+$/g, '').trim();
    const octets = hexToBytes(hex) ?? ctx.fail(`body ${JSON.stringify(body.slice(0, 40))} should be hex for <dcs> ${dcs ?? '?'}${udhi ? ' with a user-data header' : ''}`);
    const decoded = decodeUserData(octets, { dcs: dcs ?? 0, udhi, udl: undefined }, (reason) => ctx.fail(`hex body: ${reason}`));
    return { ...decoded, ...known };
  }
  const text = decodeTeBody(body, options.charset, length) ?? ctx.fail(`body ${JSON.stringify(body.slice(0, 40))} is not UCS2 hex`);
  return { text, ...known };
}

/** Whether a body is exactly `octets` octets in hex (NUL padding aside), as 27.005 §3.1 prints 8-bit, UCS2 and headers. */
function isHexOf(body: string, octets: number): boolean {
  const hex = body.replace(/^\x00+|\x00+$/g, '');
  return hex.length === 2 * octets && /^[0-9A-Fa-f]+$/.test(hex);
}
