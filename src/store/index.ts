export { BridgeStore } from './bridge-store.js';
export type { BridgeStoreOptions, HandlingResult } from './bridge-store.js';
export { DEFAULT_HISTORY_LIMIT, RETENTION_DAYS } from './history.js';
export { INBOUND_TRANSITIONS, OUTBOUND_TRANSITIONS, canTransition } from './transitions.js';
export { INBOUND_STATES, OUTBOUND_STATUSES } from './types.js';
export type {
  DeliveryFailureInput,
  FailureInput,
  HistoryDirection,
  HistoryEntry,
  HistoryQuery,
  InboundInput,
  InboundRecord,
  InboundState,
  OutboundInput,
  OutboundRecord,
  OutboundStatus,
  PendingInbound,
  PendingOutbound,
  PruneResult,
  RecordInboundResult,
  ReplyInput,
  SentInput,
  StoreStats,
} from './types.js';
