import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRoutes, formatUptime, pong, statusLine } from '../../src/dispatch/actions/builtin.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { checkSmsText, countSeptets } from '../../src/sms/gsm7.js';
import { cmd } from './helpers.js';

describe('ping', () => {
  it.each([
    ['ping', 'pong'],
    ['PING', 'pong'],
    ['ping hello', 'pong hello'],
    ['  ping   hello  world  ', 'pong hello  world'],
  ])('answers %j with %j', (text, reply) => {
    expect(pong(text)).toBe(reply);
  });

  it('answers a 160-character ping with a 160-character pong', async () => {
    const text = `ping ${'n'.repeat(155)}`;
    const outcome = await new Dispatcher({ routes: builtinRoutes() }).dispatch(cmd(text));
    expect(outcome).toMatchObject({ route: 'ping', reply: `pong ${'n'.repeat(155)}`, status: 'ok' });
  });
});

describe('status', () => {
  const base = { signalDbm: -71, registration: 'home', uptimeS: 3 * 86_400 + 4 * 3600 + 5 * 60 + 6, version: '0.1.0' };

  it('puts signal, registration, uptime, version and operator on one line', () => {
    expect(statusLine({ ...base, operator: 'Vodafone UK' })).toBe('sig=-71dBm reg=home up=3d4h5m v=0.1.0 op=Vodafone UK');
  });

  it('leaves out what the source does not know', () => {
    expect(statusLine({ uptimeS: 42, version: '0.1.0' })).toBe('up=42s v=0.1.0');
  });

  it('cuts only the operator, without an ellipsis, so the line is exactly the limit', () => {
    const line = statusLine({ ...base, operator: 'O'.repeat(300) });
    expect(line.startsWith('sig=-71dBm reg=home up=3d4h5m v=0.1.0 op=OOO')).toBe(true);
    expect(countSeptets(line)).toBe(160);
  });

  it('shows operator characters GSM-7 lacks as ? and counts extension characters twice', () => {
    expect(statusLine({ ...base, operator: 'Télé 中国 {x}' })).toBe('sig=-71dBm reg=home up=3d4h5m v=0.1.0 op=Télé ?? {x}');
    const line = statusLine({ ...base, operator: '{'.repeat(100) });
    expect(countSeptets(line)).toBeLessThanOrEqual(160);
  });

  it('drops the operator when nothing is left for it', () => {
    expect(statusLine({ ...base, version: 'v'.repeat(124), operator: 'Vodafone' })).not.toMatch(/op=/);
  });

  it('always fits one SMS whatever the operator name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), fc.integer({ min: -120, max: -40 }), fc.nat(10 ** 9), (operator, signalDbm, uptimeS) => {
        const line = statusLine({ signalDbm, registration: 'roaming', operator, uptimeS, version: '0.1.0-beta.12' });
        expect(checkSmsText(line).ok).toBe(true);
      }),
    );
  });

  it('answers through the dispatcher from the injected status source', async () => {
    const dispatcher = new Dispatcher({ routes: builtinRoutes({ statusSource: async () => ({ ...base, operator: 'EE' }) }) });
    expect(await dispatcher.dispatch(cmd('Status'))).toMatchObject({ route: 'status', reply: 'sig=-71dBm reg=home up=3d4h5m v=0.1.0 op=EE', status: 'ok' });
  });

  it('has no status route without a status source', () => {
    expect(builtinRoutes().map((r) => r.name)).toEqual(['ping']);
  });
});

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [59.9, '59s'],
    [61, '1m1s'],
    [3600, '1h0m'],
    [90_061, '1d1h1m'],
  ])('formats %i seconds as %s', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });
});
