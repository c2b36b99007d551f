import type { Logger } from '../log.js';
import type { BridgeStore } from '../store/bridge-store.js';

/** How often the store's history is pruned while the bridge runs. */
export const PRUNE_EVERY_MS = 6 * 3600_000;

/**
 * Prunes the store's history now and every `everyMs` after (docs/store.md, retention). A failing
 * prune (a locked or full disk) is logged and the next one is tried on time: it runs from a timer,
 * where a throw would be an uncaught exception that ends the process. The timer does not keep the
 * process alive. Returns the function that stops it.
 */
export function schedulePrune(
  store: Pick<BridgeStore, 'prune'>,
  retentionDays: number,
  log: Logger,
  everyMs = PRUNE_EVERY_MS,
): () => void {
  const prune = () => {
    try {
      const removed = store.prune(retentionDays);
      if (removed.inbound + removed.outbound > 0) log.debug({ ...removed, retentionDays }, 'pruned history');
    } catch (error) {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'pruning the store failed; trying again at the next interval');
    }
  };
  const timer = setInterval(prune, everyMs);
  timer.unref();
  prune();
  return () => clearInterval(timer);
}
