/**
 * PDU mode (3GPP TS 27.005 §3, TPDUs of 3GPP TS 23.040 §9.2): encode the one-part SMS-SUBMIT we send,
 * decode the SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT PDUs the modem hands us.
 *
 * This is the one file allowed to import node-pdu, and it does not: every piece of node-pdu 2.1.1
 * we would need is wrong for us, and each replacement is a few lines with a test —
 * - a destination without `+` (our `000`) becomes the international number `0` → encodeTpAddress (0x81);
 * - `é` and `€` force UCS2, extension characters are not counted, text is split at 133 characters,
 *   unencodable characters silently become spaces → the guard decides, toGsm7Septets + packSeptets;
 * - parse() reads 8-bit data as text, accepts PDUs with missing or trailing octets, and throws plain
 *   Errors → decodePdu validates every length and throws PDU_INVALID.
 * Decoding independently of node-pdu also keeps the simulator (src/sim/sim-pdu.ts, which may build
 * PDUs with node-pdu) from testing this code against itself.
 */
import { BridgeError } from '../errors.js';
import { assertSmsText, type TextEncoding } from './gsm7.js';
import { toGsm7Septets } from './gsm7-alphabet.js';
import { bytesToHex, encodeUcs2, hexToBytes } from './hex.js';
import { decodeSmscAddress, decodeTpAddress, encodeTpAddress } from './pdu-address.js';
import { packSeptets } from './septets.js';
import { decodeScts, type SmsTime } from './timestamp.js';
import { tpStatusFlags } from './tp-status.js';
import type { DeliverRecord, SmsRecord, StatusReportRecord, SubmitRecord } from './types.js';
import { decodeUserData } from './user-data.js';

export interface SubmitOptions {
  /** Destination: digits (type of address 0x81, e.g. `000`) or `+` and digits (0x91). */
  to: string;
  text: string;
  /** Default `gsm7`. The text is refused, never converted, when it does not fit. */
  encoding?: TextEncoding;
  /** Ask for an SMS-STATUS-REPORT (TP-SRR, 3GPP TS 23.040 §9.2.3.5). Default false. */
  statusReport?: boolean;
  /** Relative validity period; rounded up to the next value the format can express. Default: none sent. */
  validityMinutes?: number;
}

export interface EncodedSubmit {
  /** Upper-case hex, starting with `00` (use the SMSC stored in the modem). */
  pdu: string;
  /** Octets after the SMSC field: the `<length>` of `AT+CMGS=<length>` (3GPP TS 27.005 §3.5.1). */
  tpduLength: number;
  encoding: TextEncoding;
  /** Septets (GSM-7) or octets (UCS2): the TP-User-Data-Length. */
  userDataLength: number;
}

const MTI_DELIVER = 0x00;
const MTI_SUBMIT = 0x01;
const MTI_STATUS_REPORT = 0x02;
const FO_UDHI = 0x40;
const FO_SRR = 0x20;
const VPF_RELATIVE = 0x10;
const DCS_GSM7 = 0x00;
const DCS_UCS2 = 0x08;

/** Builds a one-part SMS-SUBMIT (3GPP TS 23.040 §9.2.2.2). Throws the guard's SMS_* errors, or PDU_INVALID for a bad destination. */
export function encodeSubmit(options: SubmitOptions): EncodedSubmit {
  const encoding = options.encoding ?? 'gsm7';
  assertSmsText(options.text, { encoding });
  const destination = encodeTpAddress(options.to);
  if (destination === undefined) {
    throw new BridgeError('PDU_INVALID', `destination ${JSON.stringify(options.to)} is not a phone number (digits, optionally after '+')`);
  }
  let userData: Uint8Array;
  let userDataLength: number;
  if (encoding === 'gsm7') {
    const septets = toGsm7Septets(options.text);
    userData = packSeptets(septets);
    userDataLength = septets.length;
  } else {
    userData = encodeUcs2(options.text);
    userDataLength = userData.length;
  }
  const validity = options.validityMinutes === undefined ? [] : [encodeRelativeValidity(options.validityMinutes)];
  const firstOctet = MTI_SUBMIT | (validity.length > 0 ? VPF_RELATIVE : 0) | (options.statusReport === true ? FO_SRR : 0);
  // TP-MR 0: the modem fills in its own message reference and reports it in +CMGS.
  const tpdu = [firstOctet, 0x00, ...destination, 0x00, encoding === 'gsm7' ? DCS_GSM7 : DCS_UCS2, ...validity, userDataLength, ...userData];
  return { pdu: `00${bytesToHex(Uint8Array.from(tpdu))}`, tpduLength: tpdu.length, encoding, userDataLength };
}

