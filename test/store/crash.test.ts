import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeStore, type HistoryEntry } from '../../src/store/index.js';
import { tempDbPath } from './helpers.js';

const register = fileURLToPath(new URL('./crash/register-ts.mjs', import.meta.url));
const child = fileURLToPath(new URL('./crash/crash-child.ts', import.meta.url));

/**
 * Runs the miniature bridge in a child process. With `killAfter`, sends SIGKILL once that many
 * `recorded` lines have been read: the child is then at an arbitrary point of its store writes.
 * Resolves with the number of `recorded` lines seen.
 */
function runChild(path: string, first: number, mode: { killAfter: number } | 'recover'): Promise<number> {
  const count = mode === 'recover' ? 'recover' : '1000000';
  const proc = spawn(process.execPath, ['--import', register, child, path, String(first), count], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let recorded = 0;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (!line.startsWith('recorded ')) return;
    recorded++;
    if (mode !== 'recover' && recorded === mode.killAfter) proc.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      const expected = mode === 'recover' ? code === 0 : signal === 'SIGKILL';
      if (expected) resolve(recorded);
      else reject(new Error(`child ended with code ${code} and signal ${signal}`));
    });
  });
}

let cleanup = (): void => {};
afterEach(() => cleanup());

describe('store under SIGKILL', () => {
  it(
    'answers every recorded command exactly once across kills at arbitrary points and restarts',
    async () => {
      const tmp = tempDbPath();
      cleanup = tmp.cleanup;
      let first = 0;
      const acknowledged: number[] = [];
      for (const killAfter of [40, 77, 123]) {
        const recorded = await runChild(tmp.path, first, { killAfter });
        expect(recorded).toBeGreaterThanOrEqual(killAfter);
        for (let n = first; n < first + recorded; n++) acknowledged.push(n);
        // The SMS after the last acknowledged one may have been recorded without us seeing it, and the
        // last acknowledged one may not have been deleted from the SIM: deliver it again.
        first += recorded - 1;
      }
      await runChild(tmp.path, first, 'recover');

      const store = BridgeStore.open(tmp.path);
      try {
        const entries = store.history({ limit: 1_000_000 });
        const inbound = entries.filter((e): e is Extract<HistoryEntry, { direction: 'inbound' }> => e.direction === 'inbound');
        const outbound = entries.filter((e): e is Extract<HistoryEntry, { direction: 'outbound' }> => e.direction === 'outbound');
        const texts = inbound.map((r) => r.text);
        // Nothing acknowledged was lost, and nothing was recorded twice.
        for (const n of acknowledged) expect(texts).toContain(`ping ${n}`);
        expect(new Set(texts).size).toBe(texts.length);
        // Every command was answered, once, with its own reply, handed to the network.
        expect(inbound.every((r) => r.state === 'replied')).toBe(true);
        expect(outbound).toHaveLength(inbound.length);
        const byCommand = new Map(outbound.map((o) => [o.inboundId, o]));
        for (const r of inbound) {
          expect(byCommand.get(r.id)).toMatchObject({ status: 'sent', text: r.text.replace('ping', 'pong') });
        }
        expect(store.pendingInbound()).toEqual({ received: [], handling: [] });
        expect(store.pendingOutbound()).toEqual({ queued: [], sending: [] });
        // The SMS delivered again after each of the two restarts that took new commands was recognised.
        expect(store.stats().duplicates).toBeGreaterThanOrEqual(2);
      } finally {
        store.close();
      }
    },
    90_000,
  );
});
