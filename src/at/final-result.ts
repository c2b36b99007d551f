import { errorName, numberForText } from './error-codes.js';

/**
 * Final result codes, as one table (ITU-T V.250 §5.7.2, 3GPP TS 27.007 §9.2, 27.005 §3.2.5, plus
 * the vendor spellings ModemManager and gammu accept: docs/modem-behaviour.md §1).
 */
export type FinalResult =
  | { kind: 'ok' }
  | { kind: 'error'; text: string }
  | { kind: 'cme'; text: string; number?: number; name?: string }
  | { kind: 'cms'; text: string; number?: number; name?: string };

interface Rule {
  pattern: RegExp;
  make: (match: RegExpExecArray, line: string) => FinalResult;
}

const extended = (kind: 'cme' | 'cms') => (match: RegExpExecArray, line: string): FinalResult => {
  const detail = (match[1] ?? '').trim();
  const tag = kind === 'cme' ? 'CME' : 'CMS';
  const number = /^\d+$/.test(detail) ? Number(detail) : detail === '' ? undefined : numberForText(tag, detail);
  const name = number === undefined ? (detail || undefined) : (errorName(tag, number) ?? (/^\d+$/.test(detail) ? undefined : detail));
  return {
    kind,
    text: line.trim(),
    ...(number === undefined ? {} : { number }),
    ...(name === undefined ? {} : { name }),
  };
};

const RULES: readonly Rule[] = [
  { pattern: /^OK$/, make: () => ({ kind: 'ok' }) },
  { pattern: /^ERROR$/, make: (_m, line) => ({ kind: 'error', text: line.trim() }) },
  // Lenient on purpose: a modem that writes "+CME ERROR:14" or nothing after the colon still ended
  // the command, and waiting for a final result that never comes would be worse.
  { pattern: /^\+CME ERROR:\s*(.*)$/, make: extended('cme') },
  { pattern: /^\+CMS ERROR:\s*(.*)$/, make: extended('cms') },
  { pattern: /^COMMAND NOT SUPPORT$/, make: (_m, line) => ({ kind: 'error', text: line.trim() }) }, // Huawei
  { pattern: /^MODEM ERROR: ?\d*$/, make: (_m, line) => ({ kind: 'error', text: line.trim() }) }, // Motorola
  { pattern: /^(NO CARRIER|NO DIALTONE|NO ANSWER|BUSY)$/, make: (_m, line) => ({ kind: 'error', text: line.trim() }) },
];

/** Returns the final result a line carries, or undefined when it is not one. */
export function classifyFinal(line: string): FinalResult | undefined {
  const text = line.trim();
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) return rule.make(match, text);
  }
  return undefined;
}
