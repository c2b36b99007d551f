/**
 * Packing of 7-bit codes into octets (3GPP TS 23.038 §6.1.2.1.1): septets fill each octet from the
 * least significant bit. `fillBits` skips the padding that aligns text after a user-data header to a
 * septet boundary (3GPP TS 23.040 §9.2.3.24).
 */

export function packSeptets(septets: readonly number[], fillBits = 0): Uint8Array {
  const totalBits = fillBits + septets.length * 7;
  const octets = new Uint8Array(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (const septet of septets) {
    const value = septet & 0x7f;
    const index = bit >> 3;
    const shift = bit & 7;
    octets[index] = (octets[index] ?? 0) | ((value << shift) & 0xff);
    if (shift > 1) octets[index + 1] = (octets[index + 1] ?? 0) | (value >> (8 - shift));
    bit += 7;
  }
  return octets;
}

/** Reads `count` septets starting `fillBits` into the octets. Undefined when the octets are too few. */
export function unpackSeptets(octets: Uint8Array, count: number, fillBits = 0): number[] | undefined {
  if (fillBits + count * 7 > octets.length * 8) return undefined;
  const septets: number[] = [];
  for (let n = 0, bit = fillBits; n < count; n += 1, bit += 7) {
    const index = bit >> 3;
    const shift = bit & 7;
    const pair = (octets[index] ?? 0) | ((octets[index + 1] ?? 0) << 8);
    septets.push((pair >> shift) & 0x7f);
  }
  return septets;
}
