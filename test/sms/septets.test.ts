import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packSeptets, unpackSeptets } from '../../src/sms/septets.js';

describe('packSeptets / unpackSeptets (23.038 §6.1.2.1.1)', () => {
  it.each([
    ['123', [49, 217, 12]],
    ['12345678', [49, 217, 140, 86, 179, 221, 112]],
    ['Hello World!', [200, 50, 155, 253, 6, 93, 223, 114, 54, 57, 4]],
  ])('packs %j like python-gsmmodem', (text, octets) => {
    const septets = [...text].map((c) => c.charCodeAt(0));
    expect([...packSeptets(septets)]).toEqual(octets);
    expect(unpackSeptets(Uint8Array.from(octets), septets.length)).toEqual(septets);
  });

  it('refuses to read more septets than the octets hold', () => {
    expect(unpackSeptets(Uint8Array.from([49, 217, 12]), 4)).toBeUndefined();
  });

  it('round-trips any septets after any number of fill bits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 127 }), { maxLength: 200 }), fc.integer({ min: 0, max: 6 }), (septets, fill) => {
        const octets = packSeptets(septets, fill);
        expect(octets.length).toBe(Math.ceil((fill + 7 * septets.length) / 8));
        expect(unpackSeptets(octets, septets.length, fill)).toEqual(septets);
      }),
    );
  });
});
