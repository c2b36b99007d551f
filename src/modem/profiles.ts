import { STANDARD_URCS, UrcRegistry } from '../at/urc.js';
import { generic } from './vendors/generic.js';
import { huawei } from './vendors/huawei.js';
import { quectel } from './vendors/quectel.js';
import { simcom } from './vendors/simcom.js';
import { telit } from './vendors/telit.js';
import { ublox } from './vendors/ublox.js';
import type { VendorName, VendorProfile } from './vendors/vendor.js';

/**
 * The vendor profiles, one file each under vendors/ (what differs by vendor, with sources). A user
 * may name one in configuration (`profile:`); `auto` picks it from AT+CGMI/AT+CGMM.
 */
export type ProfileName = VendorName;
export type ModemProfile = VendorProfile;
export type { IdentityCommand, PinAttempts } from './vendors/vendor.js';

export const PROFILES: Readonly<Record<ProfileName, ModemProfile>> = { quectel, simcom, huawei, ublox, telit, generic };

/** Picks the profile for what the modem says it is; `generic` when nothing matches. */
export function pickProfile(manufacturer: string, model: string): ModemProfile {
  const identity = `${manufacturer} ${model}`;
  return Object.values(PROFILES).find((p) => p.matches.test(identity)) ?? PROFILES.generic;
}

/**
 * The URC table for a channel to a modem whose vendor may be any of ours: the 3GPP lines, then every
 * vendor's, all known before the modem is identified (a boot burst comes first).
 */
export function modemUrcs(): UrcRegistry {
  return new UrcRegistry([...STANDARD_URCS, ...Object.values(PROFILES).flatMap((p) => p.urcs)]);
}
