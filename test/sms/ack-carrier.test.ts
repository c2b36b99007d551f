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

  const error = () => () => {
    throw new BridgeError('AT_ERROR', 'ERROR');
  };
  const line = 'AT+CNMA;+CMGW="000"';
  it.each([
    // what happened | the carried line's answer | the ack alone's answer | the line's outcome | the ack's | lines after the carried one | acks still carried
    ['the network stopped waiting: 340 is the ack\'s own, nothing after it ran', cms(340), undefined, 'resolved', 'rejected: +CMS ERROR: 340', ['AT+CMGW="000"'], true],
    ['memory full after the ack ran (alone: 340)', cms(322), cms(340), 'rejected: +CMS ERROR: 322', 'resolved', ['AT+CNMA'], false],
    ['the modem refuses the chain (alone: taken)', error(), undefined, 'resolved', 'resolved', ['AT+CNMA', 'AT+CMGW="000"'], false],
    ['the modem refuses AT+CNMA itself (alone: the same ERROR)', error(), error(), 'resolved', 'rejected: ERROR', ['AT+CNMA', 'AT+CMGW="000"'], false],
    ['an error the ack alone does not explain (alone: 500)', cms(322), cms(500), 'rejected: +CMS ERROR: 322', 'rejected: +CMS ERROR: 500', ['AT+CNMA'], false],
  ])('a carried line that fails: %s', async (_what, onLine, alone, lineOutcome, ackOutcome, after, carries) => {
    const { modem, lines } = fakeModem({ [line]: onLine, ...(alone ? { 'AT+CNMA': alone } : {}) });
    const acks = new AckCarrier({ modem });
    const ack = settled(acks.acknowledge());
    expect(await settled(acks.modem.send(at('AT+CMGW="000"')))).toBe(lineOutcome);
    expect(await ack).toBe(ackOutcome);
    expect(lines).toEqual([line, ...after]); // the line goes again (without the ack) only where it stopped at the ack
    expect(acks.carries).toBe(carries);
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
