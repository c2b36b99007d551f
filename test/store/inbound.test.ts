import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeStore } from '../../src/store/index.js';
import { command, memoryStore, reply, SCTS } from './helpers.js';

let store: BridgeStore;
afterEach(() => store.close());

function open() {
  const opened = memoryStore();
  store = opened.store;
  return opened;
}

const storeError = (message: RegExp) => expect.objectContaining({ code: 'STORE_ERROR', message: expect.stringMatching(message) });

describe('recording inbound commands', () => {
  it('records a new command as received with its SCTS, source and receive time', () => {
    const { clock } = open();
    const result = store.recordInbound({ ...command('ping 1'), source: 'SM:3' });
    expect(result).toEqual({ id: 1, duplicate: false, state: 'received' });
    expect(store.getInbound(result.id)).toEqual({
      id: 1,
      sender: '000',
      sentAt: SCTS,
      text: 'ping 1',
      receivedAt: clock.now(),
      source: 'SM:3',
      state: 'received',
      updatedAt: clock.now(),
      reason: null,
      duplicates: 0,
    });
  });

  it('keeps a receivedAt given by the caller', () => {
    open();
    const receivedAt = new Date('2024-05-01T11:59:59.250Z');
    const { id } = store.recordInbound({ ...command('ping'), receivedAt });
    expect(store.getInbound(id)?.receivedAt).toEqual(receivedAt);
  });

  it('refuses an SCTS that is not a valid date', () => {
    open();
    expect(() => store.recordInbound(command('ping', new Date(Number.NaN)))).toThrow(storeError(/sentAt/));
  });
});

describe('de-duplication by (sender, SCTS second, text)', () => {
  it('collapses a network re-delivery onto the original record and reports its state', () => {
    open();
    const first = store.recordInbound({ ...command('reboot'), source: 'SM:1' });
    store.beginHandling(first.id);
    store.finishHandling(first.id, reply('OK rebooting'));
    const again = store.recordInbound({ ...command('reboot'), source: 'CMT' });
    expect(again).toEqual({ id: first.id, duplicate: true, state: 'handled' });
    expect(store.history({ direction: 'inbound' })).toHaveLength(1);
    expect(store.getInbound(first.id)?.duplicates).toBe(1);
    expect(store.stats().duplicates).toBe(1);
  });

  it('records the same text sent one second later as a second command', () => {
    open();
    const first = store.recordInbound(command('ping'));
    const second = store.recordInbound(command('ping', new Date(SCTS.getTime() + 1000)));
    expect(second.duplicate).toBe(false);
    expect(second.id).not.toBe(first.id);
    expect(store.pendingInbound().received).toHaveLength(2);
  });

  it('collapses two identical commands within the same SCTS second, by the documented rule', () => {
    open();
    // SCTS has whole-second resolution: 11:59:58.100 and 11:59:58.900 are the same stamp on the air,
    // so these cannot be told apart from a re-delivery and are recorded once.
    const first = store.recordInbound(command('ping', new Date(SCTS.getTime() + 100)));
    const second = store.recordInbound(command('ping', new Date(SCTS.getTime() + 900)));
    expect(second).toEqual({ id: first.id, duplicate: true, state: 'received' });
    expect(store.getInbound(first.id)?.sentAt).toEqual(SCTS);
  });

  it('treats a different text or a different sender in the same second as a different command', () => {
    open();
    const a = store.recordInbound(command('ping'));
    const b = store.recordInbound(command('Ping'));
    const c = store.recordInbound(command('ping', SCTS, '+447700900000'));
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect([a, b, c].every((r) => !r.duplicate)).toBe(true);
  });
});

