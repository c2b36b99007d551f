/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1), written
 * out here so the simulator shares no code with the driver's own SMS layer.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: reached with the escape code 0x1B (23.038 §6.2.1.1). */
const EXTENSION: Record<number, string> = {
  0x0a: '\f',
  0x14: '^',
  0x28: '{',
  0x29: '}',
  0x2f: '\\',
  0x3c: '[',
  0x3d: '~',
  0x3e: ']',
  0x40: '|',
  0x65: '€',
};

const basicCode = new Map<string, number>();
[...BASIC].forEach((ch, code) => {
  if (code !== 0x1b) basicCode.set(ch, code);
});
const extensionCode = new Map<string, number>(Object.entries(EXTENSION).map(([code, ch]) => [ch, Number(code)]));

/** True when every character has a GSM-7 code (basic or extension). */
export function isGsm7(text: string): boolean {
  return [...text].every((ch) => basicCode.has(ch) || extensionCode.has(ch));
}

/** Text → septet codes; extension characters become ESC + code. Unencodable characters become '?'. */
export function toSeptets(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const basic = basicCode.get(ch);
    if (basic !== undefined) out.push(basic);
    else {
      const ext = extensionCode.get(ch);
      if (ext !== undefined) out.push(0x1b, ext);
      else out.push(0x3f);
    }
  }
  return out;
}

/** Septet codes → text. */
export function fromSeptets(septets: readonly number[]): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const code = septets[i]! & 0x7f;
    if (code === 0x1b && i + 1 < septets.length) {
      const next = septets[++i]! & 0x7f;
      out += EXTENSION[next] ?? BASIC[next] ?? ' ';
    } else out += BASIC[code] ?? ' ';
  }
  return out;
}

/**
 * Packs septets into octets, starting after `fillBits` padding bits (used after a UDH,
 * 23.040 §9.2.3.24).
 */
export function packSeptets(septets: readonly number[], fillBits = 0): Buffer {
  const bits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(bits / 8));
  septets.forEach((septet, i) => {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (septet << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= septet >> (8 - shift);
  });
  return out;
}

/** Unpacks `count` septets from octets, skipping `fillBits` leading bits. */
export function unpackSeptets(octets: Buffer, count: number, fillBits = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    let value = (octets[byte] ?? 0) >> shift;
    if (shift > 1) value |= (octets[byte + 1] ?? 0) << (8 - shift);
    out.push(value & 0x7f);
  }
  return out;
}
