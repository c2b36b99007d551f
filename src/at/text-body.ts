/**
 * How far the body of a text-mode SMS reaches. A body is raw text: it may hold line ends, and a line
 * of it may read `OK`, `> ` or `+CMTI: "SM",1`. With AT+CSDH=1 the header ends in `<length>` (3GPP TS
 * 27.005 §3.3.3, §3.1): characters for GSM-7 text, octets for 8-bit, UCS2 or a body with a user-data
 * header, which are printed as two hex digits each (§3.1 <data>). The framer splits the body at its
 * line ends; the channel then takes lines as body while they fit in that many characters.
 */
import { afterPrefix, intField, splitAtFields, type AtField } from './at-fields.js';
import { dcsEncoding } from './data-coding.js';

/** Lines owed to a header: a count, or as many lines as fit in `chars` characters (line ends count one). */
export type TrailingRule = number | { chars: number };

/**
 * The body rule of a text-mode `+CMT:`, `+CMGR:` or `+CMGL:` header. Without the `<length>` of
 * AT+CSDH=1 the body is one line (what a modem without it allows us to know). A status report
 * (`+CMGR: <stat>,<fo>,<mr>,…`) has no body.
 */
export function textBodyRule(line: string, prefix: '+CMT' | '+CMGR' | '+CMGL'): TrailingRule {
  const fields = splitAtFields(afterPrefix(line, prefix) ?? '');
  if (fields === undefined) return 1;
  if (prefix === '+CMGR' && isStatusReport(fields.slice(1))) return 0;
  if (prefix === '+CMGL' && isStatusReport(fields.slice(2))) return 0;
  // Field positions with AT+CSDH=1 (27.005 §3.4.1, §3.4.3, §3.4.2):
  //   +CMT:  <oa>,[<alpha>],<scts>,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>
  //   +CMGR: <stat>,<oa>,[<alpha>],<scts>,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>           (deliver)
  //   +CMGR: <stat>,<da>,[<alpha>],<toda>,<fo>,<pid>,<dcs>,[<vp>],<sca>,<tosca>,<length>           (submit)
  //   +CMGL: <index>,<stat>,<oa/da>,[<alpha>],[<scts>],<tooa/toda>,<length>                      (no <fo>, no <dcs>)
  const layout = LAYOUTS[prefix];
  if (fields.length !== layout.fields) return 1;
  const length = intField(fields[layout.length]);
  if (length === undefined) return 1;
  // An empty message prints no body line: what follows is the final result (or the next header).
  if (length === 0) return 0;
  if (layout.fo === undefined) return { chars: length };
  const submit = prefix === '+CMGR' && /^(STO|2$|3$)/.test(fields[0]?.value ?? '');
  const fo = intField(fields[layout.fo - (submit ? 1 : 0)]);
  const dcs = intField(fields[layout.fo - (submit ? 1 : 0) + 2]);
  if (fo === undefined || dcs === undefined) return 1;
  const hex = (fo & 0x40) !== 0 || dcsEncoding(dcs) !== 'gsm7';
  return { chars: hex ? 2 * length : length };
}

const LAYOUTS = {
  '+CMT': { fields: 10, fo: 4, length: 9 },
  '+CMGR': { fields: 11, fo: 5, length: 10 },
  '+CMGL': { fields: 7, fo: undefined, length: 6 },
} as const;

/** `<fo>,<mr>,…,<scts>,…`: a number where a message has its quoted address (27.005 §3.4.3 status report). */
function isStatusReport(fields: readonly AtField[]): boolean {
  const first = fields[0];
  return first !== undefined && !first.quoted && /^\d+$/.test(first.value) && fields.length >= 7;
}

/** A body being taken: its rule, and the lines and characters taken so far. */
export interface BodyProgress {
  readonly rule: TrailingRule;
  lines: number;
  chars: number;
}

/**
 * Whether the body takes this line: by count; or by `<length>`, the first line always and then a
 * line that follows one line end and fits with it. Bytes are counted, so an extension character
 * (ESC plus its code under AT+CSCS="GSM") counts two where a modem may count one: the body then
 * ends early, never late.
 */
export function owes(body: BodyProgress, line: string, afterBlankLine = false): boolean {
  if (typeof body.rule === 'number') return body.lines < body.rule;
  if (body.lines === 0) return true;
  // A line end inside a body is one `\n` (or `\r\n`); a blank line ends it: the final result and any
  // URC follow the body that way (V.250 §5.7.1). Modems do overcount <length> (gammu's
  // tests/at-sms-txt-detail/sample.dump: 93 for a body of 68 characters, then `\r\n\r\nOK`).
  if (afterBlankLine) return false;
  return body.chars + 1 + unpadded(line) <= body.rule.chars;
}

/** Takes a line the body owes; true when the body is then complete (no room left for another line). */
export function takeBodyLine(body: BodyProgress, line: string): boolean {
  body.chars += (body.lines === 0 ? 0 : 1) + unpadded(line);
  body.lines++;
  return typeof body.rule === 'number' ? body.lines >= body.rule : body.chars + 2 > body.rule.chars;
}

/** A line's length without the NUL padding that may follow a body's last line (Huawei E3131). */
const unpadded = (line: string): number => line.replace(/\x00+$/, '').length;
