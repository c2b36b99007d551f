import type { StoreContext } from './context.js';
import { createContext } from './context.js';
import { CounterLog } from './counters.js';
import { HistoryReports } from './history.js';
import { InboundLog } from './inbound.js';
import { OutboundLog } from './outbound.js';
import { configure, migrate } from './schema.js';
import { openDatabase, type Database } from '../sqlite.js';
import { guard } from './store-error.js';
import type {
  DeliveryFailureInput,
  FailureInput,
  HistoryEntry,
  HistoryQuery,
  InboundInput,
  InboundRecord,
  OutboundInput,
  OutboundRecord,
  PendingInbound,
  PendingOutbound,
  PruneResult,
  RecordInboundResult,
  ReplyInput,
  SentInput,
  StoreStats,
} from './types.js';

export interface BridgeStoreOptions {
  /** Source of every timestamp the store writes. Default: `() => new Date()`. */
  clock?: () => Date;
  /** How long to wait for another process's write lock (e.g. `smsbridge send` while the service runs). Default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface HandlingResult {
  /** The queued reply's id, or null when there is none. */
  outboundId: number | null;
}

/**
 * The bridge's durable state on SQLite: inbound commands, the outbound queue, signed-command counters.
 * Every method is synchronous and is one transaction; every failure is a BridgeError STORE_ERROR.
 * See docs/store.md for the state machines, the crash windows and the de-duplication rule.
 */
export class BridgeStore {
  private readonly inbound: InboundLog;
  private readonly outbound: OutboundLog;
  private readonly counters: CounterLog;
  private readonly reports: HistoryReports;

  private constructor(
    private readonly db: Database,
    ctx: StoreContext,
  ) {
    this.outbound = new OutboundLog(ctx);
    this.inbound = new InboundLog(ctx, this.outbound);
    this.counters = new CounterLog(ctx);
    this.reports = new HistoryReports(ctx, this.inbound, this.outbound);
  }

  /** Opens or creates the store at `path` (`':memory:'` for tests) and brings its schema up to date. */
  static open(path: string, options: BridgeStoreOptions = {}): BridgeStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    return guard(`opening the store at ${path}`, () => {
      const db = openDatabase(path, busyTimeoutMs);
      try {
        configure(db, busyTimeoutMs);
        migrate(db);
        return new BridgeStore(db, createContext(db, options.clock ?? (() => new Date())));
      } catch (error) {
        db.close();
        throw error;
      }
    });
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Idempotent. */
  close(): void {
    if (this.db.open) guard('closing the store', () => this.db.close());
  }

  // Inbound commands

  recordInbound(input: InboundInput): RecordInboundResult {
    return guard('recordInbound', () => this.inbound.record(input));
  }

  getInbound(id: number): InboundRecord | undefined {
    return guard('getInbound', () => this.inbound.get(id));
  }

  beginHandling(id: number): boolean {
    return guard('beginHandling', () => this.inbound.begin(id));
  }

  finishHandling(id: number, reply: ReplyInput | null): HandlingResult {
    return guard('finishHandling', () => this.inbound.finish(id, reply));
  }

  interruptHandling(id: number, reason: string, reply: ReplyInput | null = null): HandlingResult {
    return guard('interruptHandling', () => this.inbound.interrupt(id, reason, reply));
  }

  refuse(id: number, reason: string, reply: ReplyInput | null = null): HandlingResult {
    return guard('refuse', () => this.inbound.refuse(id, reason, reply));
  }

  pendingInbound(): PendingInbound {
    return guard('pendingInbound', () => this.inbound.pending());
  }

  // Outbound queue

  enqueueOutbound(input: OutboundInput): OutboundRecord {
    return guard('enqueueOutbound', () => this.outbound.enqueue(input));
  }

  getOutbound(id: number): OutboundRecord | undefined {
    return guard('getOutbound', () => this.outbound.get(id));
  }

  markSending(id: number): OutboundRecord {
    return guard('markSending', () => this.outbound.markSending(id));
  }

  markStored(id: number, storedIndex: number): OutboundRecord {
    return guard('markStored', () => this.outbound.markStored(id, storedIndex));
  }

  markSent(id: number, sent: SentInput = {}): OutboundRecord {
    return guard('markSent', () => this.outbound.markSent(id, sent));
  }

  markNotSent(id: number, failure: FailureInput): OutboundRecord {
    return guard('markNotSent', () => this.outbound.markNotSent(id, failure));
  }

  markFailed(id: number, failure: FailureInput): OutboundRecord {
    return guard('markFailed', () => this.outbound.markFailed(id, failure));
  }

  markDelivered(messageReference: number, at: Date): OutboundRecord | null {
    return guard('markDelivered', () => this.outbound.markDelivered(messageReference, at));
  }

  markDeliveryFailed(messageReference: number, failure: DeliveryFailureInput): OutboundRecord | null {
    return guard('markDeliveryFailed', () => this.outbound.markDeliveryFailed(messageReference, failure));
  }

  newestOutboundByStoredIndex(index: number): OutboundRecord | undefined {
    return guard('newestOutboundByStoredIndex', () => this.outbound.newestByStoredIndex(index));
  }

  isOutboundText(text: string): boolean {
    return guard('isOutboundText', () => this.outbound.isText(text));
  }

  pendingOutbound(): PendingOutbound {
    return guard('pendingOutbound', () => this.outbound.pending());
  }

  // Reports, retention, counters

  history(query: HistoryQuery = {}): HistoryEntry[] {
    return guard('history', () => this.reports.history(query));
  }

  stats(): StoreStats {
    return guard('stats', () => this.reports.stats());
  }

  prune(olderThanDays?: number): PruneResult {
    return guard('prune', () => this.reports.prune(olderThanDays));
  }

  /**
   * Accepts a signed command's counter only if it is greater than the last one accepted for `sender`.
   * Pass the command's inbound id so that re-verifying the same command after a restart is not a replay.
   */
  acceptCounter(sender: string, counter: number, inboundId?: number): boolean {
    return guard('acceptCounter', () => this.counters.accept(sender, counter, inboundId));
  }
}
