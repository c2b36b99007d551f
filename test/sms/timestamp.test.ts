import { describe, expect, it } from 'vitest';
import { decodeScts, parseTextTimestamp } from '../../src/sms/timestamp.js';

describe('parseTextTimestamp', () => {
  it.each([
    // value, UTC, quarter hours (undefined = no zone given)
    ['24/10/24,20:12:17+00', '2024-10-24T20:12:17.000Z', 0],
    ['24/10/25,07:12:17+52', '2024-10-24T18:12:17.000Z', 52], // SIM7600CE, +13 h
    ['21/10/18,20:36:15+52', '2021-10-18T07:36:15.000Z', 52],
    ['24/12/06,16:08:18-32', '2024-12-07T00:08:18.000Z', -32], // Sierra HL7800, −8 h
    ['07/07/05,09:56:03+08', '2007-07-05T07:56:03.000Z', 8],
    ['25/04/27,13:44:52+8', '2025-04-27T11:44:52.000Z', 8], // A7670G, unpadded zone
    ['06/05/28,18:15:41+80', '2006-05-27T22:15:41.000Z', 80], // gammu m2m dump, +20 h
    ['2014/02/13 15:06:37+32', '2014-02-13T07:06:37.000Z', 32], // Quectel UGxx: 4-digit year, space
    ['2011/09/13 16:37:59+32', '2011-09-13T08:37:59.000Z', 32], // Neoway M660
    ['2009/8/18,19:11:45', '2009-08-18T19:11:45.000Z', undefined], // Motorola L7, no zone
    ['23/02/09,13:07:04+04', '2023-02-09T12:07:04.000Z', 4],
    ['24/10/24,20:12:17+100', '2024-10-23T19:12:17.000Z', 100], // 3 digits are accepted
  ])('%s → %s', (value, iso, quarterHours) => {
    const time = parseTextTimestamp(value);
    expect(time?.date.toISOString()).toBe(iso);
    expect(time?.timezoneKnown).toBe(quarterHours !== undefined);
    expect(time?.quarterHours).toBe(quarterHours);
  });

  it.each(['', 'yesterday', '24/13/24,20:12:17+00', '24/02/30,20:12:17+00', '24/10/24,24:00:00+00', '24/10/24,20:12:17+0000', '24-10-24,20:12:17+00', '24/10/24;20:12:17'])(
    'rejects %j',
    (value) => {
      expect(parseTextTimestamp(value)).toBeUndefined();
    },
  );
});

describe('decodeScts', () => {
  const octets = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

  it.each([
    ['42014202217100', '2024-10-24T20:12:17.000Z', 0], // transcript 03
    ['99309251619580', '1999-03-29T13:16:59.000Z', 8], // the classic "hellohello" vector, +2 h
    ['70402132522423', '2007-04-12T15:25:42.000Z', 32], // python-gsmmodem, +8 h
    ['7040213252242B', '2007-04-13T07:25:42.000Z', -32], // python-gsmmodem, −8 h: sign in bit 3
    ['21901170046380', '2012-09-11T05:40:36.000Z', 8], // ModemManager status report
  ])('%s → %s', (hex, iso, quarterHours) => {
    const time = decodeScts(octets(hex));
    expect(time?.date.toISOString()).toBe(iso);
    expect(time?.quarterHours).toBe(quarterHours);
    expect(time?.timezoneKnown).toBe(true);
  });

  it.each(['4201420221710', '4201420221710000', '4A014202217100', '42F14202217100', '42314202217100'])('rejects %s', (hex) => {
    expect(decodeScts(octets(hex))).toBeUndefined();
  });
});
