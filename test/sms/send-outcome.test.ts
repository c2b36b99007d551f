import { describe, expect, it } from 'vitest';
import { BridgeError, type BridgeErrorCode } from '../../src/errors.js';
import { judgeSendFailure, storageRefused, type SendStep } from '../../src/sms/send-outcome.js';

const error = (code: BridgeErrorCode, details: { number?: number; bodyWritten?: boolean } = {}) => new BridgeError(code, `${code} ${details.number ?? ''}`, details);

describe('judgeSendFailure: what a failed step means for the reply, by code, number and body, never by message', () => {
  const table: [SendStep, BridgeError, string][] = [
    // The modem or the network said no.
    ['send-direct', error('CMS_ERROR', { number: 350, bodyWritten: true }), 'refused final'],
    ['send-stored', error('CMS_ERROR', { number: 38 }), 'refused final'],
    ['send-direct', error('CMS_ERROR', { number: 42, bodyWritten: true }), 'refused transient'],
    ['send-stored', error('CMS_ERROR', { number: 500 }), 'refused transient'],
    ['write', error('CMS_ERROR', { number: 322, bodyWritten: true }), 'refused transient'], // full: the sweep makes room
    ['send-direct', error('CMS_ERROR', { bodyWritten: true }), 'refused transient'], // no number: not known to be final
    ['send-stored', error('CME_ERROR', { number: 14 }), 'refused transient'],
    ['send-direct', error('AT_ERROR', { bodyWritten: false }), 'refused transient'],
    ['write', error('SMS_TOO_LONG'), 'refused final'],
    ['write', error('SMS_UNENCODABLE'), 'refused final'],
    // No answer: what could have happened depends on the step.
    ['write', error('AT_TIMEOUT', { bodyWritten: true }), 'not-sent'],
    ['read-slot', error('PORT_CLOSED'), 'not-sent'],
    ['send-direct', error('AT_TIMEOUT', { bodyWritten: false }), 'not-sent'], // no prompt: the body never went
    ['send-direct', error('QUEUE_CLOSED'), 'not-sent'], // never started
    ['send-direct', error('AT_TIMEOUT', { bodyWritten: true }), 'unknown'],
    ['send-direct', error('PORT_CLOSED', { bodyWritten: true }), 'unknown'],
    ['send-direct', error('MODEM_RESET', { bodyWritten: true }), 'unknown'],
    ['send-stored', error('AT_TIMEOUT'), 'unknown'],
    ['send-stored', error('QUEUE_CLOSED'), 'unknown'],
    ['send-stored', error('MODEM_RESET'), 'unknown'],
  ];
  it.each(table)('%s failing with %s → %s', (step, failure, expected) => {
    const outcome = judgeSendFailure(step, failure);
    const label = outcome.kind === 'refused' ? `refused ${outcome.final ? 'final' : 'transient'}` : outcome.kind;
    expect(label).toBe(expected);
    if (outcome.kind === 'refused' && failure.code === 'CMS_ERROR') expect(outcome.code).toBe(failure.number);
  });

  it('does not read the message: the same text under another code judges differently', () => {
    const text = 'no > prompt within 5000 ms';
    expect(judgeSendFailure('send-direct', new BridgeError('AT_TIMEOUT', text, { bodyWritten: true })).kind).toBe('unknown');
    expect(judgeSendFailure('send-direct', new BridgeError('AT_TIMEOUT', text, { bodyWritten: false })).kind).toBe('not-sent');
  });
});

describe('storageRefused: AT+CMGW failures that send the reply without a copy', () => {
  it.each([
    [error('CMS_ERROR', { number: 322 }), true],
    [error('CMS_ERROR', { number: 303 }), true],
    [error('CMS_ERROR', { number: 320 }), true],
    [error('AT_ERROR'), true],
    [error('CMS_ERROR', { number: 500 }), false],
    [error('CMS_ERROR', { number: 314 }), false],
    [error('AT_TIMEOUT'), false],
    [error('PORT_CLOSED'), false],
  ])('%s → %s', (failure, refused) => expect(storageRefused(failure)).toBe(refused));
});
