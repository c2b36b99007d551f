/**
 * How stored and delivered messages look on the wire in text and PDU mode
 * (3GPP TS 27.005 §3.4.1 +CMT/+CDS, §3.4.3 +CMGL, §3.4.4 +CMGR; text mode §4.x).
 */
import { encodeForHost, toHex, type Charset } from './charset.js';
import type { Profile } from './profiles.js';
import { concatHeader, deliverFirstOctet, encodeUserData, typeOfAddress } from './sim-pdu.js';
import { STAT_TEXT, type StoredDeliver, type StoredSms, type StoredStatusReport, type StoredSubmit } from './sms-storage.js';

export interface FormatContext {
  charset: Charset;
  /** AT+CSDH=1: show the optional header fields (27.005 §3.3.3). */
  details: boolean;
  profile: Profile;
}

/** `yy/MM/dd,hh:mm:ss±zz`: SC local time, zone in signed quarter hours (27.005 §3.1 <scts>). */
export function formatScts(instant: Date, tzQuarters: number): string {
  const local = new Date(instant.getTime() + tzQuarters * 15 * 60_000);
  const two = (n: number) => n.toString().padStart(2, '0');
  const date = `${two(local.getUTCFullYear() % 100)}/${two(local.getUTCMonth() + 1)}/${two(local.getUTCDate())}`;
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
  return `${date},${time}${tzQuarters < 0 ? '-' : '+'}${two(Math.abs(tzQuarters))}`;
}

const quote = (text: string) => `"${text}"`;
const address = (text: string, ctx: FormatContext) => quote(encodeForHost(text, ctx.charset));

/**
 * Text-mode <data> (27.005 §3.1): 8-bit and UCS2 bodies are hex whatever +CSCS says (SIM7600 manual
 * p.170, Telit LE910 V2 p.171, transcript 14). With a user-data header (TP-UDHI in <fo>) every octet
 * of the user data, header included, is two hex digits, GSM-7 packed septets too (27.005 §3.1 <data>;
 * Telit LE910 V2 80446ST10707A p.171: "If <fo> indicates that a UDH is present each 8-bit octet will be
 * converted into two IRA character long hexadecimal number"; SIM7600 manual p.170 and Quectel UGxx
 * p.125 the same). Every simulated profile does this; none strips the header.
 */
export function textBody(sms: StoredDeliver | StoredSubmit, ctx: FormatContext): string {
  let body: string;
  if (sms.kind === 'deliver' && sms.part) body = toHex(encodeUserData(sms.text, sms.encoding, concatHeader(sms.part)).bytes);
  else if (sms.encoding === 'ucs2') body = toHex(Buffer.from(sms.text, 'utf16le').swap16());
  else if (sms.encoding === '8bit') body = toHex(Buffer.from(sms.text, 'latin1'));
  else body = encodeForHost(sms.text, ctx.charset);
  // Huawei E3131 pads bodies with NULs (quirks §3); hosts must strip them.
  if (ctx.profile.nulPadding) body += '\0'.repeat(8 - (body.length % 8));
  return body;
}

/** `<length>` in text mode: characters of the body, "without UDH length" (Telit LE910 V2 p.171); octets for UCS2 and 8-bit. */
export function textLength(sms: StoredDeliver | StoredSubmit): number {
  return sms.encoding === 'gsm7' ? [...sms.text].length : sms.encoding === 'ucs2' ? sms.text.length * 2 : sms.text.length;
}

const dcsOf = (sms: StoredDeliver | StoredSubmit) => (sms.kind === 'submit' ? sms.dcs : sms.encoding === 'ucs2' ? 8 : sms.encoding === '8bit' ? 4 : 0);

/**
 * `<oa>,<alpha>,<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]` of an SMS-DELIVER in +CMGR and
 * +CMT: with AT+CSDH=1 every simulated vendor prints all seven extra fields as 27.005 §3.4.3 / §3.4.1 do
 * (Quectel EC25 manual p.136 `+CMT: "+8615021012496",,"13/03/18,17:07:21+32",145,4,0,0,"+8613800551500",145,28`;
 * Quectel UGxx p.125 and GAM tests/at-sms-txt-detail `+CMGR: …,145,4,0,0,"+85290000000",145,49`; SIM7600
 * manual p.168; Telit ME910C1 80529ST10815A p.84 +CMT). The u-blox and Huawei pages were not checked: they
 * get 27.005's format.
 */
