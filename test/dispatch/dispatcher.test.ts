import { NEVER, Subject, of, timer, map, EMPTY } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { ActionFailure, type HandlerContext, type InboundCommand, type Outcome } from '../../src/dispatch/types.js';
import { checkSmsText } from '../../src/sms/gsm7.js';
import { memoryLogger } from '../../src/log.js';
import { cmd, deferred } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Dispatcher.dispatch', () => {
  it('replies with the handler string and names the route', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'hello', handler: ({ args }) => `hi ${args.join('+')}` }] });
    const outcome = await dispatcher.dispatch(cmd('HELLO a b'));
    expect(outcome).toMatchObject({ route: 'hello', reply: 'hi a+b', status: 'ok' });
  });

  it('gives the handler the verb, the arguments, the JSON value and the pattern match', async () => {
    const seen: HandlerContext[] = [];
    const dispatcher = new Dispatcher({
      routes: [
        { json: { enable: 'true' }, name: 'enable', handler: (ctx) => void seen.push(ctx) },
        { pattern: /^set (\w+)$/, name: 'set', handler: (ctx) => void seen.push(ctx) },
      ],
    });
    await dispatcher.dispatch(cmd('{"enable":"True","when":"Immediate"}'));
    await dispatcher.dispatch(cmd('set volume'));
    expect(seen[0]?.json).toEqual({ enable: 'True', when: 'Immediate' });
    expect(seen[1]).toMatchObject({ verb: 'set', args: ['volume'] });
    expect(seen[1]?.match?.[1]).toBe('volume');
  });

  it.each([null, undefined, ''])('sends no reply when the handler returns %j', async (value) => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'quiet', handler: () => value }] });
    expect(await dispatcher.dispatch(cmd('quiet'))).toMatchObject({ reply: null, status: 'no-reply' });
  });

  it('takes the last value of an Observable handler as the reply', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'steps', handler: () => of('step 1', 'step 2', 'done') }] });
    expect(await dispatcher.dispatch(cmd('steps'))).toMatchObject({ reply: 'done', status: 'ok' });
  });

  it('sends no reply for an Observable handler that completes empty', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'none', handler: () => EMPTY }] });
    expect(await dispatcher.dispatch(cmd('none'))).toMatchObject({ reply: null, status: 'no-reply' });
  });

  it('turns a synchronous throw into an error reply naming the route', async () => {
    const dispatcher = new Dispatcher({
      routes: [
        {
          verb: 'boom',
          handler: () => {
            throw new Error('kaput');
          },
        },
      ],
    });
    expect(await dispatcher.dispatch(cmd('boom'))).toMatchObject({ route: 'boom', reply: 'ERR boom: kaput', status: 'error', error: 'kaput' });
  });

  it('turns a rejected promise into an error reply', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'boom', name: 'Boom!', handler: () => Promise.reject(new Error('no disk')) }] });
    expect(await dispatcher.dispatch(cmd('boom'))).toMatchObject({ route: 'Boom!', reply: 'ERR Boom!: no disk', status: 'error' });
  });

  it('sends the reply of an ActionFailure as it is', async () => {
    const dispatcher = new Dispatcher({
      routes: [
        {
          verb: 'run',
          handler: () => {
            throw new ActionFailure('ERR exit 2: no such file');
          },
        },
      ],
    });
    expect(await dispatcher.dispatch(cmd('run'))).toMatchObject({ reply: 'ERR exit 2: no such file', status: 'error' });
  });

  it('refuses a handler result that is not a string', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'num', handler: () => 42 as unknown as string }] });
    expect(await dispatcher.dispatch(cmd('num'))).toMatchObject({ reply: 'ERR num: handler returned number, not a string', status: 'error' });
  });

  it('fits an error reply built from a long, unencodable message into one SMS', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'boom', handler: () => Promise.reject(new Error(`😀 line\n${'x'.repeat(400)}`)) }] });
    const { reply } = await dispatcher.dispatch(cmd('boom'));
    expect(reply).toMatch(/^ERR boom: \? line x+$/);
    expect(checkSmsText(reply ?? '')).toMatchObject({ ok: true, units: 160 });
  });

  describe('timeouts', () => {
    it('answers a handler that does not finish in 10 s with a timeout reply and aborts its signal', async () => {
      let signal: AbortSignal | undefined;
      const dispatcher = new Dispatcher({
        routes: [
          {
            verb: 'hang',
            handler: (ctx) => {
              signal = ctx.signal;
              return new Promise<string>(() => {});
            },
          },
        ],
      });
      const pending = dispatcher.dispatch(cmd('hang'));
      await vi.advanceTimersByTimeAsync(9_999);
      expect(signal?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await pending).toMatchObject({ route: 'hang', reply: 'ERR hang: timed out after 10s', status: 'timeout', durationMs: 10_000 });
      expect(signal?.aborted).toBe(true);
    });

    it('uses the route timeout over the default', async () => {
      const dispatcher = new Dispatcher({ defaultTimeoutMs: 60_000, routes: [{ verb: 'hang', timeoutMs: 1_500, handler: () => NEVER }] });
      const pending = dispatcher.dispatch(cmd('hang'));
      await vi.advanceTimersByTimeAsync(1_500);
      expect(await pending).toMatchObject({ reply: 'ERR hang: timed out after 1500ms', status: 'timeout' });
    });

    it('lets a handler finish just before its timeout', async () => {
      const dispatcher = new Dispatcher({ routes: [{ verb: 'slow', timeoutMs: 3_000, handler: () => timer(2_999).pipe(map(() => 'made it')) }] });
      const pending = dispatcher.dispatch(cmd('slow'));
      await vi.advanceTimersByTimeAsync(3_000);
      expect(await pending).toMatchObject({ reply: 'made it', status: 'ok', durationMs: 2_999 });
    });

    it('does not abort the signal of a handler that finished', async () => {
      let signal: AbortSignal | undefined;
      const dispatcher = new Dispatcher({ routes: [{ verb: 'ok', handler: (ctx) => ((signal = ctx.signal), 'fine') }] });
      await dispatcher.dispatch(cmd('ok'));
      await vi.advanceTimersByTimeAsync(20_000);
      expect(signal?.aborted).toBe(false);
    });
  });

  describe('the reply guard', () => {
    it('sends a reply of exactly 160 septets, extension characters counting twice', async () => {
      const dispatcher = new Dispatcher({ routes: [{ verb: 'braces', handler: () => '{'.repeat(80) }] });
      expect(await dispatcher.dispatch(cmd('braces'))).toMatchObject({ reply: '{'.repeat(80), status: 'ok' });
    });

    it('does not cut a reply that is too long: it reports it and sends a short error instead', async () => {
      const dispatcher = new Dispatcher({ routes: [{ verb: 'long', handler: () => '{'.repeat(81) }] });
      const outcome = await dispatcher.dispatch(cmd('long'));
      expect(outcome).toMatchObject({ route: 'long', reply: 'ERR reply too long (162 septets)', status: 'reply-too-long' });
      expect(outcome.error).toMatch(/162 septets; one SMS holds 160/);
    });

    it('reports an unencodable reply with the code point and position', async () => {
      const dispatcher = new Dispatcher({ routes: [{ verb: 'emoji', handler: () => 'ok 😀' }] });
      const outcome = await dispatcher.dispatch(cmd('emoji'));
      expect(outcome).toMatchObject({ reply: 'ERR reply not encodable: U+1F600 at position 3', status: 'error' });
      expect(outcome.error).toMatch(/cannot be sent in GSM-7/);
    });

    it('reports a control character that would end the SMS early', async () => {
      const dispatcher = new Dispatcher({ routes: [{ verb: 'ctrlz', handler: () => 'ok\u001a' }] });
      expect(await dispatcher.dispatch(cmd('ctrlz'))).toMatchObject({ reply: 'ERR reply not encodable: control character U+001A at position 2', status: 'error' });
    });

    it('applies a lower reply limit when configured', async () => {
      const dispatcher = new Dispatcher({ maxReplySeptets: 10, routes: [{ verb: 'x', handler: () => '12345678901' }] });
      expect(await dispatcher.dispatch(cmd('x'))).toMatchObject({ reply: 'ERR reply', status: 'reply-too-long' });
    });
  });

  describe('unknown and invalid commands', () => {
    it('answers an unknown command with the default reply naming the word as typed', async () => {
      const outcome = await new Dispatcher().dispatch(cmd('Frobnicate 3'));
      expect(outcome).toMatchObject({ reply: 'ERR unknown command: Frobnicate', status: 'unknown' });
      expect(outcome.route).toBeUndefined();
    });

    it('uses a configured unknown reply, or none', async () => {
      expect((await new Dispatcher({ unknownReply: '? {verb}' }).dispatch(cmd('zap'))).reply).toBe('? zap');
      expect((await new Dispatcher({ unknownReply: (word) => `no ${word.length}` }).dispatch(cmd('zap'))).reply).toBe('no 3');
      expect(await new Dispatcher({ unknownReply: null }).dispatch(cmd('zap'))).toMatchObject({ reply: null, status: 'unknown' });
    });

    it('keeps the unknown reply within one SMS for a 160-character word', async () => {
      const { reply } = await new Dispatcher().dispatch(cmd('w'.repeat(160)));
      expect(checkSmsText(reply ?? '').ok).toBe(true);
      expect(reply).toMatch(/^ERR unknown command: w+$/);
    });

    it('answers invalid JSON with the parser message', async () => {
      const outcome = await new Dispatcher().dispatch(cmd('{"enable": True}'));
      expect(outcome.status).toBe('error');
      expect(outcome.reply).toMatch(/^ERR invalid JSON: .+/);
    });
  });

  describe('security', () => {
    it('refuses a sender outside the allow-list without running anything or replying', async () => {
      const handler = vi.fn(() => 'pong');
      const log = memoryLogger();
      const outcome = await new Dispatcher({ log, routes: [{ verb: 'ping', handler }] }).dispatch(cmd('ping', { sender: '+447700900123' }));
      expect(outcome).toMatchObject({ reply: null, status: 'refused', refusal: 'sender-not-allowed' });
      expect(handler).not.toHaveBeenCalled();
      expect(log.entries).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'command refused' }));
    });

    it('refuses a signed-mode command whose counter store fails, without running it', async () => {
      const handler = vi.fn(() => 'pong');
      const dispatcher = new Dispatcher({
        routes: [{ verb: 'ping', handler }],
        security: {
          key: 'k',
          acceptCounter: () => {
            throw new Error('database is locked');
          },
        },
      });
      const { signCommand } = await import('../../src/dispatch/security.js');
      const outcome = await dispatcher.dispatch(cmd(signCommand('k', 'ping', 1)));
      expect(outcome).toMatchObject({ reply: null, status: 'error', error: 'security check failed: database is locked' });
      expect(handler).not.toHaveBeenCalled();
    });
  });

  it('logs outcomes without texts or replies when payloads are redacted', async () => {
    const log = memoryLogger();
    await new Dispatcher({ log, redactPayloads: true, routes: [{ verb: 'secret', handler: () => 'code 1234' }] }).dispatch(cmd('secret 1234'));
    expect(JSON.stringify(log.entries)).not.toMatch(/1234/);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'info', msg: 'command handled' }));
  });
});

