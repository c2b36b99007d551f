import { describe, expect, it } from 'vitest';
import { owes, takeBodyLine, textBodyRule, type BodyProgress } from '../../src/at/text-body.js';

const SCTS = '"24/10/24,20:12:17+00"';

describe('textBodyRule: how far a text-mode body reaches, read off its header (27.005 §3.3.3 AT+CSDH=1)', () => {
  it.each([
    ['+CMT, GSM-7: <length> characters', `+CMT: "000",,${SCTS},129,4,0,0,"+4477",145,12`, '+CMT', { chars: 12 }],
    ['+CMT, UCS2 (<dcs> 8): two hex digits per octet', `+CMT: "000",,${SCTS},129,4,0,8,"+4477",145,6`, '+CMT', { chars: 12 }],
    ['+CMT, 8-bit (<dcs> 4)', `+CMT: "000",,${SCTS},129,4,0,4,"+4477",145,3`, '+CMT', { chars: 6 }],
    ['+CMT, a user-data header (<fo> 68): hex', `+CMT: "000",,${SCTS},129,68,0,0,"+4477",145,10`, '+CMT', { chars: 20 }],
    ['+CMT without AT+CSDH=1: one line', `+CMT: "000",,${SCTS}`, '+CMT', 1],
    ['+CMT in PDU mode: one line', '+CMT: ,24', '+CMT', 1],
    ['+CMGR of a deliver', `+CMGR: "REC UNREAD","000",,${SCTS},129,4,0,0,"+4477",145,7`, '+CMGR', { chars: 7 }],
    ['+CMGR of a stored UCS2 reply (submit layout: <vp> before <sca>)', '+CMGR: "STO SENT","000",,129,17,0,8,167,"+4477",145,4', '+CMGR', { chars: 8 }],
    ['+CMGR of a status report: no body', `+CMGR: "REC READ",6,20,"0870000000",129,${SCTS},${SCTS},0`, '+CMGR', 0],
    ['+CMGR of a status report with an empty <stat>', `+CMGR: ,6,20,"0870000000",129,${SCTS},${SCTS},0`, '+CMGR', 0],
    ['+CMGR of an empty message: no body line', `+CMGR: "REC READ","000",,${SCTS},129,4,0,0,"+4477",145,0`, '+CMGR', 0],
    ['+CMGL has no <dcs>: characters, a hex body ends on its first line', `+CMGL: 3,"REC UNREAD","000",,${SCTS},129,9`, '+CMGL', { chars: 9 }],
    ['unbalanced quotes: one line', '+CMGR: "REC READ,"000"', '+CMGR', 1],
  ] as const)('%s', (_name, line, prefix, rule) => {
    expect(textBodyRule(line, prefix)).toEqual(rule);
  });
});

describe('owes / takeBodyLine: a body by <length>', () => {
  const body = (chars: number): BodyProgress => ({ rule: { chars }, lines: 0, chars: 0 });

  it('takes the first line always, then lines after one line end that fit, and ends when no room is left', () => {
    const b = body(8);
    expect(owes(b, 'ping')).toBe(true);
    expect(takeBodyLine(b, 'ping')).toBe(false);
    expect(owes(b, 'OK')).toBe(true); // 4 + 1 + 2 = 7 ≤ 8
    expect(owes(b, 'OK!!')).toBe(false); // 4 + 1 + 4 = 9 > 8
    expect(takeBodyLine(b, 'OK')).toBe(true); // 7 + 2 > 8: no line fits after it
  });

  it('a line after a blank line is never body (a final result or a URC; modems overcount <length>)', () => {
    const b = body(93);
    takeBodyLine(b, 'You have a missed call.');
    expect(owes(b, 'OK', true)).toBe(false);
    expect(owes(b, 'OK', false)).toBe(true);
  });

  it('NUL padding after the last line does not count against the length (Huawei E3131)', () => {
    const b = body(6);
    takeBodyLine(b, 'a');
    expect(owes(b, 'bcd\x00\x00\x00\x00')).toBe(true);
  });

  it('by count: that many lines, whatever they read', () => {
    const b: BodyProgress = { rule: 1, lines: 0, chars: 0 };
    expect(owes(b, 'OK', true)).toBe(true);
    expect(takeBodyLine(b, 'OK')).toBe(true);
    expect(owes(b, 'more')).toBe(false);
  });
});