function deliverHeader(sms: StoredDeliver, ctx: FormatContext): string {
  let header = `${address(sms.from, ctx)},${ctx.profile.textAlpha},${quote(formatScts(sms.scts, sms.tzQuarters))}`;
  if (ctx.details)
    header += `,${typeOfAddress(sms.from)},${deliverFirstOctet(sms.part)},0,${dcsOf(sms)},${address(sms.smsc, ctx)},${typeOfAddress(sms.smsc)},${textLength(sms)}`;
  return header;
}

/** `<fo>,<mr>,<ra>,<tora>,<scts>,<dt>,<st>` of an SMS-STATUS-REPORT (27.005 §3.4.1 +CDS text). */
function statusFields(report: StoredStatusReport): string {
  return [
    6,
    report.mr,
    quote(report.recipient),
    typeOfAddress(report.recipient),
    quote(formatScts(report.scts, report.tzQuarters)),
    quote(formatScts(report.dt, report.tzQuarters)),
    report.st,
  ].join(',');
}

/** Information lines of AT+CMGR in text mode (27.005 §3.4.4). */
export function cmgrText(sms: StoredSms, ctx: FormatContext): string[] {
  const stat = quote(STAT_TEXT[sms.stat]);
  if (sms.kind === 'status') return [`+CMGR: ${stat},${statusFields(sms)}`];
  if (sms.kind === 'deliver') return [`+CMGR: ${stat},${deliverHeader(sms, ctx)}`, textBody(sms, ctx)];
  let header = `+CMGR: ${stat},${address(sms.to, ctx)},${ctx.profile.textAlpha}`;
  if (ctx.details)
    header += `,${typeOfAddress(sms.to)},${sms.fo},${sms.pid},${sms.dcs},${sms.vp},${address(ctx.profile.smsc, ctx)},145,${textLength(sms)}`;
  return [header, textBody(sms, ctx)];
}

/** Lines of one +CMGL entry in text mode. */
export function cmglText(index: number, sms: StoredSms, ctx: FormatContext): string[] {
  const stat = quote(STAT_TEXT[sms.stat]);
  if (sms.kind === 'status') return [`+CMGL: ${index},${stat},${statusFields(sms)}`];
  const who = sms.kind === 'deliver' ? sms.from : sms.to;
  const scts = sms.kind === 'deliver' ? quote(formatScts(sms.scts, sms.tzQuarters)) : '';
  let header = `+CMGL: ${index},${stat},${address(who, ctx)},${ctx.profile.textAlpha},${scts}`;
  // 27.005 §3.4.2 and every vendor's manual (Telit LE910 V2 p.171, SIM7600 p.168, Quectel EC25 p.126):
  // CSDH=1 adds only <tooa/toda>,<length> to a listing, never <fo> or <dcs>: a listing cannot tell a
  // hex body (UCS2, 8-bit, a header) from text, so the bridge reads such a message again with +CMGR.
  if (ctx.details) header += `,${typeOfAddress(who)},${textLength(sms)}`;
  return [header, textBody(sms, ctx)];
}

export function cmgrPdu(sms: StoredSms, ctx: FormatContext): string[] {
  return [`+CMGR: ${sms.stat},${ctx.profile.pduAlpha},${sms.tpduLength}`, toHex(sms.pdu)];
}

export function cmglPdu(index: number, sms: StoredSms, ctx: FormatContext): string[] {
  return [`+CMGL: ${index},${sms.stat},${ctx.profile.pduAlpha},${sms.tpduLength}`, toHex(sms.pdu)];
}

/** +CMT URC lines (27.005 §3.4.1): header then the body or PDU. */
export function cmt(sms: StoredDeliver, ctx: FormatContext, pduMode: boolean): string[] {
  if (pduMode) return [`+CMT: ,${sms.tpduLength}`, toHex(sms.pdu)];
  return [`+CMT: ${deliverHeader(sms, ctx)}`, textBody(sms, ctx)];
}

/** +CDS URC lines (27.005 §3.4.1). */
export function cds(report: StoredStatusReport, pduMode: boolean): string[] {
  if (pduMode) return [`+CDS: ${report.tpduLength}`, toHex(report.pdu)];
  return [`+CDS: ${statusFields(report)}`];
}