describe('Dispatcher.process', () => {
  function collect(dispatcher: Dispatcher) {
    const input = new Subject<InboundCommand>();
    const outcomes: Outcome[] = [];
    let completed = false;
    const subscription = dispatcher.process(input.asObservable()).subscribe({
      next: (o) => outcomes.push(o),
      complete: () => (completed = true),
    });
    return { input, outcomes, subscription, done: () => completed, texts: () => outcomes.map((o) => o.reply) };
  }

  it('goes on after a handler crashes, times out or replies too long', async () => {
    const dispatcher = new Dispatcher({
      routes: [
        { verb: 'echo', handler: ({ args }) => args.join(' ') },
        { verb: 'crash', handler: () => Promise.reject(new Error('oops')) },
        { verb: 'hang', timeoutMs: 1000, handler: () => NEVER },
        { verb: 'long', handler: () => 'x'.repeat(200) },
      ],
    });
    const { input, outcomes, texts } = collect(dispatcher);
    for (const text of ['echo 1', 'crash', 'echo 2', 'hang', 'long', 'echo 3']) input.next(cmd(text));
    await vi.advanceTimersByTimeAsync(1000);
    expect(texts()).toEqual(['1', 'ERR crash: oops', '2', 'ERR hang: timed out after 1s', 'ERR reply too long (200 septets)', '3']);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'error', 'ok', 'timeout', 'reply-too-long', 'ok']);
  });

  it('handles one sender’s commands one at a time in arrival order', async () => {
    const gates = [deferred<string>(), deferred<string>()];
    const running: string[] = [];
    const dispatcher = new Dispatcher({
      routes: [
        {
          verb: 'job',
          handler: ({ args }) => {
            const n = Number(args[0]);
            running.push(`start ${n}`);
            return gates[n]?.promise ?? `job ${n}`;
          },
        },
      ],
    });
    const { input, texts } = collect(dispatcher);
    input.next(cmd('job 0'));
    input.next(cmd('job 1'));
    input.next(cmd('job 2'));
    await vi.advanceTimersByTimeAsync(0);
    expect(running).toEqual(['start 0']);
    gates[1]?.resolve('job 1'); // finishing early changes nothing: job 1 has not started
    gates[0]?.resolve('job 0');
    await vi.advanceTimersByTimeAsync(0);
    expect(running).toEqual(['start 0', 'start 1', 'start 2']);
    expect(texts()).toEqual(['job 0', 'job 1', 'job 2']);
  });

  it('keeps the order of unknown-command replies among a sender’s other replies', async () => {
    const gate = deferred<string>();
    const dispatcher = new Dispatcher({ routes: [{ verb: 'slow', handler: () => gate.promise }] });
    const { input, texts } = collect(dispatcher);
    input.next(cmd('slow'));
    input.next(cmd('nope'));
    await vi.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual([]);
    gate.resolve('slow done');
    await vi.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual(['slow done', 'ERR unknown command: nope']);
  });

  it('does not make one sender wait for another', async () => {
    const gate = deferred<string>();
    const dispatcher = new Dispatcher({
      security: { allow: ['000', '+15005550006'] },
      routes: [
        { verb: 'slow', handler: () => gate.promise },
        { verb: 'fast', handler: () => 'fast done' },
      ],
    });
    const { input, texts } = collect(dispatcher);
    input.next(cmd('slow'));
    input.next(cmd('fast', { sender: '+15005550006' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual(['fast done']);
    gate.resolve('slow done');
    await vi.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual(['fast done', 'slow done']);
  });

  it('runs an independent route without waiting for the sender’s earlier commands', async () => {
    const gate = deferred<string>();
    const dispatcher = new Dispatcher({
      routes: [
        { verb: 'reboot', handler: () => gate.promise },
        { verb: 'ping', independent: true, handler: () => 'pong' },
      ],
    });
    const { input, texts } = collect(dispatcher);
    input.next(cmd('reboot'));
    input.next(cmd('ping'));
    await vi.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual(['pong']);
    gate.resolve('rebooting');
    await vi.advanceTimersByTimeAsync(0);
    expect(texts()).toEqual(['pong', 'rebooting']);
  });

  it('emits refusals at once, without holding up or being held up by the queue', async () => {
    const gate = deferred<string>();
    const dispatcher = new Dispatcher({ routes: [{ verb: 'slow', handler: () => gate.promise }] });
    const { input, outcomes } = collect(dispatcher);
    input.next(cmd('slow'));
    input.next(cmd('slow', { sender: '12345' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(outcomes.map((o) => o.status)).toEqual(['refused']);
  });

  it('aborts handlers in flight when the subscriber unsubscribes', async () => {
    let signal: AbortSignal | undefined;
    const dispatcher = new Dispatcher({ routes: [{ verb: 'hang', handler: (ctx) => ((signal = ctx.signal), NEVER) }] });
    const { input, subscription } = collect(dispatcher);
    input.next(cmd('hang'));
    expect(signal?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
  });

  it('completes when the commands complete and every handler has finished', async () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'wait', handler: () => timer(500).pipe(map(() => 'waited')) }] });
    const { input, done, texts } = collect(dispatcher);
    input.next(cmd('wait'));
    input.complete();
    expect(done()).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(done()).toBe(true);
    expect(texts()).toEqual(['waited']);
  });
});

