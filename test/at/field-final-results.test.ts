import { describe, expect, it } from 'vitest';
import { at } from '../../src/at/command.js';
import { fieldCases, rows, throughChannel, type FieldCase } from '../helpers/field.js';

type Case = FieldCase<{ settled?: true; code?: string; number?: number }> & { answer: string };

describe('field answers: final results (fixtures/field/final-results.json)', () => {
  it.each(rows(fieldCases<Case>('final-results')))('%s', async (_title, c) => {
    const { value, error, urcs } = await throughChannel(at('AT+CSQ', { timeoutMs: 1000 }), c.answer);
    if (c.expect.settled) {
      expect(error).toBeUndefined();
      expect(value?.final).toBe('OK');
      // What follows the OK is unsolicited, never the command's.
      expect(urcs.length).toBe(c.answer.split('\r\n').filter((l) => l.trim() !== '').length - 1);
      return;
    }
    expect(error?.code).toBe(c.expect.code);
    // The 3GPP number travels on the BridgeError (docs/style.md: errors carry the CME/CMS number).
    expect(error?.number).toBe(c.expect.number);
  });
});
