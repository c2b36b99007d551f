import { describe, expect, it } from 'vitest';
import { errorName, numberForText } from '../../src/at/error-codes.js';
import { classifyFinal } from '../../src/at/final-result.js';

describe('classifyFinal', () => {
  it.each([
    ['OK', { kind: 'ok' }],
    ['ERROR', { kind: 'error', text: 'ERROR' }],
    ['+CME ERROR: 14', { kind: 'cme', text: '+CME ERROR: 14', number: 14, name: 'SIM busy' }],
    ['+CME ERROR: SIM busy', { kind: 'cme', text: '+CME ERROR: SIM busy', number: 14, name: 'SIM busy' }],
    ['+CME ERROR: raspberry', { kind: 'cme', text: '+CME ERROR: raspberry', name: 'raspberry' }],
    ['+CMS ERROR: 350', { kind: 'cms', text: '+CMS ERROR: 350', number: 350, name: 'rejected by SMSC' }],
    ['+CMS ERROR: 500', { kind: 'cms', text: '+CMS ERROR: 500', number: 500, name: 'unknown error' }],
    ['+CMS ERROR: unknown error', { kind: 'cms', text: '+CMS ERROR: unknown error', number: 500, name: 'unknown error' }],
    ['+CMS ERROR: 9999', { kind: 'cms', text: '+CMS ERROR: 9999', number: 9999 }],
    ['+CMS ERROR: ', { kind: 'cms', text: '+CMS ERROR:' }],
    ['+CME ERROR:', { kind: 'cme', text: '+CME ERROR:' }],
    ['+CME ERROR:10', { kind: 'cme', text: '+CME ERROR:10', number: 10, name: 'SIM not inserted' }],
    ['COMMAND NOT SUPPORT', { kind: 'error', text: 'COMMAND NOT SUPPORT' }],
    ['NO CARRIER', { kind: 'error', text: 'NO CARRIER' }],
    ['  OK  ', { kind: 'ok' }],
  ])('reads %j as a final result', (line, expected) => {
    expect(classifyFinal(line)).toEqual(expected);
  });

  it.each(['+CMGS: 13', 'OKAY', 'ping', '+CMTI: "SM",3', 'RING', 'ERROR: 5', '+CMEE: 1'])('does not take %j for a final result', (line) => {
    expect(classifyFinal(line)).toBeUndefined();
  });

  it('keeps the 3GPP names of CME and CMS numbers and maps verbose texts back', () => {
    expect(errorName('CME', 11)).toBe('SIM PIN required');
    expect(errorName('CMS', 322)).toBe('memory full');
    expect(numberForText('CMS', 'Memory  Full')).toBe(322);
    expect(numberForText('CME', 'no such thing')).toBeUndefined();
  });
});
