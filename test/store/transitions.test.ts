import { describe, expect, it } from 'vitest';
import { isBridgeError } from '../../src/errors.js';
import {
  canTransition,
  INBOUND_STATES,
  INBOUND_TRANSITIONS,
  OUTBOUND_STATUSES,
  OUTBOUND_TRANSITIONS,
} from '../../src/store/index.js';
import { assertTransition } from '../../src/store/transitions.js';

const inboundAllowed = new Set([
  'received→handling',
  'received→refused',
  'handling→handled',
  'handling→interrupted',
  'handling→refused',
  'handled→replied',
  'handled→no-reply',
]);

const outboundAllowed = new Set([
  'queued→sending',
  'queued→failed',
  'sending→sending',
  'sending→queued',
  'sending→sent',
  'sending→failed',
  'sent→delivered',
  'sent→failed',
]);

describe('inbound state machine', () => {
  const pairs = INBOUND_STATES.flatMap((from) => INBOUND_STATES.map((to) => [from, to] as const));
  it.each(pairs)('allows %s → %s only if it is in the documented table', (from, to) => {
    expect(canTransition(INBOUND_TRANSITIONS, from, to)).toBe(inboundAllowed.has(`${from}→${to}`));
  });

  it('has no way out of the final states', () => {
    for (const final of ['replied', 'no-reply', 'refused', 'interrupted'] as const) {
      expect(INBOUND_TRANSITIONS[final]).toEqual([]);
    }
  });
});

describe('outbound state machine', () => {
  const pairs = OUTBOUND_STATUSES.flatMap((from) => OUTBOUND_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('allows %s → %s only if it is in the documented table', (from, to) => {
    expect(canTransition(OUTBOUND_TRANSITIONS, from, to)).toBe(outboundAllowed.has(`${from}→${to}`));
  });
});

describe('assertTransition', () => {
  it('throws a STORE_ERROR naming the record and both states', () => {
    let caught: unknown;
    try {
      assertTransition(INBOUND_TRANSITIONS, 'inbound #7', 'replied', 'handling');
    } catch (error) {
      caught = error;
    }
    expect(isBridgeError(caught, 'STORE_ERROR')).toBe(true);
    expect((caught as Error).message).toBe('inbound #7: illegal transition replied → handling');
  });
});
