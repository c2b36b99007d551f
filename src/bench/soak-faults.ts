import type { VirtualModem } from '../sim/virtual-modem.js';

/** The faults the soak injects (issue 7), each a method of the virtual modem. */
export const FAULTS = ['garbage', 'drop', 'delay', 'reboot', 'silent-reboot', 'unplug', 'sim-busy', 'duplicate', 'storage-full', 'urc-during-prompt'] as const;
export type FaultName = (typeof FAULTS)[number];

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (rand: () => number, lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));

/** Line noise: bytes a UART picks up, as lines that are neither a result code nor a URC. */
const GARBAGE = ['\r\n\xff\xfe\x00\x13\r\n', '\r\n~~#\x80\x81\r\n', '\x00\x00\x00', '\r\n\xf0\xf0\xf0\xf0\xf0\xf0\r\n'];
/** What a modem may slip in right after `> `: a new message, a registration change, a ring. */
const PROMPT_URCS = ['+CREG: 5', 'RING', '^RSSI: 18'];

let delays = 0;

/** Applies one fault now; delays and unplugs undo themselves after a while. */
export function injectFault(modem: VirtualModem, fault: FaultName, rand: () => number, baseLatencyMs = 1): void {
  switch (fault) {
    case 'garbage':
      return modem.injectGarbage(GARBAGE[Math.floor(rand() * GARBAGE.length)]!);
    case 'drop':
      return modem.dropNextResponse();
    case 'delay': {
      // A slow modem for a while: answers late, not lost.
      modem.setLatency(between(rand, 200, 2000));
      delays++;
      setTimeout(() => {
        if (--delays === 0) modem.setLatency(baseLatencyMs);
      }, between(rand, 1000, 4000)).unref();
      return;
    }
    case 'reboot':
      return modem.reboot();
    case 'silent-reboot':
      // No boot URC: only the bridge's idle settings check (or a lost answer) can notice.
      return modem.reboot({ silent: true });
    case 'sim-busy':
      return modem.simBusy(between(rand, 2, 8));
    case 'unplug':
      return modem.unplug(between(rand, 300, 2000));
    case 'duplicate':
      return modem.deliverDuplicate();
    case 'storage-full':
      return modem.fillStorage();
    case 'urc-during-prompt':
      return modem.urcDuringPrompt(PROMPT_URCS[Math.floor(rand() * PROMPT_URCS.length)]!);
  }
}
