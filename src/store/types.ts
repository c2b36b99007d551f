/**
 * Records and inputs of the durable store. Times are `Date`s; the store keeps them as integer
 * milliseconds (SCTS as whole seconds, its resolution in 3GPP TS 23.040 §9.2.3.11).
 */

/** Life of an inbound SMS Command; see docs/store.md for the transitions. */
export type InboundState = 'received' | 'handling' | 'handled' | 'replied' | 'no-reply' | 'refused' | 'interrupted';

/**
 * Life of an outbound SMS. `queued`, `sent`, `delivered` and `failed` mean what they mean on the
 * SmsCommand resource; `sending` is ours: the bytes may be with the modem and no answer was recorded yet.
 */
export type OutboundStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

export const INBOUND_STATES: readonly InboundState[] = [
  'received',
  'handling',
  'handled',
  'replied',
  'no-reply',
  'refused',
  'interrupted',
];

export const OUTBOUND_STATUSES: readonly OutboundStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed'];

export interface InboundInput {
  sender: string;
  /** Service-centre time stamp (SCTS); only whole seconds count. */
  sentAt: Date;
  text: string;
  /** Defaults to the store's clock. */
  receivedAt?: Date;
  /** Where the modem gave it to us, e.g. `'SM:3'` (storage and index) or `'CMT'` (routed directly). */
  source?: string;
}

export interface RecordInboundResult {
  id: number;
  /** True when (sender, SCTS, text) was already recorded: the command must not run again. */
  duplicate: boolean;
  state: InboundState;
}

export interface InboundRecord {
  id: number;
  sender: string;
  /** SCTS, truncated to the second. */
  sentAt: Date;
  text: string;
  receivedAt: Date;
  source: string | null;
  state: InboundState;
  updatedAt: Date;
  /** Why it was refused or interrupted. */
  reason: string | null;
  /** How many byte-identical copies arrived after the first. */
  duplicates: number;
}

export interface ReplyInput {
  text: string;
  to: string;
}

export interface OutboundInput {
  to: string;
  text: string;
  /** The command this answers; at most one reply per command. */
  inboundId?: number;
}

export interface OutboundRecord {
  id: number;
  inboundId: number | null;
  to: string;
  text: string;
  status: OutboundStatus;
  createdAt: Date;
  updatedAt: Date;
  /** Times `markSending` was called: writes handed to the modem. */
  attempts: number;
  /** Times it was sent again after a `sending` whose outcome was never recorded (at-least-once). */
  uncertainRetries: number;
  /** TP-MR from `+CMGS:`/`+CMSS:` (0–255, wraps). */
  messageReference: number | null;
  /** Index on the SIM when stored first with AT+CMGW and sent with AT+CMSS. */
  storedIndex: number | null;
  sentAt: Date | null;
  /** Discharge time of the status report, delivered or not. */
  completedAt: Date | null;
  errorCode: number | null;
  errorMessage: string | null;
}

export interface SentInput {
  /** TP-MR; may be unknown when a restart finds the stored message marked STO SENT. */
  messageReference?: number;
  storedIndex?: number;
}

export interface FailureInput {
  /** 3GPP CMS number or TP-Status, when there is one. */
  code?: number;
  message: string;
}

export interface DeliveryFailureInput {
  at: Date;
  code?: number;
  message?: string;
}

export interface PendingInbound {
  /** Recorded, never started: run them (oldest first). */
  received: InboundRecord[];
  /** Started and never finished (crash mid-action): the dispatcher re-runs idempotent handlers, interrupts others. */
  handling: InboundRecord[];
}

export interface PendingOutbound {
  /** Never handed to the modem: send them (oldest first). */
  queued: OutboundRecord[];
  /** Handed to the modem with no recorded outcome: may or may not have gone out; check storage or resend. */
  sending: OutboundRecord[];
}

export type HistoryDirection = 'inbound' | 'outbound';

export type HistoryEntry =
  | ({ direction: 'inbound'; at: Date } & InboundRecord)
  | ({ direction: 'outbound'; at: Date } & OutboundRecord);

export interface HistoryQuery {
  /** Default 50. */
  limit?: number;
  /** Only rows at or after this time (inbound: receivedAt, outbound: createdAt). */
  since?: Date;
  /** Both when omitted. */
  direction?: HistoryDirection;
}

export interface StoreStats {
  inbound: Record<InboundState, number>;
  outbound: Record<OutboundStatus, number>;
  /** Sends repeated after an uncertain `sending`, over the store's lifetime (survives prune). */
  uncertainRetries: number;
  /** Byte-identical re-deliveries that were not run again, over the store's lifetime. */
  duplicates: number;
}

export interface PruneResult {
  inbound: number;
  outbound: number;
}
