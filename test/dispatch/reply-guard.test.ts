import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitText, guardReply } from '../../src/dispatch/reply-guard.js';
import { checkSmsText } from '../../src/sms/gsm7.js';

describe('guardReply', () => {
  it('passes a reply that fits unchanged', () => {
    expect(guardReply('x'.repeat(160))).toEqual({ ok: true, reply: 'x'.repeat(160) });
  });

  it('never cuts a reply that is too long', () => {
    const guarded = guardReply('x'.repeat(161));
    expect(guarded).toMatchObject({ ok: false, status: 'reply-too-long', reply: 'ERR reply too long (161 septets)' });
  });
});

describe('fitText', () => {
  it('replaces line breaks and unencodable characters and cuts at the limit without an ellipsis', () => {
    expect(fitText('a\nb😀c', 160)).toBe('a b?c');
    expect(fitText('abcdef', 3)).toBe('abc');
    expect(fitText('ab{', 3)).toBe('ab');
  });

  it('always returns text that one SMS carries', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), fc.integer({ min: 1, max: 160 }), (text, limit) => {
        const check = checkSmsText(fitText(text, limit), { maxSeptets: limit });
        expect(check.ok).toBe(true);
      }),
    );
  });
});
