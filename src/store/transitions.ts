import { BridgeError } from '../errors.js';
import type { InboundState, OutboundStatus } from './types.js';

/**
 * The two state machines as data. Every state change in the store goes through `assertTransition`,
 * inside the transaction that writes it, so an illegal move is refused before anything is written.
 */
export const INBOUND_TRANSITIONS: Readonly<Record<InboundState, readonly InboundState[]>> = {
  received: ['handling', 'refused'],
  // handling → refused: the signature and counter are checked as the command is dispatched.
  handling: ['handled', 'interrupted', 'refused'],
  // `no-reply` is written in the same transaction as `handled` when the handler had nothing to say;
  // `replied` when the linked reply is marked sent.
  handled: ['replied', 'no-reply'],
  replied: [],
  'no-reply': [],
  refused: [],
  interrupted: [],
};

export const OUTBOUND_TRANSITIONS: Readonly<Record<OutboundStatus, readonly OutboundStatus[]>> = {
  // queued → failed: given up before any attempt (e.g. the text cannot be encoded).
  queued: ['sending', 'failed'],
  // sending → sending: a retry after an uncertain attempt; sending → queued: the modem said no (retry later).
  sending: ['sending', 'queued', 'sent', 'failed'],
  sent: ['delivered', 'failed'],
  delivered: [],
  failed: [],
};

export function canTransition<S extends string>(table: Readonly<Record<S, readonly S[]>>, from: S, to: S): boolean {
  return table[from].includes(to);
}

export function assertTransition<S extends string>(
  table: Readonly<Record<S, readonly S[]>>,
  what: string,
  from: S,
  to: S,
): void {
  if (!canTransition(table, from, to)) {
    throw new BridgeError('STORE_ERROR', `${what}: illegal transition ${from} → ${to}`);
  }
}