/**
 * TP-VP relative format (3GPP TS 23.040 §9.2.3.12.1): 0–143 → (n+1)×5 min, 144–167 → 12 h + (n−143)×30 min,
 * 168–196 → (n−166) days, 197–255 → (n−192) weeks. Picks the shortest period not shorter than asked.
 */
export function encodeRelativeValidity(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0) throw new RangeError(`validityMinutes must be a positive number, got ${minutes}`);
  for (let vp = 0; vp <= 255; vp += 1) {
    if (relativeValidityMinutes(vp) >= minutes) return vp;
  }
  throw new RangeError(`validityMinutes ${minutes} is longer than the longest relative validity (63 weeks)`);
}

export function relativeValidityMinutes(vp: number): number {
  if (vp <= 143) return (vp + 1) * 5;
  if (vp <= 167) return 720 + (vp - 143) * 30;
  if (vp <= 196) return (vp - 166) * 1440;
  return (vp - 192) * 10080;
}

export interface DecodePduOptions {
  /** The `<length>` from the `+CMGR`/`+CMGL`/`+CMT`/`+CDS` header: kept in `raw.headerLength` when the PDU disagrees. */
  tpduLength?: number;
}

/** Decodes a PDU from the modem (SMSC field included). Throws PDU_INVALID when any length inside the PDU does not add up. */
export function decodePdu(hex: string, options: DecodePduOptions = {}): SmsRecord {
  // NUL padding around the line (docs/modem-behaviour.md §3) is not part of the PDU.
  const pduHex = hex.replace(/^[\s\x00]+|[\s\x00]+$/g, '');
  const shown = pduHex.length > 40 ? `${pduHex.slice(0, 40)}…` : pduHex;
  const fail = (reason: string): never => {
    throw new BridgeError('PDU_INVALID', `invalid PDU ${JSON.stringify(shown)}: ${reason}`);
  };
  const pdu = hexToBytes(pduHex) ?? fail('not an even number of hex digits');
  const smsc = decodeSmscAddress(pdu) ?? fail('SMSC address runs past the end');
  // The header's <length> is not checked against the PDU: the PDU delimits itself (the SMSC length
  // octet, each address length, TP-UDL, which must end the PDU exactly: PduReader.userData), so a
  // truncated or padded PDU is refused anyway, and a <length> that disagrees only says the modem
  // counted differently (some count the SMSC octets). It is kept in `raw` for diagnosis
  // (docs/modem-behaviour.md §3, fixtures/field/README.md).
  const tpduOctets = pdu.length - smsc.next;
  const raw = options.tpduLength !== undefined && options.tpduLength !== tpduOctets ? { pdu: pduHex, headerLength: options.tpduLength } : { pdu: pduHex };
  const reader = new PduReader(pdu, smsc.next, fail);
  const firstOctet = reader.octet('first octet');
  const base = { raw, ...(smsc.address === undefined ? {} : { smsc: smsc.address }) };

  switch (firstOctet & 0x03) {
    case MTI_DELIVER: {
      const sender = reader.address('originating address');
      reader.octet('protocol identifier');
      const dcs = reader.octet('data coding scheme');
      const time = reader.time('service-centre time stamp');
      const message = reader.userData(dcs, (firstOctet & FO_UDHI) !== 0);
      const record: DeliverRecord = { kind: 'deliver', sender: sender.address, senderType: sender.type, timestamp: time.date, timezoneKnown: time.timezoneKnown, dcs, ...message, ...base };
      return record;
    }
    case MTI_SUBMIT: {
      const messageReference = reader.octet('message reference');
      const recipient = reader.address('destination address');
      reader.octet('protocol identifier');
      const dcs = reader.octet('data coding scheme');
      // TP-VPF, bits 4–3: none, enhanced (7 octets), relative (1), absolute (7) — 3GPP TS 23.040 §9.2.3.3.
      const vpf = (firstOctet >> 3) & 0x03;
      if (vpf === 1 || vpf === 3) reader.skip(7, 'validity period');
      if (vpf === 2) reader.octet('validity period');
      const message = reader.userData(dcs, (firstOctet & FO_UDHI) !== 0);
      const record: SubmitRecord = { kind: 'submit', recipient: recipient.address, recipientType: recipient.type, messageReference, dcs, ...message, ...base };
      return record;
    }
    case MTI_STATUS_REPORT: {
      const messageReference = reader.octet('message reference');
      const recipient = reader.address('recipient address');
      const scts = reader.time('service-centre time stamp');
      const discharge = reader.time('discharge time');
      const st = reader.octet('status');
      // TP-PI and the optional parameters after it (3GPP TS 23.040 §9.2.2.3) are not needed here.
      const record: StatusReportRecord = {
        kind: 'status-report',
        messageReference,
        recipient: recipient.address,
        recipientType: recipient.type,
        scts: scts.date,
        dischargeTime: discharge.date,
        timestamp: scts.date,
        timezoneKnown: scts.timezoneKnown && discharge.timezoneKnown,
        st,
        ...tpStatusFlags(st),
        raw: base.raw,
        ...(smsc.address === undefined ? {} : { smsc: smsc.address }),
      };
      return record;
    }
    default:
      return fail('message type indicator 3 is reserved');
  }
}

