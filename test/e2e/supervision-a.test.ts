import { describe, it } from 'vitest';
import type { ProfileName } from '../../src/sim/profiles.js';
import { throughEveryFault } from './supervision-faults.js';

describe('smsbridge run finds its way back after every modem fault', () => {
  it.each<ProfileName>(['quectel', 'simcom', 'sim800', 'huawei'])('on a %s modem: unplug (new tty, by-id link), reboot, silent reset, SIM busy, storage full', (profile) => throughEveryFault(profile), 120_000);
});
