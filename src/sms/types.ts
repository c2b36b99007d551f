/**
 * Shared SMS record types: what the text-mode and PDU-mode parsers hand to the inbox and outbox.
 * One shape for both modes, so the layers above never care how the modem was configured.
 */
import type { SmsEncoding } from '../at/data-coding.js';

/** `<stat>` of 3GPP TS 27.005 §3.1, in its text-mode spelling (PDU mode's 0–3 are mapped to these). */
export type SmsStatus = 'REC UNREAD' | 'REC READ' | 'STO UNSENT' | 'STO SENT';

/** How the user data was coded (3GPP TS 23.038 §4). `8bit` user data is kept as bytes. */
export type { SmsEncoding };

/** Concatenation information element of the user-data header (3GPP TS 23.040 §9.2.3.24.1 / .8). */
export interface ConcatInfo {
  /** Reference shared by all parts (8- or 16-bit). */
  reference: number;
  /** Number of parts, 1–255. */
  total: number;
  /** This part's number, 1-based. */
  sequence: number;
}

/** What the record was parsed from, kept so a message that fails later can be reported verbatim. */
export interface SmsRaw {
  /** The `+CMGR:`/`+CMGL:`/`+CMT:`/`+CDS:` line, when there was one. */
  header?: string;
  /** Text mode: the body lines as received (joined with `\n`). */
  body?: string;
  /** PDU mode: the PDU hex, SMSC octets included. */
  pdu?: string;
  /** PDU mode: the header's `<length>`, only when it disagreed with the PDU (which was decoded on its own). */
  headerLength?: number;
}

interface SmsRecordBase {
  /** Storage slot, from `+CMGL` (for `+CMGR` the caller knows it and may set it). */
  index?: number;
  /** Storage name (`"SM"`, `"ME"`, `"SR"`…); the parsers never know it, the caller sets it. */
  storage?: string;
  status?: SmsStatus;
  raw: SmsRaw;
}

interface SmsMessageFields {
  /**
   * The message text. For `8bit` user data this is the bytes as upper-case hex
   * (nothing is lost; `data` has the bytes), so never act on it without checking `encoding`.
   */
  text: string;
  /** Undefined when the modem did not say (text mode without `AT+CSDH=1`): then assume GSM-7. */
  encoding?: SmsEncoding;
  /** TP-Data-Coding-Scheme octet, when known. */
  dcs?: number;
  /** The bytes of `8bit` user data (without the user-data header). */
  data?: Uint8Array;
  /** Present when the message is one part of a concatenated message. */
  udh?: ConcatInfo;
  /** SMSC address when the modem gave one. */
  smsc?: string;
}

/** An SMS-DELIVER: a message we received (3GPP TS 23.040 §9.2.2.1). */
export interface DeliverRecord extends SmsRecordBase, SmsMessageFields {
  kind: 'deliver';
  /** TP-Originating-Address as text: digits, `+` and digits for international numbers, or an alphanumeric name. */
  sender: string;
  /** Type-of-address octet when known (0x81 national/unknown, 0x91 international, 0xD0 alphanumeric). */
  senderType?: number;
  /** TP-Service-Centre-Time-Stamp in UTC. */
  timestamp: Date;
  /** False when the modem gave no timezone: `timestamp` then assumes the local time was UTC. */
  timezoneKnown: boolean;
  /**
   * Set on a text-mode listing's message whose body is hex digits two per `<length>` octet: UCS2,
   * 8-bit or a user-data header, which a listing cannot say (27.005 §3.4.2 has no `<dcs>`). Read it
   * again with +CMGR before using `text`.
   */
  codingUnknown?: true;
}

/** An SMS-SUBMIT: a message stored for sending or already sent (3GPP TS 23.040 §9.2.2.2). */
export interface SubmitRecord extends SmsRecordBase, SmsMessageFields {
  kind: 'submit';
  /** TP-Destination-Address as text. */
  recipient: string;
  recipientType?: number;
  /** TP-Message-Reference as stored (PDU mode only; the modem assigns the real one on send). */
  messageReference?: number;
  /** An SMS-SUBMIT carries no service-centre time stamp, so this is always undefined. */
  timestamp?: undefined;
}

/** An SMS-STATUS-REPORT: the fate of a message we sent (3GPP TS 23.040 §9.2.2.3). */
export interface StatusReportRecord extends SmsRecordBase {
  kind: 'status-report';
  /** TP-Message-Reference: the `<mr>` that `+CMGS` returned for the message this report is about. */
  messageReference: number;
  /** TP-Recipient-Address: who the original message was for. */
  recipient: string;
  recipientType?: number;
  /** TP-Service-Centre-Time-Stamp: when the SMSC received the original message (UTC). */
  scts: Date;
  /** TP-Discharge-Time: when the SMSC delivered it, or gave up (UTC). */
  dischargeTime: Date;
  /** Same as `scts`, so every record has a time to sort by. */
  timestamp: Date;
  timezoneKnown: boolean;
  /** TP-Status (3GPP TS 23.040 §9.2.3.15). */
  st: number;
  /** SMSC address when the modem gave one (PDU mode). */
  smsc?: string;
  /** 0x00–0x1F: the transaction completed, the message reached the recipient. */
  delivered: boolean;
  /** 0x40–0x7F (and reserved 0x80–0xFF): the SMSC stopped trying; the message will not arrive. */
  failed: boolean;
  /** 0x20–0x3F: a temporary error, the SMSC is still trying; another report may follow. */
  pending: boolean;
}

export type SmsRecord = DeliverRecord | SubmitRecord | StatusReportRecord;