describe('Dispatcher.register', () => {
  it('adds a route that can be removed again', async () => {
    const dispatcher = new Dispatcher();
    const remove = dispatcher.register({ verb: 'reboot', handler: async () => 'rebooting', timeoutMs: 5000, idempotent: false });
    expect((await dispatcher.dispatch(cmd('reboot'))).reply).toBe('rebooting');
    remove();
    expect((await dispatcher.dispatch(cmd('reboot'))).status).toBe('unknown');
  });

  it('refuses a route with two ways of matching or a bad timeout', () => {
    const dispatcher = new Dispatcher();
    expect(() => dispatcher.register({ verb: 'a', pattern: /a/, handler: () => 'x' } as never)).toThrow(/exactly one of verb, pattern or json/);
    expect(() => dispatcher.register({ verb: 'a', timeoutMs: 0, handler: () => 'x' })).toThrow(/timeoutMs must be a positive number/);
  });

  it('tells which route a text would take, and whether it is idempotent', () => {
    const dispatcher = new Dispatcher({ routes: [{ verb: 'ping', independent: true, idempotent: true, handler: () => 'pong' }] });
    expect(dispatcher.routeFor('PING 1')).toEqual({ name: 'ping', independent: true, idempotent: true });
    expect(dispatcher.routeFor('reboot')).toBeUndefined();
  });
});
