import { EMPTY, NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { at, type AtCommand } from '../../src/at/command.js';
import { BridgeError } from '../../src/errors.js';
import { inMode, ModeKeeper } from '../../src/sms/mode-keeper.js';
import { deletesThen } from '../../src/sms/sms-commands.js';
import type { SmsModem } from '../../src/sms/sms-modem.js';

/** A modem that records each line and the session's switch notices, and fails the lines it is told to. */
function fakeModem(failing: RegExp = /$^/) {
  const lines: string[] = [];
  const notices: (string | undefined)[] = [];
  const modem: SmsModem = {
    send: <T>(command: AtCommand<T>) => {
      lines.push(command.text);
      return failing.test(command.text) ? Promise.reject(new BridgeError('AT_TIMEOUT', 'no answer')) : Promise.resolve(undefined as T);
    },
    urc$: EMPTY,
    ready$: NEVER,
    switchedMode: (mode) => notices.push(mode),
  };
  return { modem, lines, notices };
}

describe('ModeKeeper', () => {
  it('puts the switch on the line that needs the other mode, and the switch back on the next line', async () => {
    const { modem, lines, notices } = fakeModem();
    const keeper = new ModeKeeper(modem, 'pdu');
    await keeper.send(at('AT+CMGR=1'));
    await keeper.send(inMode(at('AT+CMGW="000"'), 'text'));
    await keeper.send(at('AT+CMSS=0'));
    await keeper.send(at('AT+CMGR=2'));
    expect(lines).toEqual(['AT+CMGR=1', 'AT+CMGF=1;+CMGW="000"', 'AT+CMGF=0;+CMSS=0', 'AT+CMGR=2']);
    // The session accepts either mode from the switch until the modem is back at rest.
    expect(notices).toEqual(['text', undefined]);
  });

  it('keeps the mode mark through deletes riding in front (AT+CMGD=3;+CMGF=1;+CMGW)', async () => {
    const { modem, lines } = fakeModem();
    const keeper = new ModeKeeper(modem, 'pdu');
    await keeper.send(deletesThen([3], inMode(at('AT+CMGW="000"'), 'text')));
    await keeper.send(inMode(at('AT+CMGS="000"'), 'text'));
    expect(lines).toEqual(['AT+CMGF=1;+CMGD=3;+CMGW="000"', 'AT+CMGS="000"']);
  });

  it('after a line that failed, does not know the mode and switches again on the next line', async () => {
    const { modem, lines, notices } = fakeModem(/CMGW/);
    const keeper = new ModeKeeper(modem, 'pdu');
    await expect(keeper.send(inMode(at('AT+CMGW="000"'), 'text'))).rejects.toThrow(/no answer/);
    await keeper.send(at('AT+CMGR=1'));
    await keeper.send(at('AT+CMGR=2'));
    expect(lines).toEqual(['AT+CMGF=1;+CMGW="000"', 'AT+CMGF=0;+CMGR=1', 'AT+CMGR=2']);
    expect(notices).toEqual(['text', undefined]);
  });

  it('takes the mode configuration left as certain once the modem is ready again', async () => {
    const { modem, lines } = fakeModem();
    const keeper = new ModeKeeper(modem, 'pdu');
    await keeper.send(inMode(at('AT+CMGW="000"'), 'text'));
    keeper.rest('pdu'); // a reset and a new configuration put it back in PDU mode
    await keeper.send(at('AT+CMGR=1'));
    expect(lines.at(-1)).toBe('AT+CMGR=1');
  });

  it('a modem resting in text mode gets PDU sends switched the same way', async () => {
    const { modem, lines } = fakeModem();
    const keeper = new ModeKeeper(modem, 'text');
    await keeper.send(inMode(at('AT+CMGS=19'), 'pdu'));
    await keeper.send(at('AT+CMGR=1'));
    expect(lines).toEqual(['AT+CMGF=0;+CMGS=19', 'AT+CMGF=1;+CMGR=1']);
  });
});
