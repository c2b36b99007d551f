import { at, valuesOf, type AtCommand, type AtResponse } from '../at/command.js';
import type { InitResult, SmsSettings } from './init-sequence.js';

/**
 * The idle check for a modem that reset without a word: after a reset AT+CNMI and AT+CMGF are
 * back at their power-on defaults (3GPP TS 27.005 §3.4.1 and §3.2.3 do not save them; +CNMI
 * defaults to 0,0,0,0,0 on u-blox and Telit), and nothing else tells us. Two cheap reads.
 * Returns what was lost, or undefined when everything holds.
 */
export async function checkSettings(
  send: (command: AtCommand<AtResponse>) => Promise<AtResponse>,
  init: Pick<InitResult, 'cnmi'>,
  sms: Pick<SmsSettings, 'mode'>,
): Promise<string | undefined> {
  const cmgf = valuesOf(await send(at('AT+CMGF?', { timeoutMs: 5000 })), '+CMGF:')[0]?.trim();
  const wantCmgf = sms.mode === 'text' ? '1' : '0';
  if (cmgf !== undefined && cmgf !== wantCmgf) return `AT+CMGF is ${cmgf}, not ${wantCmgf}`;
  if (!init.cnmi) return undefined;
  const cnmi = valuesOf(await send(at('AT+CNMI?', { timeoutMs: 5000 })), '+CNMI:')[0];
  if (cnmi === undefined) return undefined;
  const [mode, mt, , ds] = cnmi.split(',').map((v) => Number(v.trim()));
  // A missed +CNMA sets <mt> and <ds> to 0 (27.005 §3.4.4) as a reset does.
  const dsLost = ds !== undefined && !Number.isNaN(ds) && ds !== init.cnmi.ds;
  if (mode !== init.cnmi.mode || mt !== init.cnmi.mt || dsLost) return `AT+CNMI is ${cnmi.trim()}, not ${init.cnmi.mode},${init.cnmi.mt},${init.cnmi.bm},${init.cnmi.ds},…`;
  return undefined;
}
