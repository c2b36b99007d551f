import type { StoreContext } from './context.js';
import type { InboundLog } from './inbound.js';
import type { OutboundLog } from './outbound.js';
import type { Statement } from '../sqlite.js';
import { invalid } from './store-error.js';
import {
  INBOUND_STATES,
  OUTBOUND_STATUSES,
  type HistoryEntry,
  type HistoryQuery,
  type InboundState,
  type OutboundStatus,
  type PruneResult,
  type StoreStats,
} from './types.js';

export const DEFAULT_HISTORY_LIMIT = 50;
/** The SmsCommand resource keeps commands 30 days; so do we. */
export const RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Newest first; in the same millisecond a reply sorts above the command it answers, and higher ids above lower. */
function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  const byTime = b.at.getTime() - a.at.getTime();
  if (byTime !== 0) return byTime;
  if (a.direction !== b.direction) return a.direction === 'outbound' ? -1 : 1;
  return b.id - a.id;
}

/** Read-side reports (`smsbridge history`, stats) and retention. */
export class HistoryReports {
  private readonly countInbound: Statement<[], { state: InboundState; n: number }>;
  private readonly countOutbound: Statement<[], { status: OutboundStatus; n: number }>;
  private readonly selectTotals: Statement<[], { name: string; value: number }>;
  private readonly pruneOutbound: Statement<[number]>;
  private readonly pruneInbound: Statement<[number]>;

  constructor(
    private readonly ctx: StoreContext,
    private readonly inbound: InboundLog,
    private readonly outbound: OutboundLog,
  ) {
    const db = ctx.db;
    this.countInbound = db.prepare('SELECT state, COUNT(*) AS n FROM inbound GROUP BY state');
    this.countOutbound = db.prepare('SELECT status, COUNT(*) AS n FROM outbound GROUP BY status');
    this.selectTotals = db.prepare('SELECT name, value FROM totals');
    // Pending rows are never pruned: queued/sending replies, received/handling commands, and a command
    // whose reply is still kept (the link, and its de-duplication key, stay until the reply goes).
    this.pruneOutbound = db.prepare(
      `DELETE FROM outbound WHERE created_at < ? AND status NOT IN ('queued', 'sending')`,
    );
    this.pruneInbound = db.prepare(
      `DELETE FROM inbound WHERE received_at < ? AND state NOT IN ('received', 'handling')
         AND NOT EXISTS (SELECT 1 FROM outbound WHERE outbound.inbound_id = inbound.id)`,
    );
  }

  /** Inbound and outbound rows, newest first (inbound by receivedAt, outbound by createdAt). */
  history(query: HistoryQuery = {}): HistoryEntry[] {
    const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isInteger(limit) || limit < 0) throw invalid(`history limit ${limit} is not a non-negative integer`);
    const since = query.since?.getTime() ?? 0;
    return this.ctx.read(() => {
      const entries: HistoryEntry[] = [];
      if (query.direction !== 'outbound') {
        for (const r of this.inbound.list(since, limit)) entries.push({ direction: 'inbound', at: r.receivedAt, ...r });
      }
      if (query.direction !== 'inbound') {
        for (const r of this.outbound.list(since, limit)) entries.push({ direction: 'outbound', at: r.createdAt, ...r });
      }
      entries.sort(newestFirst);
      return entries.slice(0, limit);
    });
  }

  stats(): StoreStats {
    return this.ctx.read(() => {
      const inbound = Object.fromEntries(INBOUND_STATES.map((s) => [s, 0])) as Record<InboundState, number>;
      const outbound = Object.fromEntries(OUTBOUND_STATUSES.map((s) => [s, 0])) as Record<OutboundStatus, number>;
      for (const { state, n } of this.countInbound.all()) inbound[state] = n;
      for (const { status, n } of this.countOutbound.all()) outbound[status] = n;
      const totals = new Map(this.selectTotals.all().map(({ name, value }) => [name, value]));
      return {
        inbound,
        outbound,
        uncertainRetries: totals.get('uncertain_retries') ?? 0,
        duplicates: totals.get('duplicates') ?? 0,
      };
    });
  }

  /** Deletes finished history older than `olderThanDays`; counters and lifetime totals are kept. */
  prune(olderThanDays: number = RETENTION_DAYS): PruneResult {
    if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw invalid(`cannot prune ${olderThanDays} days`);
    const cutoff = this.ctx.now() - olderThanDays * DAY_MS;
    return this.ctx.write(() => ({
      // Replies first: a command is kept while any reply still points at it.
      outbound: this.pruneOutbound.run(cutoff).changes,
      inbound: this.pruneInbound.run(cutoff).changes,
    }));
  }
}
