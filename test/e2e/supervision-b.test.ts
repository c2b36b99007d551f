import { describe, it } from 'vitest';
import type { ProfileName } from '../../src/sim/profiles.js';
import { throughEveryFault } from './supervision-faults.js';

describe('smsbridge run finds its way back after every modem fault', () => {
  it.each<ProfileName>(['huawei-e3131', 'ublox', 'telit', 'generic'])('on a %s modem: unplug (new tty, by-id link), reboot, silent reset, SIM busy, storage full', (profile) => throughEveryFault(profile), 120_000);
});
