import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/errors.js';
import { DurableSender, type ReplyEvent } from '../../src/sms/durable-sender.js';
import type { StatusReportRecord } from '../../src/sms/types.js';
import { BridgeStore } from '../../src/store/bridge-store.js';
import type { OutboundRecord } from '../../src/store/types.js';
import { FakeSms } from '../helpers/fake-sms.js';

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

const senders: DurableSender<OutboundRecord>[] = [];
afterEach(() => senders.splice(0).forEach((s) => s.stop()));

function setup(options: { via?: 'storage' | 'cmgs'; journal?: BridgeStore; sms?: FakeSms } = {}) {
  const sms = options.sms ?? new FakeSms();
  const journal = options.journal ?? BridgeStore.open(':memory:');
  const clock = { now: 0 };
  const sender = new DurableSender<OutboundRecord>({ modem: sms, journal, now: () => clock.now, ...(options.via ? { via: options.via } : {}) });
  const events: ReplyEvent<OutboundRecord>[] = [];
  sender.events$.subscribe((e) => events.push(e));
  senders.push(sender);
  const queue = (text: string) => journal.enqueueOutbound({ to: '000', text });
  return { sms, journal, sender, clock, events, queue };
}

describe('DurableSender: the journal protocol of one reply', () => {
  it('journals sending, then the slot, then sent with the reference, and frees the slot', async () => {
    const { sms, journal, sender, queue } = setup();
    const row = queue('pong');
    const seenAtCmss: (OutboundRecord | undefined)[] = [];
    const sendStored = sms.sendStored.bind(sms);
    sms.sendStored = (index) => (seenAtCmss.push(journal.getOutbound(row.id)), sendStored(index));
    expect(await sender.attempt(row)).toEqual({ kind: 'sent', messageReference: 0, storedIndex: 0 });
    expect(seenAtCmss[0]).toMatchObject({ status: 'sending', storedIndex: 0 });
    expect(journal.getOutbound(row.id)).toMatchObject({ status: 'sent', messageReference: 0, storedIndex: 0 });
    await settle();
    expect(sms.deletes).toEqual([0]);
    expect(sms.slots.size).toBe(0);
  });

  it('after an unknown AT+CMSS, reads the slot instead of writing again: STO SENT is recorded, STO UNSENT is sent from storage', async () => {
    for (const modemSentIt of [true, false]) {
      const { sms, journal, sender, clock, queue } = setup();
      const row = queue('pong');
      sms.failSendStored = [new BridgeError('MODEM_RESET', 'the modem restarted')];
      expect((await sender.attempt(row)).kind).toBe('unknown');
      expect(journal.getOutbound(row.id)).toMatchObject({ status: 'sending', storedIndex: 0 });
      if (modemSentIt) sms.slots.get(0)!.sent = true;
      clock.now += 1000;
      await sender.drain();
      expect(journal.getOutbound(row.id)).toMatchObject({ status: 'sent', storedIndex: 0 });
      expect(sms.sent).toHaveLength(modemSentIt ? 0 : 1); // the fake records only what it sent itself
      expect([...sms.slots.keys()].filter((i) => i !== 0)).toEqual([]); // never a second copy
    }
  });

  it('with AT+CMGS: no answer after the body is unknown and sent again (counted); no prompt is simply not sent', async () => {
    const { sms, journal, sender, clock, queue } = setup({ via: 'cmgs' });
    const first = queue('one');
    sms.failNext = [new BridgeError('AT_TIMEOUT', 'no final result', { bodyWritten: true })];
    expect((await sender.attempt(first)).kind).toBe('unknown');
    expect(journal.getOutbound(first.id)?.status).toBe('sending');
    const second = queue('two');
    sms.failNext = [new BridgeError('AT_TIMEOUT', 'no > prompt', { bodyWritten: false })];
    expect((await sender.attempt(second)).kind).toBe('not-sent');
    expect(journal.getOutbound(second.id)?.status).toBe('queued');
    clock.now += 1000;
    await sender.drain();
    expect(sms.sent.map((s) => s.text)).toEqual(['one', 'two']);
    expect(journal.stats().uncertainRetries).toBe(1);
  });

  it('a transient refusal after AT+CMGW frees the copy and queues the reply again', async () => {
    const { sms, journal, sender, queue } = setup();
    const row = queue('pong');
    sms.failSendStored = [new BridgeError('CMS_ERROR', 'network busy', { number: 42 })];
    expect(await sender.attempt(row)).toMatchObject({ kind: 'refused', final: false, code: 42 });
    expect(journal.getOutbound(row.id)).toMatchObject({ status: 'queued', errorCode: 42 });
    await settle();
    expect(sms.deletes).toEqual([0]);
  });

  it('a final refusal fails the reply and lets the next one go in the same pass; a transient one stops the pass', async () => {
    const { sms, journal, sender, events, queue } = setup();
    const doomed = queue('doomed');
    const next = queue('next');
    sms.failNext = [new BridgeError('CMS_ERROR', 'rejected', { number: 350 })];
    await sender.drain();
    expect(journal.getOutbound(doomed.id)).toMatchObject({ status: 'failed', errorCode: 350 });
    expect(journal.getOutbound(next.id)?.status).toBe('sent');
    expect(events.map((e) => `${e.reply.text}:${e.status}`)).toEqual(['doomed:failed', 'next:sent']);
    const busy = queue('busy');
    const after = queue('after');
    sms.failNext = [new BridgeError('CMS_ERROR', 'busy', { number: 515 })];
    await sender.drain();
    expect(journal.getOutbound(busy.id)?.status).toBe('queued');
    expect(journal.getOutbound(after.id)?.status).toBe('queued'); // waits behind the modem's trouble
  });

  it('refuses a reply that cannot be one SMS for good, before anything reaches the modem', async () => {
    const { sms, journal, sender, queue } = setup();
    const row = queue('x'.repeat(161));
    expect(await sender.attempt(row)).toMatchObject({ kind: 'refused', final: true });
    expect(journal.getOutbound(row.id)?.status).toBe('failed');
    expect(sms.slots.size + sms.sent.length).toBe(0);
  });

  it('tries a reply held back by a fault at once when the modem is ready again, whatever its delay', async () => {
    const { sms, journal, sender, clock, queue } = setup();
    sender.start();
    const row = queue('pong');
    sms.failNext = Array.from({ length: 5 }, () => new BridgeError('PORT_CLOSED', 'the port closed'));
    for (let i = 0; i < 5; i++) {
      clock.now += 60_000;
      await sender.drain();
    }
    expect(journal.getOutbound(row.id)?.status).toBe('queued');
    await sender.drain(); // its next try is seconds away
    expect(sms.sent).toEqual([]);
    sms.ready.next();
    await settle();
    expect(journal.getOutbound(row.id)?.status).toBe('sent');
  });

  it('retries a reply that did not go after 1 s, 2 s, 4 s… and not before', async () => {
    const { sms, journal, sender, clock, queue } = setup();
    const row = queue('pong');
    sms.failNext = Array.from({ length: 3 }, () => new BridgeError('CMS_ERROR', 'busy', { number: 515 }));
    const attemptsAt: number[] = [];
    const write = sms.write.bind(sms);
    sms.write = (m) => (attemptsAt.push(clock.now), write(m));
    for (let t = 0; t <= 8000; t += 250) {
      clock.now = t;
      await sender.drain();
    }
    expect(attemptsAt).toEqual([0, 1000, 3000, 7000]);
    expect(journal.getOutbound(row.id)?.status).toBe('sent');
  });
});

