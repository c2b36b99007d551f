/**
 * Final result codes and the verbose texts of +CME ERROR (3GPP TS 27.007 §9.2) and
 * +CMS ERROR (3GPP TS 27.005 §3.2.5), rendered as AT+CMEE asks: 0 plain `ERROR`,
 * 1 numeric, 2 verbose.
 */
export const CME_TEXT: Record<number, string> = {
  0: 'phone failure',
  3: 'operation not allowed',
  4: 'operation not supported',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  30: 'no network service',
  50: 'incorrect parameters',
  100: 'unknown',
};

export const CMS_TEXT: Record<number, string> = {
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  316: 'SIM PUK required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  340: 'no +CNMA acknowledgement expected',
  500: 'unknown error',
};

export type CmeeMode = 0 | 1 | 2;

export function cmeError(code: number, cmee: CmeeMode): string {
  if (cmee === 0) return 'ERROR';
  return `+CME ERROR: ${cmee === 2 ? (CME_TEXT[code] ?? 'unknown') : code}`;
}

/**
 * Codes without a 27.005 text (e.g. Quectel's 350) come out as "unknown error" in verbose
 * mode, as an EC25 did (quirks §5, Quectel forum 15555).
 */
export function cmsError(code: number, cmee: CmeeMode): string {
  if (cmee === 0) return 'ERROR';
  return `+CMS ERROR: ${cmee === 2 ? (CMS_TEXT[code] ?? 'unknown error') : code}`;
}

/** A final result line as a host recognises it (V.250 §5.7.1, 27.007 §9.2, vendor forms). */
export function isFinalResult(line: string): boolean {
  return /^(OK|ERROR|NO CARRIER|COMMAND NOT SUPPORT|\+CM[ES] ERROR:.*)$/.test(line);
}
