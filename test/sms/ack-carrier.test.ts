import { NEVER, Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { at, type AtCommand } from '../../src/at/command.js';
import { BridgeError } from '../../src/errors.js';
import { AckCarrier } from '../../src/sms/ack-carrier.js';
import type { SmsModem } from '../../src/sms/sms-modem.js';

/** A modem that records each line and answers from a table keyed by the line (default OK). */
function fakeModem(answers: Record<string, () => unknown> = {}) {
  const lines: string[] = [];
  const modem: SmsModem = {
    send: async <T>(command: AtCommand<T>) => {
      lines.push(command.text);
      const answer = answers[command.text];
      return (answer ? answer() : 'done') as T;
    },
    urc$: new Subject(),
    ready$: NEVER,
  };
  return { modem, lines };
}

const cms = (n: number) => () => {
  throw new BridgeError('CMS_ERROR', `+CMS ERROR: ${n}`, { number: n });
};
const settled = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => `rejected: ${e.message}`);

afterEach(() => vi.useRealTimers());

describe('AckCarrier: AT+CNMA rides at the front of the next SMS line (V.250 §5.4.1)', () => {
  it('puts a waiting ack in front of the next line and resolves it when that line succeeds', async () => {
    const { modem, lines } = fakeModem();
    const acks = new AckCarrier({ modem });
    const ack = acks.acknowledge();
    expect(lines).toEqual([]); // it waits for a line
    await expect(acks.modem.send(at('AT+CMGW="000"'))).resolves.toBe('done');
    expect(lines).toEqual(['AT+CNMA;+CMGW="000"']);
    expect(await settled(ack)).toBe('resolved');
    await acks.modem.send(at('AT+CMSS=3'));
    expect(lines.at(-1)).toBe('AT+CMSS=3'); // one ack, one ride
  });

  it('goes alone once the ride window passes with no line', async () => {
    vi.useFakeTimers();
    const { modem, lines } = fakeModem();
    const acks = new AckCarrier({ modem, rideMs: 250 });
    const ack = acks.acknowledge();
    await vi.advanceTimersByTimeAsync(249);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(lines).toEqual(['AT+CNMA']);
    expect(await settled(ack)).toBe('resolved');
  });

  it('sends a second ack alone at once while the first still waits', async () => {
    const { modem, lines } = fakeModem();
    const acks = new AckCarrier({ modem });
    const first = acks.acknowledge();
    await acks.acknowledge();
    expect(lines).toEqual(['AT+CNMA']);
    await acks.modem.send(at('AT+CMGS="000"'));
    expect(lines).toEqual(['AT+CNMA', 'AT+CNMA;+CMGS="000"']);
    expect(await settled(first)).toBe('resolved');
  });

  it.each([
    // [the carried line's answer, what the ack alone answers, the ack's outcome]
    ['+CMS ERROR: 322 (memory full: the ack may have run)', cms(322), undefined, 'resolved'],
    ['ERROR (this modem refuses the chain)', () => { throw new BridgeError('AT_ERROR', 'ERROR'); }, undefined, 'resolved'],
    ['+CMS ERROR: 322, and the ack alone says 340 (it had run)', cms(322), cms(340), 'rejected: +CMS ERROR: 340'],
  ])('a carried line that fails with %s: the error goes to its caller, the ack is sent alone, and acks go alone from then on', async (_what, line, alone, outcome) => {
    const { modem, lines } = fakeModem({ 'AT+CNMA;+CMGW="000"': line, ...(alone ? { 'AT+CNMA': alone } : {}) });
    const acks = new AckCarrier({ modem });
    const ack = settled(acks.acknowledge());
    await expect(acks.modem.send(at('AT+CMGW="000"'))).rejects.toThrow();
    expect(await ack).toBe(outcome);
    expect(lines).toEqual(['AT+CNMA;+CMGW="000"', 'AT+CNMA']); // the line itself is not retried here
    expect(acks.carries).toBe(false);
    const next = acks.acknowledge();
    expect(lines.at(-1)).toBe('AT+CNMA'); // alone at once
    await next.catch(() => undefined);
    expect(lines).toHaveLength(3);
  });

  it('a carried line with no answer (timeout, port gone) fails the ack too: unacknowledged, the network delivers again', async () => {
    const { modem, lines } = fakeModem({ 'AT+CNMA;+CMSS=4': () => { throw new BridgeError('AT_TIMEOUT', 'no answer to AT+CNMA;+CMSS=4'); } });
    const acks = new AckCarrier({ modem });
    const ack = settled(acks.acknowledge());
    await expect(acks.modem.send(at('AT+CMSS=4'))).rejects.toThrow('no answer');
    expect(await ack).toBe('rejected: no answer to AT+CNMA;+CMSS=4');
    expect(lines).toEqual(['AT+CNMA;+CMSS=4']); // nothing sent after a line nobody answered
    expect(acks.carries).toBe(true);
  });

  it('flush sends a waiting ack alone (the service stops)', async () => {
    const { modem, lines } = fakeModem();
    const acks = new AckCarrier({ modem });
    const ack = acks.acknowledge();
    acks.flush();
    expect(await settled(ack)).toBe('resolved');
    expect(lines).toEqual(['AT+CNMA']);
    acks.flush(); // nothing waits: nothing sent
    expect(lines).toEqual(['AT+CNMA']);
  });

  it('lines pass untouched when no ack waits', async () => {
    const { modem, lines } = fakeModem();
    const acks = new AckCarrier({ modem });
    await acks.modem.send(at('AT+CMGD=1;+CMGW="000"'));
    expect(lines).toEqual(['AT+CMGD=1;+CMGW="000"']);
  });
});
