import type { Urc } from '../at/urc.js';

/**
 * What a boot marker says (docs/supervision.md has each vendor's sequence and its source):
 * - `start`: the modem has just (re)started: `RDY` (Quectel EC25/EG25 AT manual §1.8, SIMCom
 *   SIM7600/SIM800 manuals), `+READY` (u-blox), `^SYSSTART` (Cinterion; some Huawei firmwares).
 * - `stage`: a later step of the same boot: `+CFUN: 1`, an unprompted `+CPIN: READY`,
 *   `SMS DONE` / `+QIND: SMS DONE` / `SMS Ready` (SMS ready), `Call Ready`.
 * `PB DONE` / `+PBREADY` (phonebook loaded) come late and mean nothing to SMS: not a marker.
 */
export type BootMarker = 'start' | 'stage';

export function bootMarker(urc: Urc): BootMarker | undefined {
  switch (urc.type) {
    case 'BOOT':
      if (urc.stage === 'ready') return 'start';
      return urc.stage === 'phonebook-ready' ? undefined : 'stage';
    case 'VENDOR':
      return urc.prefix === '^SYSSTART' ? 'start' : undefined;
    case 'CFUN':
      return urc.fun === 1 ? 'stage' : undefined;
    case 'CPIN':
      return urc.state === 'READY' ? 'stage' : undefined;
    default:
      return undefined;
  }
}
