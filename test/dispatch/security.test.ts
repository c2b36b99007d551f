import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { CommandSecurity, commandTag, memoryCounters, parseSigned, signCommand } from '../../src/dispatch/security.js';
import { cmd } from './helpers.js';

const KEY = 'example-key-do-not-use';
const DOC = readFileSync(new URL('../../docs/signed-commands.md', import.meta.url), 'utf8');
const EXAMPLES: [payload: string, counter: number, signed: string][] = [
  ['reboot', 1700000000, 'reboot 1700000000.4d8d93d5d46e159e'],
  ['ping hello', 42, 'ping hello 42.8271bdad080e767d'],
  ['{"enable":"True","reset":"False","when":"Immediate"}', 1700000001, '{"enable":"True","reset":"False","when":"Immediate"} 1700000001.8c009ca869c52e1a'],
];

describe('the documented examples', () => {
  it.each(EXAMPLES)('signs %j with counter %i as the documentation shows', (payload, counter, signed) => {
    expect(signCommand(KEY, payload, counter)).toBe(signed);
    expect(DOC).toContain(`\`${signed}\``);
  });

  it('matches the openssl command line given in the documentation', () => {
    const hex = execFileSync('openssl', ['dgst', '-sha256', '-hmac', KEY, '-r'], { input: '1700000000.reboot', encoding: 'utf8' });
    expect(hex.slice(0, 16)).toBe(commandTag(KEY, 'reboot', 1700000000));
    expect(DOC).toContain(`openssl dgst -sha256 -hmac "$key" -r | cut -c1-16`);
  });

  it.each(EXAMPLES)('accepts the documented text %#', (payload, counter, signed) => {
    const security = new CommandSecurity({ key: KEY, acceptCounter: memoryCounters() });
    expect(security.check(cmd(signed))).toEqual({ ok: true, text: payload, counter });
  });
});

describe('parseSigned', () => {
  it('splits the payload, the counter and the tag, ignoring trailing white space', () => {
    expect(parseSigned('ping  hello 42.8271BDAD080E767D \n')).toEqual({ payload: 'ping  hello', counter: 42, tag: '8271bdad080e767d' });
  });

  it.each([
    ['no suffix', 'reboot'],
    ['a tag one digit short', 'reboot 1.4d8d93d5d46e159'],
    ['a tag that is not hex', 'reboot 1.4d8d93d5d46e159g'],
    ['a counter with a leading zero', 'reboot 01.4d8d93d5d46e159e'],
    ['a 16-digit counter', 'reboot 1234567890123456.4d8d93d5d46e159e'],
    ['no payload', ' 1.4d8d93d5d46e159e'],
    ['a negative counter', 'reboot -1.4d8d93d5d46e159e'],
  ])('refuses %s', (_, text) => {
    expect(parseSigned(text)).toBeUndefined();
  });
});

describe('signCommand', () => {
  it('keeps the suffix within 31 characters for a millisecond time counter', () => {
    expect(signCommand(KEY, 'x', 1_714_564_800_000).length - 1).toBe(31);
  });

  it('refuses counters and payloads the device could not accept', () => {
    expect(() => signCommand(KEY, 'x', -1)).toThrow(RangeError);
    expect(() => signCommand(KEY, 'x', 1.5)).toThrow(RangeError);
    expect(() => signCommand(KEY, 'x', 10 ** 15)).toThrow(RangeError);
    expect(() => signCommand(KEY, 'x ', 1)).toThrow(RangeError);
    expect(() => signCommand(KEY, '', 1)).toThrow(RangeError);
  });
});

