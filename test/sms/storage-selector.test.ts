import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AtCommand, AtResponse } from '../../src/at/command.js';
import { BridgeError } from '../../src/errors.js';
import { cmgd } from '../../src/sms/sms-commands.js';
import type { SmsModem } from '../../src/sms/sms-modem.js';
import { StorageSelector } from '../../src/sms/storage-selector.js';

const idle: SmsModem = { urc$: EMPTY, ready$: EMPTY, send: () => Promise.reject(new Error('the selector must send through the caller')) };

describe('StorageSelector.sendSelecting: a command with its own select on its line', () => {
  it.each([
    { what: 'answered OK', before: 'SM' as string | undefined, fails: false, after: 'SR' as string | undefined },
    { what: 'answered OK, mem1 unknown before', before: undefined, fails: false, after: 'SR' },
    { what: 'refused (the select may have run)', before: 'SM', fails: true, after: undefined },
    { what: 'refused, mem1 believed there already', before: 'SR', fails: true, after: undefined },
  ])('$what: mem1 is $after after it', async ({ before, fails, after }) => {
    const storage = new StorageSelector(idle);
    storage.reset('SM');
    storage.selected = before;
    const sent: string[] = [];
    const send = async (command: AtCommand<AtResponse>): Promise<AtResponse> => {
      sent.push(command.text);
      if (fails) throw new BridgeError('CMS_ERROR', 'SIM busy', { number: 314 });
      return command.parse ? command.parse({ lines: ['+CPMS: 1,50,0,50,0,50'], final: 'OK' }) : { lines: [], final: 'OK' };
    };
    const done = storage.sendSelecting('SR', cmgd(0), send);
    if (fails) await expect(done).rejects.toMatchObject({ code: 'CMS_ERROR', number: 314 });
    else await done;
    expect(sent).toEqual(['AT+CPMS="SR";+CMGD=0']);
    expect(storage.selected).toBe(after);
  });
});
