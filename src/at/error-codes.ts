/**
 * Names of the numeric +CME ERROR (3GPP TS 27.007 §9.2) and +CMS ERROR (3GPP TS 27.005 §3.2.5)
 * codes that modems send, so errors keep their 3GPP meaning. With AT+CMEE=2 modems send the text
 * instead of the number; `numberForText` maps it back so callers can branch on numbers only.
 */
export const CME_ERRORS: Readonly<Record<number, string>> = {
  0: 'phone failure',
  1: 'no connection to phone',
  3: 'operation not allowed',
  4: 'operation not supported',
  5: 'PH-SIM PIN required',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  17: 'SIM PIN2 required',
  18: 'SIM PUK2 required',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  23: 'memory failure',
  24: 'text string too long',
  25: 'invalid characters in text string',
  26: 'dial string too long',
  27: 'invalid characters in dial string',
  30: 'no network service',
  31: 'network timeout',
  32: 'network not allowed - emergency calls only',
  100: 'unknown',
  // Vendor range used by SIMCom/Quectel/u-blox: "please wait, init or command processing in progress".
  515: 'please wait, init or command processing in progress',
};

export const CMS_ERRORS: Readonly<Record<number, string>> = {
  1: 'unassigned number',
  8: 'operator determined barring',
  10: 'call barred',
  21: 'short message transfer rejected',
  27: 'destination out of service',
  28: 'unidentified subscriber',
  29: 'facility rejected',
  30: 'unknown subscriber',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable',
  50: 'requested facility not subscribed',
  69: 'requested facility not implemented',
  81: 'invalid short message transfer reference value',
  95: 'invalid message, unspecified',
  96: 'invalid mandatory information',
  97: 'message type non-existent or not implemented',
  98: 'message not compatible with short message protocol state',
  99: 'information element non-existent or not implemented',
  111: 'protocol error, unspecified',
  127: 'interworking, unspecified',
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  312: 'PH-SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  315: 'SIM wrong',
  316: 'SIM PUK required',
  317: 'SIM PIN2 required',
  318: 'SIM PUK2 required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  340: 'no +CNMA acknowledgement expected',
  350: 'rejected by SMSC', // vendor use (Quectel), docs/modem-behaviour.md §5
  500: 'unknown error',
  512: 'MM establishment failure', // vendor range, smstools3 modeminit.c
  513: 'lower layer failure',
  514: 'CP error',
  515: 'please wait, init or command processing in progress',
};

const normalise = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');

function inverse(table: Readonly<Record<number, string>>): Map<string, number> {
  const map = new Map<string, number>();
  for (const [n, name] of Object.entries(table)) map.set(normalise(name), Number(n));
  return map;
}

const CME_BY_TEXT = inverse(CME_ERRORS);
const CMS_BY_TEXT = inverse(CMS_ERRORS);

export function errorName(kind: 'CME' | 'CMS', n: number): string | undefined {
  return (kind === 'CME' ? CME_ERRORS : CMS_ERRORS)[n];
}

/** Maps a verbose error text (AT+CMEE=2) back to its number, when it is a 3GPP name. */
export function numberForText(kind: 'CME' | 'CMS', text: string): number | undefined {
  return (kind === 'CME' ? CME_BY_TEXT : CMS_BY_TEXT).get(normalise(text));
}
