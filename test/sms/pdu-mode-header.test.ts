import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import { parseCdsPduHeader, parseCmglPduHeader, parseCmgrPduHeader, parseCmtPduHeader } from '../../src/sms/pdu-mode-header.js';

describe('parseCmgrPduHeader', () => {
  it.each([
    ['+CMGR: 0,,19', { stat: 'REC UNREAD', length: 19 }], // transcript 03
    ['+CMGR: 0,"",19', { stat: 'REC UNREAD', length: 19 }], // Telit, transcript 19
    ['+CMGR: 1,,147 07914356060013F1', { stat: 'REC READ', length: 147, pdu: '07914356060013F1' }], // PDU on the same line
    ['+CMGR: 0,23', { stat: 'REC UNREAD', length: 23 }], // no alpha
    ['+CMGR: 24', { length: 24 }], // no stat
    ['+CMGR: ,,27', { length: 27 }], // ZTE: empty stat
    ['+CMGR: 4,1,,151', { index: 4, stat: 'REC READ', length: 151 }], // index echoed
    ['+CMGR: 2,"Alice",40', { stat: 'STO UNSENT', alpha: 'Alice', length: 40 }],
    ['+CMGR:3, ,40', { stat: 'STO SENT', length: 40 }],
  ])('%s', (line, expected) => {
    expect(parseCmgrPduHeader(line)).toEqual(expected);
  });

  it.each(['+CMGR: 0,,', '+CMGR: 0,,x', '+CMGR: 7,,19', '+CMGR: "REC READ,19', '+CMGL: 0,,19', '+CMGR: 1,2,3,4,19', '+CMGR: 0,,"19"'])('refuses %j with PARSE_ERROR', (line) => {
    expect(() => parseCmgrPduHeader(line)).toThrow(expect.objectContaining({ code: 'PARSE_ERROR', lines: [line] }));
  });
});

describe('parseCmglPduHeader', () => {
  it.each([
    ['+CMGL: 0,1,,19', { index: 0, stat: 'REC READ', length: 19 }],
    ['+CMGL: 3,0,"",35', { index: 3, stat: 'REC UNREAD', length: 35 }],
    ['+CMGL: 17,3,35', { index: 17, stat: 'STO SENT', length: 35 }], // Pantech: no alpha field
    ['+CMGL: 1,"REC READ",,22', { index: 1, stat: 'REC READ', length: 22 }],
  ])('%s', (line, expected) => {
    expect(parseCmglPduHeader(line)).toEqual(expected);
  });

  it.each(['+CMGL: 19', '+CMGL: x,1,,19', '+CMGL: 1,9,,19', '+CMGL: 1,1,,'])('refuses %j', (line) => {
    let caught: unknown;
    try {
      parseCmglPduHeader(line);
    } catch (error) {
      caught = error;
    }
    expect(isBridgeError(caught, 'PARSE_ERROR')).toBe(true);
  });
});

describe('parseCmtPduHeader and parseCdsPduHeader', () => {
  it.each([
    ['+CMT: ,23', { length: 23 }],
    ['+CMT: "Bob",23', { alpha: 'Bob', length: 23 }],
    ['+CMT: 23', { length: 23 }],
  ])('%s', (line, expected) => {
    expect(parseCmtPduHeader(line)).toEqual(expected);
  });

  it.each([
    ['+CDS: 24', { length: 24 }], // ModemManager
    ['+CDS: ,25', { length: 25 }], // ZTE's extra comma
  ])('%s', (line, expected) => {
    expect(parseCdsPduHeader(line)).toEqual(expected);
  });

  it('refuses a text-mode +CDS line', () => {
    expect(() => parseCdsPduHeader('+CDS: 6,79,"+15551230000",145,"24/10/24,20:41:12+00","24/10/24,20:41:15+00",0')).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }));
  });
});
