/**
 * TP-Status of a status report (3GPP TS 23.040 §9.2.3.15):
 * - 0x00–0x1F the short message transaction completed (0x00 received by the SME, 0x01 forwarded but
 *   unconfirmed, 0x02 replaced; the rest reserved or SC-specific, still "completed");
 * - 0x20–0x3F temporary error, the SC is still trying;
 * - 0x40–0x5F permanent error and 0x60–0x7F temporary error with which the SC stopped trying: failed.
 * Bit 7 is reserved; we count such values as failed, since nothing promises another report.
 */
export type TpStatusOutcome = 'delivered' | 'pending' | 'failed';

export function tpStatusOutcome(st: number): TpStatusOutcome {
  if (st >= 0x00 && st <= 0x1f) return 'delivered';
  if (st >= 0x20 && st <= 0x3f) return 'pending';
  return 'failed';
}

/** The three booleans of a StatusReportRecord. */
export function tpStatusFlags(st: number): { delivered: boolean; pending: boolean; failed: boolean } {
  const outcome = tpStatusOutcome(st);
  return { delivered: outcome === 'delivered', pending: outcome === 'pending', failed: outcome === 'failed' };
}
