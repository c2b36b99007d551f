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

const at = (seconds: number) => new Date(SCTS.getTime() + seconds * 1000);

describe('history', () => {
  it('lists commands and replies newest first with their timestamps', () => {
    const { clock } = open();
    const a = store.recordInbound(command('ping 1', at(0)));
    store.beginHandling(a.id);
    clock.advance(10);
    const { outboundId } = store.finishHandling(a.id, reply('pong 1'));
    clock.advance(1000);
    const b = store.recordInbound(command('status', at(1)));
    const entries = store.history();
    expect(entries.map((e) => [e.direction, e.id, e.at.getTime() - entries[2]!.at.getTime()])).toEqual([
      ['inbound', b.id, 1010],
      ['outbound', outboundId, 10],
      ['inbound', a.id, 0],
    ]);
    expect(entries[1]).toMatchObject({ direction: 'outbound', text: 'pong 1', status: 'queued', inboundId: a.id });
    expect(entries[2]).toMatchObject({ direction: 'inbound', text: 'ping 1', state: 'handled' });
  });

  it('puts a reply above its command when both share a millisecond', () => {
    open();
    const { id } = store.recordInbound(command('ping'));
    store.beginHandling(id);
    store.finishHandling(id, reply('pong'));
    expect(store.history().map((e) => e.direction)).toEqual(['outbound', 'inbound']);
  });

  it('filters by direction, since and limit', () => {
    const { clock } = open();
    for (let i = 0; i < 5; i++) {
      store.recordInbound(command(`ping ${i}`, at(i)));
      store.enqueueOutbound(reply(`note ${i}`));
      clock.advance(60_000);
    }
    expect(store.history({ direction: 'outbound' }).map((e) => e.text)).toEqual(['note 4', 'note 3', 'note 2', 'note 1', 'note 0']);
    expect(store.history({ direction: 'inbound', limit: 2 }).map((e) => e.text)).toEqual(['ping 4', 'ping 3']);
    const since = new Date(clock.now().getTime() - 2 * 60_000);
    expect(store.history({ since }).map((e) => e.text)).toEqual(['note 4', 'ping 4', 'note 3', 'ping 3']);
    expect(store.history({ limit: 3 })).toHaveLength(3);
  });
});

describe('stats', () => {
  it('counts every state and status, including those with no rows', () => {
    open();
    const a = store.recordInbound(command('a', at(0)));
    store.recordInbound(command('b', at(1)));
    store.beginHandling(a.id);
    const { outboundId } = store.finishHandling(a.id, reply('A'));
    store.markSending(outboundId ?? -1);
    store.recordInbound(command('b', at(1)));
    expect(store.stats()).toEqual({
      inbound: { received: 1, handling: 0, handled: 1, replied: 0, 'no-reply': 0, refused: 0, interrupted: 0 },
      outbound: { queued: 0, sending: 1, sent: 0, delivered: 0, failed: 0 },
      uncertainRetries: 0,
      duplicates: 1,
    });
  });
});

describe('prune', () => {
  it('deletes finished rows older than 30 days and keeps newer ones', () => {
    const { clock } = open();
    const old = store.recordInbound(command('old', at(0)));
    store.beginHandling(old.id);
    const { outboundId } = store.finishHandling(old.id, reply('old reply'));
    store.markSending(outboundId ?? -1);
    store.markSent(outboundId ?? -1, { messageReference: 1 });
    store.markDelivered(1, clock.now());
    clock.advanceDays(20);
    const recent = store.recordInbound(command('recent', at(1)));
    store.refuse(recent.id, 'sender not allowed');
    clock.advanceDays(11);
    expect(store.prune()).toEqual({ inbound: 1, outbound: 1 });
    expect(store.getInbound(old.id)).toBeUndefined();
    expect(store.getOutbound(outboundId ?? -1)).toBeUndefined();
    expect(store.getInbound(recent.id)?.state).toBe('refused');
  });

  it('never deletes pending rows, nor a command whose reply is still pending', () => {
    const { clock } = open();
    const received = store.recordInbound(command('received', at(0)));
    const handling = store.recordInbound(command('handling', at(1)));
    store.beginHandling(handling.id);
    const handled = store.recordInbound(command('handled', at(2)));
    store.beginHandling(handled.id);
    const queued = store.finishHandling(handled.id, reply('queued reply')).outboundId ?? -1;
    const sending = store.enqueueOutbound(reply('sending')).id;
    store.markSending(sending);
    clock.advanceDays(90);
    expect(store.prune()).toEqual({ inbound: 0, outbound: 0 });
    expect(store.pendingInbound().received.map((r) => r.id)).toEqual([received.id]);
    expect(store.pendingInbound().handling.map((r) => r.id)).toEqual([handling.id]);
    expect(store.getInbound(handled.id)?.state).toBe('handled');
    expect(store.pendingOutbound().queued.map((r) => r.id)).toEqual([queued]);
    expect(store.pendingOutbound().sending.map((r) => r.id)).toEqual([sending]);
  });

  it('takes a custom age, and lets a re-delivery after pruning be recorded again', () => {
    const { clock } = open();
    const first = store.recordInbound(command('ping', at(0)));
    store.beginHandling(first.id);
    store.finishHandling(first.id, null);
    clock.advanceDays(2);
    expect(store.prune(1)).toEqual({ inbound: 1, outbound: 0 });
    // Documented limit: the de-duplication key lives as long as the row (the network retries for 24 h).
    expect(store.recordInbound(command('ping', at(0))).duplicate).toBe(false);
  });

  it('keeps lifetime totals and counters when history is pruned', () => {
    const { clock } = open();
    store.recordInbound(command('x', at(0)));
    store.recordInbound(command('x', at(0)));
    store.refuse(1, 'no');
    store.acceptCounter('000', 5);
    clock.advanceDays(31);
    store.prune();
    expect(store.stats().duplicates).toBe(1);
    expect(store.acceptCounter('000', 5)).toBe(false);
  });

  it('refuses a negative age', () => {
    open();
    expect(() => store.prune(-1)).toThrow(expect.objectContaining({ code: 'STORE_ERROR' }));
  });
});