/** A cursor over the TPDU octets that fails with the field's name when they run out. */
class PduReader {
  constructor(
    private readonly pdu: Uint8Array,
    private offset: number,
    private readonly fail: (reason: string) => never,
  ) {}

  octet(field: string): number {
    const value = this.pdu[this.offset];
    if (value === undefined) return this.fail(`ends before the ${field}`);
    this.offset += 1;
    return value;
  }

  skip(count: number, field: string): void {
    if (this.offset + count > this.pdu.length) this.fail(`ends inside the ${field}`);
    this.offset += count;
  }

  address(field: string): { address: string; type: number } {
    const decoded = decodeTpAddress(this.pdu, this.offset) ?? this.fail(`${field} is truncated or has invalid digits`);
    this.offset = decoded.next;
    return decoded;
  }

  time(field: string): SmsTime {
    const octets = this.pdu.subarray(this.offset, this.offset + 7);
    if (octets.length !== 7) this.fail(`ends inside the ${field}`);
    this.offset += 7;
    return decodeScts(octets) ?? this.fail(`${field} ${bytesToHex(octets)} is not a valid date`);
  }

  /** TP-UDL and TP-UD, which must end the PDU exactly: trailing octets mean we misread something. */
  userData(dcs: number, udhi: boolean): ReturnType<typeof decodeUserData> {
    const udl = this.octet('user data length');
    const rest = this.pdu.subarray(this.offset);
    const decoded = decodeUserData(rest, { dcs, udhi, udl }, this.fail);
    const expected = decoded.encoding === 'gsm7' ? Math.ceil((udl * 7) / 8) : udl;
    if (rest.length !== expected) this.fail(`user data length ${udl} needs ${expected} octets, ${rest.length} follow`);
    this.offset = this.pdu.length;
    return decoded;
  }
}
