import { at, valuesOf, type AtCommand, type AtResponse } from '../at/command.js';
import type { InitResult, SmsSettings } from './init-sequence.js';

/**
 * The idle check for a modem that reset without a word: after a reset AT+CNMI and AT+CMGF are
 * back at their power-on defaults (3GPP TS 27.005 §3.4.1 and §3.2.3 do not save them; +CNMI
 * defaults to 0,0,0,0,0 on u-blox and Telit), and so is AT+CPMS; nothing else tells us. Three cheap reads.
 * Returns what was lost, or undefined when everything holds.
 */
export async function checkSettings(
  send: (command: AtCommand<AtResponse>) => Promise<AtResponse>,
  init: Pick<InitResult, 'cnmi'> & Partial<Pick<InitResult, 'restingMode' | 'storage'>>,
  sms: Pick<SmsSettings, 'mode'>,
  /** The SMS layer has switched AT+CMGF for a send: either mode is right until it switches back. */
  switched = false,
): Promise<string | undefined> {
  const cmgf = switched ? undefined : valuesOf(await send(at('AT+CMGF?', { timeoutMs: 5000 })), '+CMGF:')[0]?.trim();
  // The mode the modem rests in: PDU even with `sms.mode: text` where the modem takes it (init-sequence.ts).
  const wantCmgf = (init.restingMode ?? sms.mode) === 'text' ? '1' : '0';
  if (cmgf !== undefined && cmgf !== wantCmgf) return `AT+CMGF is ${cmgf}, not ${wantCmgf}`;
  // The storage: a reset brings AT+CPMS back to its default too, and where the resting mode and
  // +CNMI are the defaults (PDU mode, 2,1,0,0,0 on Quectel) it is the only setting that shows it.
  // Written there, a reply's copy lands where the bridge does not look (docs/supervision.md).
  if (init.storage) {
    const cpms = valuesOf(await send(at('AT+CPMS?', { timeoutMs: 5000 })), '+CPMS:')[0];
    const mem1 = cpms === undefined ? undefined : /^\s*"?([A-Za-z]{2})"?/.exec(cpms)?.[1]?.toUpperCase();
    if (mem1 !== undefined && mem1 !== init.storage) return `AT+CPMS is ${cpms!.trim()}, not "${init.storage}"`;
  }
  if (!init.cnmi) return undefined;
  const cnmi = valuesOf(await send(at('AT+CNMI?', { timeoutMs: 5000 })), '+CNMI:')[0];
  if (cnmi === undefined) return undefined;
  const [mode, mt, , ds] = cnmi.split(',').map((v) => Number(v.trim()));
  // A missed +CNMA sets <mt> and <ds> to 0 (27.005 §3.4.4) as a reset does.
  const dsLost = ds !== undefined && !Number.isNaN(ds) && ds !== init.cnmi.ds;
  if (mode !== init.cnmi.mode || mt !== init.cnmi.mt || dsLost) return `AT+CNMI is ${cnmi.trim()}, not ${init.cnmi.mode},${init.cnmi.mt},${init.cnmi.bm},${init.cnmi.ds},…`;
  return undefined;
}
