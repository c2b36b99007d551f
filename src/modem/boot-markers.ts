import type { Urc } from '../at/urc.js';

/**
 * What a boot marker says (docs/supervision.md has each vendor's sequence; the lines themselves
 * are typed by the vendor files, src/modem/vendors/):
 * - `start`: the modem has just (re)started: a `BOOT` line of stage `ready` (`RDY`, `+READY`, `^SYSSTART`).
 * - `stage`: a later step of the same boot: `+CFUN: 1` and an unprompted `+CPIN: READY`
 *   (27.007), SMS ready (`SMS DONE`, `+QIND: SMS DONE`, `SMS Ready`), `Call Ready`.
 * Phonebook loaded (`PB DONE`, `+PBREADY`) comes late and means nothing to SMS: not a marker.
 */
export type BootMarker = 'start' | 'stage';

export function bootMarker(urc: Urc): BootMarker | undefined {
  switch (urc.type) {
    case 'BOOT':
      if (urc.stage === 'ready') return 'start';
      return urc.stage === 'phonebook-ready' ? undefined : 'stage';
    case 'CFUN':
      return urc.fun === 1 ? 'stage' : undefined;
    case 'CPIN':
      return urc.state === 'READY' ? 'stage' : undefined;
    default:
      return undefined;
  }
}