describe('inbound transitions', () => {
  it('moves received → handling → handled and queues the reply linked to the command', () => {
    open();
    const { id } = store.recordInbound(command('ping 7'));
    expect(store.beginHandling(id)).toBe(true);
    expect(store.getInbound(id)?.state).toBe('handling');
    const { outboundId } = store.finishHandling(id, reply('pong 7'));
    expect(store.getInbound(id)?.state).toBe('handled');
    expect(outboundId).not.toBeNull();
    expect(store.getOutbound(outboundId ?? -1)).toMatchObject({
      inboundId: id,
      to: '000',
      text: 'pong 7',
      status: 'queued',
      attempts: 0,
    });
  });

  it('moves handled → replied when the linked reply is marked sent', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    store.beginHandling(id);
    const { outboundId } = store.finishHandling(id, reply('pong'));
    store.markSending(outboundId ?? -1);
    expect(store.getInbound(id)?.state).toBe('handled');
    store.markSent(outboundId ?? -1, { messageReference: 4 });
    expect(store.getInbound(id)?.state).toBe('replied');
  });

  it('ends in no-reply, with nothing queued, when the handler has nothing to say', () => {
    open();
    const { id } = store.recordInbound(command('{"enable":"True"}'));
    store.beginHandling(id);
    expect(store.finishHandling(id, null)).toEqual({ outboundId: null });
    expect(store.getInbound(id)?.state).toBe('no-reply');
    expect(store.pendingOutbound().queued).toEqual([]);
  });

  it('returns false from beginHandling once the command is past received', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    expect(store.beginHandling(id)).toBe(true);
    expect(store.beginHandling(id)).toBe(false);
    store.finishHandling(id, null);
    expect(store.beginHandling(id)).toBe(false);
    const refused = store.recordInbound(command('reboot'));
    store.refuse(refused.id, 'bad signature');
    expect(store.beginHandling(refused.id)).toBe(false);
  });

  it('refuses a received command with a reason and never lets it run', () => {
    open();
    const { id } = store.recordInbound(command('reboot', SCTS, '+447700900000'));
    expect(store.refuse(id, 'sender not allowed')).toEqual({ outboundId: null });
    expect(store.getInbound(id)).toMatchObject({ state: 'refused', reason: 'sender not allowed' });
    expect(store.pendingInbound()).toEqual({ received: [], handling: [] });
  });

  it('can queue an error reply with a refusal', () => {
    open();
    const { id } = store.recordInbound(command('reboot'));
    const { outboundId } = store.refuse(id, 'replayed counter', reply('ERR replayed counter'));
    expect(store.getOutbound(outboundId ?? -1)).toMatchObject({ inboundId: id, text: 'ERR replayed counter' });
  });

  it('interrupts a handling command with a reason and its error reply, and the reply does not make it replied', () => {
    open();
    const { id } = store.recordInbound(command('reboot'));
    store.beginHandling(id);
    const { outboundId } = store.interruptHandling(id, 'crashed mid-action', reply('ERR interrupted: reboot'));
    expect(store.getInbound(id)).toMatchObject({ state: 'interrupted', reason: 'crashed mid-action' });
    store.markSending(outboundId ?? -1);
    store.markSent(outboundId ?? -1, { messageReference: 1 });
    expect(store.getInbound(id)?.state).toBe('interrupted');
  });

  it.each([
    ['finishHandling on a received command', (s: BridgeStore, id: number) => s.finishHandling(id, null), 'received → handled'],
    ['interruptHandling on a received command', (s: BridgeStore, id: number) => s.interruptHandling(id, 'x'), 'received → interrupted'],
  ])('throws on %s', (_title, act, transition) => {
    open();
    const { id } = store.recordInbound(command('ping'));
    expect(() => act(store, id)).toThrow(storeError(new RegExp(`illegal transition ${transition}`)));
    expect(store.getInbound(id)?.state).toBe('received');
  });

  it('refuses a handling command (the signature is checked at dispatch) and queues no reply', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    store.beginHandling(id);
    expect(store.refuse(id, 'bad tag')).toEqual({ outboundId: null });
    expect(store.getInbound(id)).toMatchObject({ state: 'refused', reason: 'bad tag' });
    expect(store.pendingOutbound().queued).toEqual([]);
  });

  it('throws when a finished command is finished, interrupted or refused again', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    store.beginHandling(id);
    store.finishHandling(id, reply('pong'));
    expect(() => store.finishHandling(id, reply('pong'))).toThrow(storeError(/handled → handled/));
    expect(() => store.interruptHandling(id, 'x')).toThrow(storeError(/handled → interrupted/));
    expect(() => store.refuse(id, 'x')).toThrow(storeError(/handled → refused/));
    expect(store.history({ direction: 'outbound' })).toHaveLength(1);
  });

  it('throws for a command id that does not exist', () => {
    open();
    expect(() => store.beginHandling(42)).toThrow(storeError(/no inbound record #42/));
    expect(() => store.finishHandling(42, null)).toThrow(storeError(/no inbound record #42/));
  });
});

describe('handled and its queued reply are one transaction', () => {
  it('leaves the command handling and queues nothing when queuing the reply fails', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    store.beginHandling(id);
    // A reply the schema rejects (NOT NULL text) fails after `handled` was written in the same transaction.
    const broken = { text: null as unknown as string, to: '000' };
    expect(() => store.finishHandling(id, broken)).toThrow(storeError(/finishHandling failed: NOT NULL/));
    expect(store.getInbound(id)?.state).toBe('handling');
    expect(store.history({ direction: 'outbound' })).toEqual([]);
    store.finishHandling(id, reply('pong'));
    expect(store.pendingOutbound().queued.map((r) => r.text)).toEqual(['pong']);
  });

  it('allows one reply per command even when queued directly', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    store.beginHandling(id);
    store.finishHandling(id, reply('pong'));
    expect(() => store.enqueueOutbound({ ...reply('pong again'), inboundId: id })).toThrow(storeError(/UNIQUE/));
    expect(store.history({ direction: 'outbound' })).toHaveLength(1);
  });

  it('refuses a reply linked to a command that does not exist', () => {
    open();
    expect(() => store.enqueueOutbound({ ...reply('orphan'), inboundId: 99 })).toThrow(storeError(/FOREIGN KEY/));
  });
});

describe('pending inbound', () => {
  it('lists received and handling commands separately, oldest first', () => {
    open();
    const a = store.recordInbound(command('a', new Date(SCTS.getTime())));
    const b = store.recordInbound(command('b', new Date(SCTS.getTime() + 1000)));
    const c = store.recordInbound(command('c', new Date(SCTS.getTime() + 2000)));
    const d = store.recordInbound(command('d', new Date(SCTS.getTime() + 3000)));
    store.beginHandling(b.id);
    store.beginHandling(d.id);
    store.beginHandling(c.id);
    store.finishHandling(c.id, null);
    const pending = store.pendingInbound();
    expect(pending.received.map((r) => r.id)).toEqual([a.id]);
    expect(pending.handling.map((r) => r.id)).toEqual([b.id, d.id]);
  });
});
