import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import { gsm7Codes } from '../../src/sms/gsm7-alphabet.js';
import { assertSmsText, checkSmsText, countSeptets, fromGsm7Septets, isTextModeSafe, toGsm7Septets } from '../../src/sms/gsm7.js';

const EXTENSION_CHARS = ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f'];
// Every character of the basic table (3GPP TS 23.038 §6.2.1), escape excluded.
const BASIC_CHARS = [...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'];

describe('countSeptets', () => {
  it.each([
    ['', 0],
    ['ping', 4],
    ['é£ü', 3],
    ['Δ@$_', 4],
    ['€', 2],
    ['{}', 4],
    ['a[b]c', 7],
    ['line\r\nline', 10],
  ])('counts %j as %i septets', (text, septets) => {
    expect(countSeptets(text)).toBe(septets);
  });

  it.each(EXTENSION_CHARS)('counts extension character %j as 2 septets', (char) => {
    expect(countSeptets(char)).toBe(2);
  });

  it('has 127 basic characters, each costing 1 septet', () => {
    expect(new Set(BASIC_CHARS).size).toBe(127);
    for (const char of BASIC_CHARS) expect(countSeptets(char)).toBe(1);
  });

  it.each(['😀', 'ç', 'ß\u0301', '中', '\uD83D', '\uDE00', '`', 'Ω\u2126'])('returns undefined for text with %j', (text) => {
    expect(countSeptets(text)).toBeUndefined();
  });
});

describe('checkSmsText at the 160 edge', () => {
  it('accepts 160 basic characters', () => {
    expect(checkSmsText('a'.repeat(160))).toMatchObject({ ok: true, units: 160, limit: 160, encoding: 'gsm7' });
  });

  it('refuses 161 basic characters, naming the length and the limit', () => {
    expect(checkSmsText('a'.repeat(161))).toEqual({
      ok: false,
      reason: 'too-long',
      message: 'reply is 161 septets; one SMS holds 160',
      encoding: 'gsm7',
      units: 161,
      limit: 160,
    });
  });

  it('accepts 158 basic characters plus one € (160 septets)', () => {
    expect(checkSmsText(`${'a'.repeat(158)}€`)).toMatchObject({ ok: true, units: 160, extensionChars: 1 });
  });

  it('refuses 159 basic characters plus one € (161 septets) although it is 160 characters', () => {
    const text = `${'a'.repeat(159)}€`;
    expect(text.length).toBe(160);
    const check = checkSmsText(text);
    expect(check).toMatchObject({ ok: false, reason: 'too-long', units: 161, limit: 160 });
    expect(check.ok ? '' : check.message).toBe('reply is 161 septets; one SMS holds 160 (1 extension character counts as 2)');
  });

  it.each(EXTENSION_CHARS.filter((c) => c !== '\f'))('refuses 159 + %j and accepts 158 + it', (char) => {
    expect(checkSmsText('x'.repeat(159) + char).ok).toBe(false);
    expect(checkSmsText('x'.repeat(158) + char).ok).toBe(true);
  });

  it('accepts 80 extension characters (160 septets) and refuses 81', () => {
    expect(checkSmsText('{'.repeat(80))).toMatchObject({ ok: true, units: 160, extensionChars: 80 });
    expect(checkSmsText('{'.repeat(81))).toMatchObject({ ok: false, units: 162 });
  });

  it('counts é, £ and ü as one septet each', () => {
    expect(checkSmsText('é£ü'.repeat(53) + 'é')).toMatchObject({ ok: true, units: 160 });
  });

  it('lowers the limit with maxSeptets, never raises it', () => {
    expect(checkSmsText('a'.repeat(141), { maxSeptets: 140 })).toMatchObject({ ok: false, message: 'reply is 141 septets; the limit is 140' });
    expect(() => checkSmsText('a', { maxSeptets: 161 })).toThrow(RangeError);
  });
});

describe('checkSmsText refuses what GSM-7 cannot carry', () => {
  it('names an emoji and its position instead of substituting it', () => {
    expect(checkSmsText('ping 😀 pong')).toEqual({
      ok: false,
      reason: 'unencodable',
      message: "'😀' (U+1F600) at position 5 cannot be sent in GSM-7",
      encoding: 'gsm7',
      position: 5,
      char: '😀',
    });
  });

  it('reports the UTF-16 position of a character after a surrogate pair', () => {
    expect(checkSmsText('😀中')).toMatchObject({ ok: false, position: 0, char: '😀' });
    expect(checkSmsText('ok中')).toMatchObject({ ok: false, position: 2, char: '中', message: "'中' (U+4E2D) at position 2 cannot be sent in GSM-7" });
  });

  it.each([
    ['\uD83D', 'U+D83D'],
    ['\uDE00', 'U+DE00'],
  ])('refuses the lone surrogate %j', (char, name) => {
    const check = checkSmsText(`a${char}b`);
    expect(check).toMatchObject({ ok: false, reason: 'unencodable', position: 1 });
    expect(check.ok ? '' : check.message).toBe(`${name} at position 1 cannot be sent in GSM-7`);
  });

  it.each([
    ['\x1a', 'Ctrl-Z'],
    ['\x1b', 'ESC'],
    ['\x00', 'NUL'],
    ['\t', ''],
    ['\f', ''],
    ['\x7f', ''],
  ])('refuses the control character %j', (char, name) => {
    const check = checkSmsText(`ok${char}AT+CMGD=1,4`);
    expect(check).toMatchObject({ ok: false, reason: 'control-char', position: 2, char });
    expect(check.ok ? '' : check.message).toContain(name);
  });

  it('refuses control characters in UCS2 too', () => {
    expect(checkSmsText('a\x1ab', { encoding: 'ucs2' })).toMatchObject({ ok: false, reason: 'control-char' });
  });

  it('accepts CR and LF, which GSM-7 has', () => {
    expect(checkSmsText('a\r\nb')).toMatchObject({ ok: true, units: 4 });
  });
});

describe('checkSmsText in UCS2', () => {
  it('accepts 70 UTF-16 units and refuses 71', () => {
    expect(checkSmsText('中'.repeat(70), { encoding: 'ucs2' })).toMatchObject({ ok: true, units: 70, limit: 70, encoding: 'ucs2' });
    expect(checkSmsText('中'.repeat(71), { encoding: 'ucs2' })).toMatchObject({ ok: false, reason: 'too-long', message: 'reply is 71 UCS-2 characters; one SMS holds 70' });
  });

  it('counts a character outside the BMP as 2 units', () => {
    expect(checkSmsText('😀'.repeat(35), { encoding: 'ucs2' })).toMatchObject({ ok: true, units: 70 });
    expect(checkSmsText(`${'😀'.repeat(35)}a`, { encoding: 'ucs2' })).toMatchObject({ ok: false, units: 71 });
  });

  it('refuses a lone surrogate', () => {
    expect(checkSmsText('a\uD83D', { encoding: 'ucs2' })).toMatchObject({ ok: false, reason: 'unencodable', position: 1 });
  });
});

describe('assertSmsText', () => {
  it.each([
    ['a'.repeat(161), 'SMS_TOO_LONG'],
    ['😀', 'SMS_UNENCODABLE'],
    ['a\x1a', 'SMS_CONTROL_CHAR'],
  ] as const)('throws a BridgeError for %#', (text, code) => {
    let caught: unknown;
    try {
      assertSmsText(text);
    } catch (error) {
      caught = error;
    }
    expect(isBridgeError(caught, code)).toBe(true);
  });

  it('returns the check when the text fits', () => {
    expect(assertSmsText('pong')).toMatchObject({ ok: true, units: 4 });
  });
});

describe('toGsm7Septets / fromGsm7Septets', () => {
  it('encodes extension characters as ESC + code (python-gsmmodem test vector)', () => {
    expect(toGsm7Septets('[{abc}]~')).toEqual([0x1b, 0x3c, 0x1b, 0x28, 0x61, 0x62, 0x63, 0x1b, 0x29, 0x1b, 0x3e, 0x1b, 0x3d]);
    expect(toGsm7Septets('{åΦΓΛΩΠΨΣΘ€}')).toEqual([27, 40, 15, 18, 19, 20, 21, 22, 23, 24, 25, 27, 101, 27, 41]);
  });

  it('maps @, £, $, é to their basic-table codes', () => {
    expect(toGsm7Septets('@£$é')).toEqual([0x00, 0x01, 0x02, 0x05]);
  });

  it('throws SMS_UNENCODABLE rather than substituting', () => {
    expect(() => toGsm7Septets('a😀')).toThrow(expect.objectContaining({ code: 'SMS_UNENCODABLE' }));
  });

  it('shows the basic character for an undefined extension code, as 23.038 §6.2.1.1 asks', () => {
    expect(fromGsm7Septets([0x1b, 0x41])).toBe('A');
    expect(fromGsm7Septets([0x61, 0x1b])).toBe('a');
  });
});

describe('isTextModeSafe', () => {
  it.each([
    ['ping', true],
    ['OK 123 !"#%&\'()*+,-./:;<=>?', true],
    ['line\r\nline', true],
    ['', true],
    ['a@b', false],
    ['$5', false],
    ['snake_case', false],
    ['`x`', false],
    ['{json}', false],
    ['a|b', false],
    ['5€', false],
    ['café', false],
    ['tab\there', false],
    ['\x1a', false],
  ])('%j → %s', (text, safe) => {
    expect(isTextModeSafe(text)).toBe(safe);
  });
});

describe('properties', () => {
  const gsmChar = fc.constantFrom(...BASIC_CHARS, ...EXTENSION_CHARS);

  it('septet count of a GSM string is the sum of per-character costs', () => {
    fc.assert(
      fc.property(fc.array(gsmChar, { maxLength: 300 }), (chars) => {
        const expected = chars.reduce((sum, c) => sum + (EXTENSION_CHARS.includes(c) ? 2 : 1), 0);
        expect(countSeptets(chars.join(''))).toBe(expected);
        expect(toGsm7Septets(chars.join(''))).toHaveLength(expected);
      }),
    );
  });

  it('the check never accepts more than the limit, and accepts every encodable text within it', () => {
    fc.assert(
      fc.property(fc.array(gsmChar, { maxLength: 200 }), fc.integer({ min: 0, max: 160 }), (chars, maxSeptets) => {
        const text = chars.join('').replace(/[\f]/g, '');
        const check = checkSmsText(text, { maxSeptets });
        const septets = countSeptets(text) ?? Infinity;
        if (check.ok) expect(check.units).toBeLessThanOrEqual(maxSeptets);
        expect(check.ok).toBe(septets <= maxSeptets);
      }),
    );
  });

  it('never accepts arbitrary Unicode beyond the limit, nor anything GSM-7 lacks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const check = checkSmsText(text);
        if (check.ok) {
          expect(check.units).toBeLessThanOrEqual(160);
          expect([...text].every((c) => gsm7Codes(c) !== undefined)).toBe(true);
        }
      }),
    );
  });

  it('decoding the septets gives the text back', () => {
    fc.assert(
      fc.property(fc.array(gsmChar, { maxLength: 200 }), (chars) => {
        const text = chars.join('');
        expect(fromGsm7Septets(toGsm7Septets(text))).toBe(text);
      }),
    );
  });
});
