import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeStore } from '../../src/store/index.js';

/** A clock the test moves by hand; starts at 2024-05-01T12:00:00Z. */
export class TestClock {
  private ms = Date.UTC(2024, 4, 1, 12, 0, 0);
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
  advanceDays(days: number): void {
    this.ms += days * 24 * 60 * 60 * 1000;
  }
}

export const SCTS = new Date('2024-05-01T11:59:58Z');

export function memoryStore(clock = new TestClock()): { store: BridgeStore; clock: TestClock } {
  return { store: BridgeStore.open(':memory:', { clock: clock.now }), clock };
}

/** A real database file in a fresh temp directory, for reopen and durability tests. */
export function tempDbPath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-store-'));
  return { path: join(dir, 'bridge.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const command = (text: string, sentAt: Date = SCTS, sender = '000') => ({ sender, sentAt, text });
export const reply = (text: string) => ({ text, to: '000' });