describe('CommandSecurity', () => {
  it('allows only 000 by default and no signature', () => {
    const security = new CommandSecurity();
    expect(security.check(cmd('reboot'))).toEqual({ ok: true, text: 'reboot' });
    expect(security.check(cmd('reboot', { sender: '+000' }))).toMatchObject({ ok: false, reason: 'sender-not-allowed' });
  });

  it('checks the allow-list before the signature', () => {
    const acceptCounter = vi.fn(() => true);
    const security = new CommandSecurity({ key: KEY, acceptCounter });
    expect(security.check(cmd(signCommand(KEY, 'reboot', 1), { sender: '123' }))).toMatchObject({ ok: false, reason: 'sender-not-allowed' });
    expect(acceptCounter).not.toHaveBeenCalled();
  });

  it('refuses an unsigned command when a key is configured', () => {
    const security = new CommandSecurity({ key: KEY, acceptCounter: memoryCounters() });
    expect(security.check(cmd('reboot'))).toMatchObject({ ok: false, reason: 'unsigned' });
  });

  it('refuses a tag made with another key, and a payload changed after signing, without consuming the counter', () => {
    const acceptCounter = vi.fn(memoryCounters());
    const security = new CommandSecurity({ key: KEY, acceptCounter });
    expect(security.check(cmd(signCommand('another key', 'reboot', 5)))).toMatchObject({ ok: false, reason: 'bad-tag' });
    expect(security.check(cmd(signCommand(KEY, 'ping', 5).replace('ping', 'reboot')))).toMatchObject({ ok: false, reason: 'bad-tag' });
    expect(acceptCounter).not.toHaveBeenCalled();
    expect(security.check(cmd(signCommand(KEY, 'reboot', 5)))).toMatchObject({ ok: true, counter: 5 });
  });

  it('refuses a replayed or older counter, per sender', () => {
    const security = new CommandSecurity({ key: KEY, allow: ['000', '001'], acceptCounter: memoryCounters() });
    const signed = signCommand(KEY, 'reboot', 10);
    expect(security.check(cmd(signed))).toMatchObject({ ok: true });
    expect(security.check(cmd(signed))).toMatchObject({ ok: false, reason: 'replayed-counter' });
    expect(security.check(cmd(signCommand(KEY, 'reboot', 9)))).toMatchObject({ ok: false, reason: 'replayed-counter' });
    expect(security.check(cmd(signed, { sender: '001' }))).toMatchObject({ ok: true });
    expect(security.check(cmd(signCommand(KEY, 'reboot', 11)))).toMatchObject({ ok: true });
  });

  it('passes the sender, the counter and the command id to the injected acceptCounter', () => {
    const acceptCounter = vi.fn(() => true);
    const command = cmd(signCommand(KEY, 'status', 77));
    new CommandSecurity({ key: KEY, acceptCounter }).check(command);
    expect(acceptCounter).toHaveBeenCalledWith('000', 77, command.id);
  });

  it('refuses to be built with a key but no replay protection, or an empty key', () => {
    expect(() => new CommandSecurity({ key: KEY })).toThrow(/acceptCounter/);
    expect(() => new CommandSecurity({ key: '', acceptCounter: memoryCounters() })).toThrow(/empty/);
  });
});

describe('signed commands through the dispatcher', () => {
  it('runs the verified payload and hands the handler the text without the suffix', async () => {
    const seen: string[] = [];
    const dispatcher = new Dispatcher({
      security: { key: KEY, acceptCounter: memoryCounters() },
      routes: [{ verb: 'ping', handler: ({ command, args }) => (seen.push(command.text), `pong ${args.join(' ')}`) }],
    });
    const outcome = await dispatcher.dispatch(cmd('ping hello 42.8271bdad080e767d'));
    expect(outcome).toMatchObject({ reply: 'pong hello', status: 'ok' });
    expect(outcome.command.text).toBe('ping hello 42.8271bdad080e767d');
    expect(seen).toEqual(['ping hello']);
  });

  it.each([
    ['a missing tag', 'reboot', 'unsigned'],
    ['a wrong tag', 'reboot 1700000000.0000000000000000', 'bad-tag'],
  ])('refuses %s with no action and no reply', async (_, text, refusal) => {
    const handler = vi.fn(() => 'rebooting');
    const dispatcher = new Dispatcher({ security: { key: KEY, acceptCounter: memoryCounters() }, routes: [{ verb: 'reboot', handler }] });
    expect(await dispatcher.dispatch(cmd(text))).toMatchObject({ reply: null, status: 'refused', refusal });
    expect(handler).not.toHaveBeenCalled();
  });

  it('runs a signed command once and refuses its replay with no action', async () => {
    const handler = vi.fn(() => 'rebooting');
    const dispatcher = new Dispatcher({ security: { key: KEY, acceptCounter: memoryCounters() }, routes: [{ verb: 'reboot', handler }] });
    const signed = 'reboot 1700000000.4d8d93d5d46e159e';
    expect(await dispatcher.dispatch(cmd(signed))).toMatchObject({ reply: 'rebooting', status: 'ok' });
    expect(await dispatcher.dispatch(cmd(signed))).toMatchObject({ reply: null, status: 'refused', refusal: 'replayed-counter' });
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
