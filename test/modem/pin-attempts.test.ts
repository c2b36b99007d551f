import { describe, expect, it } from 'vitest';
import { PROFILES, type ProfileName } from '../../src/modem/profiles.js';

// Each vendor's answer as its manual prints it (sources in src/modem/profiles.ts and docs/supervision.md).
const CASES: [ProfileName, string[], { pin?: number; puk?: number }][] = [
  ['quectel', ['+QPINC: "SC",3,10', '+QPINC: "P2",3,10'], { pin: 3, puk: 10 }],
  ['quectel', ['+QPINC: "SC",0,9'], { pin: 0, puk: 9 }],
  ['simcom', ['+SPIC: 3,10,0,10'], { pin: 3, puk: 10 }],
  ['simcom', ['+SPIC: 1,10,3,10'], { pin: 1, puk: 10 }],
  ['huawei', ['^CPIN: READY,,10,3,10,3'], { pin: 3, puk: 10 }],
  ['huawei', ['^CPIN: SIM PIN,2,10,2,10,3'], { pin: 2, puk: 10 }],
  ['ublox', ['+UPINCNT: 3,3,10,10'], { pin: 3, puk: 10 }],
  ['telit', ['#PCT: 3'], { pin: 3 }],
  ['generic', ['+CPINR: SIM PIN,3,3', '+CPINR: SIM PUK,10,10'], { pin: 3, puk: 10 }],
  ['generic', ['+CPINR: "SIM PIN",2,3'], { pin: 2 }],
  ['generic', ['garbage'], {}],
];

describe('PIN attempts left, per vendor', () => {
  it.each(CASES)('%s reads %j', (profile, lines, expected) => {
    expect(PROFILES[profile].pinAttempts.parse(lines)).toEqual(expected);
  });
});
