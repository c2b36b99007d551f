import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeStore } from '../../src/store/index.js';
import { memoryStore, reply } from './helpers.js';

let store: BridgeStore;
afterEach(() => store.close());

function open() {
  const opened = memoryStore();
  store = opened.store;
  return opened;
}

const storeError = (message: RegExp) => expect.objectContaining({ code: 'STORE_ERROR', message: expect.stringMatching(message) });

/** Queues, journals and sends one message with the given TP-MR; returns its id. */
function sendOne(text: string, messageReference: number): number {
  const { id } = store.enqueueOutbound(reply(text));
  store.markSending(id);
  store.markSent(id, { messageReference });
  return id;
}

describe('outbound queue', () => {
  it('queues a message not tied to a command', () => {
    const { clock } = open();
    const record = store.enqueueOutbound({ to: '000', text: 'hello from smsbridge send' });
    expect(record).toEqual({
      id: 1,
      inboundId: null,
      to: '000',
      text: 'hello from smsbridge send',
      status: 'queued',
      createdAt: clock.now(),
      updatedAt: clock.now(),
      attempts: 0,
      uncertainRetries: 0,
      messageReference: null,
      storedIndex: null,
      sentAt: null,
      completedAt: null,
      errorCode: null,
      errorMessage: null,
    });
  });

  it('journals an attempt in sending, then records the TP-MR and send time in sent', () => {
    const { clock } = open();
    const { id } = store.enqueueOutbound(reply('pong'));
    expect(store.markSending(id)).toMatchObject({ status: 'sending', attempts: 1, uncertainRetries: 0 });
    clock.advance(1500);
    expect(store.markSent(id, { messageReference: 17 })).toMatchObject({
      status: 'sent',
      messageReference: 17,
      sentAt: clock.now(),
    });
  });

  it('records the SIM storage index of the AT+CMGW / AT+CMSS strategy while sending', () => {
    open();
    const { id } = store.enqueueOutbound(reply('pong'));
    store.markSending(id);
    expect(store.markStored(id, 5)).toMatchObject({ status: 'sending', storedIndex: 5 });
    expect(store.pendingOutbound().sending[0]?.storedIndex).toBe(5);
    expect(store.markSent(id, { messageReference: 3 })).toMatchObject({ status: 'sent', storedIndex: 5 });
  });

  it('names the reply stored last in a slot as its occupant, not the one with the highest id', () => {
    // Found by the soak: reply 81, retried after reply 88 had used and freed slot 6, took slot 6
    // later; asked by id, the journal named 88, so the sweep never freed 81's sent copy.
    const { clock } = open();
    const older = store.enqueueOutbound(reply('done 81')).id;
    const newer = store.enqueueOutbound(reply('pong 88')).id;
    store.markSending(newer);
    store.markStored(newer, 6);
    store.markSent(newer, { messageReference: 87 });
    clock.advance(1000);
    store.markSending(older);
    store.markStored(older, 6);
    expect(store.newestOutboundByStoredIndex(6)).toMatchObject({ id: older, text: 'done 81', status: 'sending' });
    clock.advance(1000);
    store.markSent(older, { messageReference: 96, storedIndex: 6 }); // the same slot again: still the occupant
    expect(store.newestOutboundByStoredIndex(6)?.id).toBe(older);
    clock.advance(1000);
    const third = store.enqueueOutbound(reply('pong 99')).id;
    store.markSending(third);
    store.markSent(third, { messageReference: 1, storedIndex: 6 }); // slot learnt at send time (recovery)
    expect(store.newestOutboundByStoredIndex(6)?.id).toBe(third);
  });

  it('accepts a storage index given with markSent and a send whose TP-MR is unknown', () => {
    open();
    const { id } = store.enqueueOutbound(reply('pong'));
    store.markSending(id);
    // A restart found the stored message marked STO SENT: it went out, its TP-MR is lost.
    expect(store.markSent(id, { storedIndex: 2 })).toMatchObject({ status: 'sent', storedIndex: 2, messageReference: null });
  });

  it('refuses to store a message that is not sending', () => {
    open();
    const { id } = store.enqueueOutbound(reply('pong'));
    expect(() => store.markStored(id, 1)).toThrow(storeError(/cannot store a queued message/));
  });

  it('puts a message the modem refused back in the queue with the error', () => {
    open();
    const { id } = store.enqueueOutbound(reply('pong'));
    store.markSending(id);
    expect(store.markNotSent(id, { code: 331, message: 'no network service' })).toMatchObject({
      status: 'queued',
      errorCode: 331,
      errorMessage: 'no network service',
    });
    // A retry after a definite refusal is not an uncertain one.
    expect(store.markSending(id)).toMatchObject({ attempts: 2, uncertainRetries: 0 });
    expect(store.markSent(id, { messageReference: 0 })).toMatchObject({ errorCode: null, errorMessage: null });
  });

  it('fails a message from queued or sending with a code and message', () => {
    open();
    const a = store.enqueueOutbound(reply('never tried'));
    expect(store.markFailed(a.id, { message: 'unencodable' })).toMatchObject({
      status: 'failed',
      errorCode: null,
      errorMessage: 'unencodable',
    });
    const b = store.enqueueOutbound(reply('tried'));
    store.markSending(b.id);
    expect(store.markFailed(b.id, { code: 500, message: 'gave up' })).toMatchObject({ status: 'failed', errorCode: 500 });
  });

  it.each([
    ['markSent on a queued message', (s: BridgeStore, id: number) => s.markSent(id, { messageReference: 1 }), 'queued → sent'],
    ['markNotSent on a queued message', (s: BridgeStore, id: number) => s.markNotSent(id, { message: 'x' }), 'queued → queued'],
  ])('throws on %s', (_title, act, transition) => {
    open();
    const { id } = store.enqueueOutbound(reply('pong'));
    expect(() => act(store, id)).toThrow(storeError(new RegExp(`illegal transition ${transition}`)));
    expect(store.getOutbound(id)?.status).toBe('queued');
  });

  it('throws when a sent message is sent, journalled or failed by the caller again', () => {
    open();
    const id = sendOne('pong', 9);
    expect(() => store.markSending(id)).toThrow(storeError(/sent → sending/));
    expect(() => store.markSent(id, { messageReference: 9 })).toThrow(storeError(/sent → sent/));
    expect(() => store.markNotSent(id, { message: 'x' })).toThrow(storeError(/sent → queued/));
    store.markDelivered(9, new Date());
    expect(() => store.markFailed(id, { message: 'x' })).toThrow(storeError(/delivered → failed/));
  });

  it('throws for an unknown id and for a TP-MR outside 0–255', () => {
    open();
    expect(() => store.markSending(5)).toThrow(storeError(/no outbound record #5/));
    const { id } = store.enqueueOutbound(reply('pong'));
    store.markSending(id);
    expect(() => store.markSent(id, { messageReference: 256 })).toThrow(storeError(/not 0–255/));
    expect(() => store.markDelivered(-1, new Date())).toThrow(storeError(/not 0–255/));
    expect(store.getOutbound(id)?.status).toBe('sending');
  });
});

describe('uncertain sends', () => {
  it('counts a second markSending on a sending row as an uncertain retry, on the row and globally', () => {
    open();
    const { id } = store.enqueueOutbound(reply('pong'));
    store.markSending(id);
    expect(store.markSending(id)).toMatchObject({ status: 'sending', attempts: 2, uncertainRetries: 1 });
    store.markSending(id);
    expect(store.getOutbound(id)?.uncertainRetries).toBe(2);
    expect(store.stats().uncertainRetries).toBe(2);
  });

  it('lists queued and sending rows separately, oldest first', () => {
    open();
    const a = store.enqueueOutbound(reply('a'));
    const b = store.enqueueOutbound(reply('b'));
    const c = store.enqueueOutbound(reply('c'));
    const d = store.enqueueOutbound(reply('d'));
    store.markSending(c.id);
    store.markSending(a.id);
    sendOne('e', 1);
    const pending = store.pendingOutbound();
    expect(pending.queued.map((r) => r.id)).toEqual([b.id, d.id]);
    expect(pending.sending.map((r) => r.id)).toEqual([a.id, c.id]);
  });
});

describe('status reports by TP-MR', () => {
  it('marks the sent row delivered with the discharge time', () => {
    open();
    const id = sendOne('pong', 42);
    const at = new Date('2024-05-01T12:00:03Z');
    expect(store.markDelivered(42, at)).toMatchObject({ id, status: 'delivered', completedAt: at });
  });

  it('marks the sent row failed on a failed delivery report', () => {
    open();
    const id = sendOne('pong', 42);
    const at = new Date('2024-05-01T12:00:03Z');
    expect(store.markDeliveryFailed(42, { at, code: 0x41, message: 'incompatible destination' })).toMatchObject({
      id,
      status: 'failed',
      completedAt: at,
      errorCode: 0x41,
      errorMessage: 'incompatible destination',
    });
  });

  it('matches the newest row after the TP-MR wraps around', () => {
    const { clock } = open();
    const old = sendOne('old', 7); // its report never came: stays sent
    for (let mr = 8; mr < 256 + 7; mr++) {
      clock.advance(1000);
      sendOne(`n${mr}`, mr % 256);
    }
    clock.advance(1000);
    const newest = sendOne('new', 7);
    expect(store.markDelivered(7, clock.now())).toMatchObject({ id: newest, status: 'delivered' });
    expect(store.getOutbound(old)?.status).toBe('sent');
  });

  it('ignores a repeated report instead of completing an older row with the same TP-MR', () => {
    const { clock } = open();
    const old = sendOne('old', 7);
    clock.advance(1000);
    sendOne('new', 7);
    expect(store.markDelivered(7, clock.now())).not.toBeNull();
    expect(store.markDelivered(7, clock.now())).toBeNull();
    expect(store.markDeliveryFailed(7, { at: clock.now() })).toBeNull();
    expect(store.getOutbound(old)?.status).toBe('sent');
  });

  it('returns null for a TP-MR no row carries', () => {
    open();
    sendOne('pong', 1);
    expect(store.markDelivered(2, new Date())).toBeNull();
  });
});