describe('DurableSender: status reports and stored copies', () => {
  it('settles replies a crash left `sending` from the start-up listing (one AT+CMGL), reading no slot: STO SENT recorded, STO UNSENT sent from its slot, missing written again', async () => {
    const { sms, journal, sender } = setup();
    const crashed = (text: string, index: number) => {
      const row = journal.enqueueOutbound({ to: '000', text });
      journal.markSending(row.id);
      journal.markStored(row.id, index);
      return row;
    };
    const went = crashed('went out', 3);
    const stuck = crashed('stuck', 4);
    const lost = crashed('lost', 5); // the crash came before the copy was written
    sms.slots.set(3, { text: 'went out', to: '000', sent: true });
    sms.slots.set(4, { text: 'stuck', to: '000', sent: false });
    const reads: number[] = [];
    const slotState = sms.slotState.bind(sms);
    sms.slotState = (i) => (reads.push(i), slotState(i));
    await new Promise((r) => setTimeout(r, 5)); // the listing comes after the journal's last step
    sender.start();
    await sender.drain();
    expect(journal.getOutbound(went.id)?.status).toBe('sending'); // waits for the listing
    sms.list();
    await settle();
    await sender.drain();
    expect(journal.getOutbound(went.id)).toMatchObject({ status: 'sent', storedIndex: 3 });
    expect(journal.getOutbound(stuck.id)).toMatchObject({ status: 'sent', storedIndex: 4 });
    expect(journal.getOutbound(lost.id)?.status).toBe('sent');
    expect(reads).toEqual([]);
    expect(sms.sent.map((s) => s.text)).toEqual(['stuck', 'lost']); // from its slot once; written and sent once
    await settle();
    expect(sms.slots.size).toBe(0);
  });

  const report = (mr: number, st: number): StatusReportRecord => ({
    kind: 'status-report',
    messageReference: mr,
    recipient: '000',
    scts: new Date('2026-12-06T10:00:00Z'),
    dischargeTime: new Date('2026-12-06T10:00:05Z'),
    timestamp: new Date('2026-12-06T10:00:00Z'),
    st,
    delivered: st === 0,
    failed: st >= 0x40,
    pending: st >= 0x20 && st < 0x40,
    timezoneKnown: true,
    raw: {},
  });

  it('marks a sent reply delivered or failed by its message reference; a pending report changes nothing', async () => {
    const { sms, journal, sender, queue } = setup();
    sender.start();
    const a = queue('a');
    const b = queue('b');
    await sender.drain();
    sms.statusReports.next(report(0, 0x20));
    expect(journal.getOutbound(a.id)?.status).toBe('sent');
    sms.statusReports.next(report(0, 0));
    sms.statusReports.next(report(1, 0x41));
    expect(journal.getOutbound(a.id)).toMatchObject({ status: 'delivered', completedAt: new Date('2026-12-06T10:00:05Z') });
    expect(journal.getOutbound(b.id)).toMatchObject({ status: 'failed', errorCode: 0x41 });
  });
});
