import { afterEach, describe, expect, it } from 'vitest';
import { BridgeStore } from '../../src/store/index.js';
import { command, reply, SCTS, TestClock, tempDbPath } from './helpers.js';

/**
 * Crash and restart at each state: the work is done on one connection to a real file, the store is
 * reopened, and the restarted bridge must find exactly what it needs to finish the job.
 * `abandon` leaves the first connection open and unclosed, as a killed process would.
 */
let cleanup = (): void => {};
const opened: BridgeStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  cleanup();
});

function fileStore(): { open: () => BridgeStore; clock: TestClock } {
  const tmp = tempDbPath();
  cleanup = tmp.cleanup;
  const clock = new TestClock();
  return {
    clock,
    open: () => {
      const store = BridgeStore.open(tmp.path, { clock: clock.now });
      opened.push(store);
      return store;
    },
  };
}

describe('restart after a crash', () => {
  it('finds a recorded command still received, and a re-delivery of it is a duplicate', () => {
    const { open } = fileStore();
    const before = open();
    const { id } = before.recordInbound({ ...command('ping 1'), source: 'SM:0' });
    // Crash: before is abandoned, not closed. The SMS was already deleted from the SIM.
    const after = open();
    expect(after.pendingInbound().received.map((r) => [r.id, r.text])).toEqual([[id, 'ping 1']]);
    expect(after.recordInbound(command('ping 1'))).toEqual({ id, duplicate: true, state: 'received' });
  });

  it('reports a command that crashed mid-action as handling, for the dispatcher policy', () => {
    const { open } = fileStore();
    const before = open();
    const { id } = before.recordInbound(command('reboot'));
    before.beginHandling(id);
    const after = open();
    const pending = after.pendingInbound();
    expect(pending.received).toEqual([]);
    expect(pending.handling.map((r) => r.id)).toEqual([id]);
    // Policy for a non-idempotent handler: interrupt with an error reply.
    after.interruptHandling(id, 'restart while handling', reply('ERR interrupted: reboot'));
    expect(after.pendingOutbound().queued.map((r) => r.text)).toEqual(['ERR interrupted: reboot']);
    expect(after.pendingInbound().handling).toEqual([]);
  });

  it('lets an idempotent handler be re-run and finished after the restart', () => {
    const { open } = fileStore();
    const before = open();
    const { id } = before.recordInbound(command('ping 2'));
    before.beginHandling(id);
    const after = open();
    expect(after.beginHandling(id)).toBe(false);
    after.finishHandling(id, reply('pong 2'));
    expect(after.getInbound(id)?.state).toBe('handled');
  });

  it('finds the queued reply of a handled command, and never runs the command again', () => {
    const { open } = fileStore();
    const before = open();
    const { id } = before.recordInbound(command('ping 3'));
    before.beginHandling(id);
    before.finishHandling(id, reply('pong 3'));
    const after = open();
    expect(after.pendingInbound()).toEqual({ received: [], handling: [] });
    expect(after.pendingOutbound().queued.map((r) => [r.inboundId, r.text])).toEqual([[id, 'pong 3']]);
    expect(after.recordInbound(command('ping 3')).duplicate).toBe(true);
  });

  it('reports a reply that was sending as uncertain, and counts its retry', () => {
    const { open } = fileStore();
    const before = open();
    const { id } = before.recordInbound(command('ping 4'));
    before.beginHandling(id);
    const { outboundId } = before.finishHandling(id, reply('pong 4'));
    before.markSending(outboundId ?? -1);
    const after = open();
    const pending = after.pendingOutbound();
    expect(pending.queued).toEqual([]);
    expect(pending.sending.map((r) => [r.id, r.attempts])).toEqual([[outboundId, 1]]);
    after.markSending(outboundId ?? -1);
    after.markSent(outboundId ?? -1, { messageReference: 12 });
    expect(after.getInbound(id)?.state).toBe('replied');
    expect(after.stats().uncertainRetries).toBe(1);
  });

  it('keeps the storage index of a stored-then-sent reply so the restart can check STO SENT', () => {
    const { open } = fileStore();
    const before = open();
    const { id } = before.enqueueOutbound(reply('pong 5'));
    before.markSending(id);
    before.markStored(id, 3);
    const after = open();
    expect(after.pendingOutbound().sending.map((r) => [r.id, r.storedIndex])).toEqual([[id, 3]]);
  });

  it('has nothing pending once a reply was sent, and still matches its delivery report', () => {
    const { open, clock } = fileStore();
    const before = open();
    const { id } = before.recordInbound(command('ping 6'));
    before.beginHandling(id);
    const { outboundId } = before.finishHandling(id, reply('pong 6'));
    before.markSending(outboundId ?? -1);
    before.markSent(outboundId ?? -1, { messageReference: 200 });
    const after = open();
    expect(after.pendingInbound()).toEqual({ received: [], handling: [] });
    expect(after.pendingOutbound()).toEqual({ queued: [], sending: [] });
    expect(after.markDelivered(200, clock.now())?.id).toBe(outboundId);
  });

  it('makes every acknowledged record visible to a second connection while the first stays open', () => {
    const { open } = fileStore();
    const writer = open();
    const ids = Array.from({ length: 20 }, (_, i) => writer.recordInbound(command(`ping ${i}`, new Date(SCTS.getTime() + i * 1000))).id);
    const reader = open();
    expect(reader.pendingInbound().received.map((r) => r.id)).toEqual(ids);
  });

  it('keeps accepted counters across a restart', () => {
    const { open } = fileStore();
    open().acceptCounter('000', 41);
    const after = open();
    expect(after.acceptCounter('000', 41)).toBe(false);
    expect(after.acceptCounter('000', 42)).toBe(true);
  });
});
