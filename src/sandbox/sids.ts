/**
 * SIDs as the reference shapes them: a two-letter prefix and 32 hex digits (34 characters).
 * HC: SMS Command, HS: Sim, HF: Fleet, AC: Account.
 */
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'HC' | 'HS' | 'HF' | 'AC';

export function newSid(prefix: SidPrefix): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** The reference's pattern, e.g. `^HC[0-9a-fA-F]{32}$`. */
export function isSid(prefix: SidPrefix, value: string): boolean {
  return new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value);
}
