/**
 * What the durable sender needs of a journal (the store implements it): every step of a reply's
 * way to the network is written down before the next one starts, so a restart knows where it was.
 *
 *   queued ──sending──▶ sending ──stored(i)──▶ sending@i ──sent──▶ sent ──report──▶ delivered / failed
 *      ▲                   │                        │
 *      └────notSent────────┴────────────────────────┘ (certainly not sent: try again)
 */
export type ReplyStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

/** A reply as the journal holds it (the store's record has more; only this is read here). */
export interface JournaledReply {
  id: number;
  to: string;
  text: string;
  status: ReplyStatus;
  /** The storage slot its copy was written to (AT+CMGW), while that copy may still be there. */
  storedIndex: number | null;
  updatedAt: Date;
}

export interface ReplyFailure {
  /** The +CMS number, or the TP-Status of a failed delivery. */
  code?: number;
  message: string;
}

export interface ReplyJournal<R extends JournaledReply = JournaledReply> {
  /** Replies to send: `queued` ones, and `sending` ones whose outcome a crash or a timeout lost. */
  pendingOutbound(): { queued: R[]; sending: R[] };
  getOutbound(id: number): R | undefined;
  /** Before the first byte goes to the modem. */
  markSending(id: number): R;
  /** The copy is in storage at `index` (before AT+CMSS). */
  markStored(id: number, index: number): R;
  markSent(id: number, sent: { messageReference?: number; storedIndex?: number }): R;
  /** Certainly not sent (the modem refused it or never took it): back to `queued`. */
  markNotSent(id: number, failure: ReplyFailure): R;
  markFailed(id: number, failure: ReplyFailure): R;
  markDelivered(messageReference: number, at: Date): R | null;
  markDeliveryFailed(messageReference: number, failure: { at: Date; code?: number; message?: string }): R | null;
  /** The newest reply whose copy was written to `index` (slots are reused). */
  newestOutboundByStoredIndex(index: number): R | undefined;
  /** Whether `text` is the text of one of our replies. */
  isOutboundText(text: string): boolean;
}
