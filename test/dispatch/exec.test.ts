import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execHandler, firstLine } from '../../src/dispatch/actions/exec.js';
import { routeFromSpec } from '../../src/dispatch/actions/spec.js';
import { compileArgTemplate, fillArgTemplate } from '../../src/dispatch/actions/template.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { memoryLogger } from '../../src/log.js';
import { cmd } from './helpers.js';

const NODE = process.execPath;
const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dispatcherWith(spec: Parameters<typeof routeFromSpec>[0], log = memoryLogger()) {
  return new Dispatcher({ log, routes: [routeFromSpec(spec)] });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('argument templates', () => {
  it('fills {1} and {json.key} and keeps the rest of each argument', () => {
    const template = compileArgTemplate(['--level={1}', '{json.when}', 'fixed'], { 1: '[0-9]+', 'json.when': 'Immediate|Later' });
    expect(fillArgTemplate(template, { args: ['7'], json: { when: 'Later' } })).toEqual({ ok: true, argv: ['--level=7', 'Later', 'fixed'] });
  });

  it('reads nested JSON keys and scalar values only', () => {
    const template = compileArgTemplate(['{json.a.b}'], { 'json.a.b': '.*' });
    expect(fillArgTemplate(template, { args: [], json: { a: { b: true } } })).toEqual({ ok: true, argv: ['true'] });
    expect(fillArgTemplate(template, { args: [], json: { a: { b: [1] } } })).toEqual({ ok: false, message: 'missing json.a.b' });
  });

  it('requires the whole value to match, so a partial match is refused', () => {
    const template = compileArgTemplate(['{1}'], { 1: '[0-9]+' });
    expect(fillArgTemplate(template, { args: ['12x'] })).toEqual({ ok: false, message: 'argument 1 must match [0-9]+' });
  });

  it('reports a missing argument', () => {
    const template = compileArgTemplate(['{2}'], { 2: '.*' });
    expect(fillArgTemplate(template, { args: ['only-one'] })).toEqual({ ok: false, message: 'missing argument 2' });
  });

  it('refuses a placeholder without a pattern, and an invalid pattern, up front', () => {
    expect(() => compileArgTemplate(['{1}'])).toThrow('placeholder {1} has no pattern in params');
    expect(() => compileArgTemplate(['{1}'], { 1: '(' })).toThrow(/not a valid regular expression/);
  });
});

describe('exec actions', () => {
  it('runs the program with the filled template and replies with the first line of stdout', async () => {
    const dispatcher = dispatcherWith({ verb: 'level', exec: { program: '/bin/echo', args: ['level', '{1}'], params: { 1: '[0-9]{1,3}' } } });
    expect(await dispatcher.dispatch(cmd('level 42'))).toMatchObject({ route: 'level', reply: 'level 42', status: 'ok' });
  });

  it('passes shell syntax through as plain text, because there is no shell', async () => {
    const dispatcher = dispatcherWith({ verb: 'say', exec: { program: '/bin/echo', args: ['{1}'], params: { 1: '.*' } } });
    expect((await dispatcher.dispatch(cmd('say $(id);rm>x|id'))).reply).toBe('$(id);rm>x|id');
  });

  it('replies with only the first non-empty line', async () => {
    const dispatcher = dispatcherWith({ verb: 'multi', exec: { program: NODE, args: ['-e', 'console.log("\\nfirst\\r\\nsecond")'] } });
    expect((await dispatcher.dispatch(cmd('multi'))).reply).toBe('first');
  });

  it('sends no reply when the program prints nothing', async () => {
    const dispatcher = dispatcherWith({ verb: 'quiet', exec: { program: NODE, args: ['-e', ''] } });
    expect(await dispatcher.dispatch(cmd('quiet'))).toMatchObject({ reply: null, status: 'no-reply' });
  });

  it('answers a non-zero exit with the code and the first line of stderr', async () => {
    const dispatcher = dispatcherWith({ verb: 'fail', exec: { program: NODE, args: ['-e', 'console.error("disk full\\nmore"); process.exit(3)'] } });
    expect(await dispatcher.dispatch(cmd('fail'))).toMatchObject({ reply: 'ERR exit 3: disk full', status: 'error' });
  });

  it('answers a program that cannot be started with the reason', async () => {
    const dispatcher = dispatcherWith({ verb: 'gone', exec: { program: '/nonexistent/program' } });
    expect(await dispatcher.dispatch(cmd('gone'))).toMatchObject({ reply: 'ERR gone: spawn /nonexistent/program ENOENT', status: 'error' });
  });

  it('refuses an argument that does not match its pattern, and nothing runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsbridge-exec-'));
    dirs.push(dir);
    const marker = join(dir, 'ran');
    const log = memoryLogger();
    const dispatcher = dispatcherWith(
      { verb: 'mark', exec: { program: NODE, args: ['-e', 'require("fs").writeFileSync(process.argv[1], process.argv[2]); console.log("marked")', marker, '{1}'], params: { 1: '[0-9]{1,3}' } } },
      log,
    );
    expect(await dispatcher.dispatch(cmd('mark 1;reboot'))).toMatchObject({ reply: 'ERR mark: argument 1 must match [0-9]{1,3}', status: 'error' });
    expect(await dispatcher.dispatch(cmd('mark 1000'))).toMatchObject({ status: 'error' });
    expect(await dispatcher.dispatch(cmd('mark'))).toMatchObject({ reply: 'ERR mark: missing argument 1' });
    expect(existsSync(marker)).toBe(false);
    expect(log.entries.filter((e) => e.msg === 'exec started')).toEqual([]);
    // The same action with a valid argument does run: the refusals above were the pattern, not a broken setup.
    expect(await dispatcher.dispatch(cmd('mark 7'))).toMatchObject({ reply: 'marked', status: 'ok' });
    expect(existsSync(marker)).toBe(true);
  });

  it('gives the child only PATH, HOME, LANG, TZ and the declared variables', async () => {
    process.env.SMSBRIDGE_TEST_SECRET = 'hunter2';
    try {
      const dispatcher = dispatcherWith({
        verb: 'env',
        exec: { program: NODE, args: ['-e', 'console.log(`${process.env.SMSBRIDGE_TEST_SECRET ?? "absent"} ${process.env.LEVEL}`)'], env: { LEVEL: '3' } },
      });
      expect((await dispatcher.dispatch(cmd('env'))).reply).toBe('absent 3');
    } finally {
      delete process.env.SMSBRIDGE_TEST_SECRET;
    }
  });

  it('fills JSON placeholders from the seed example payload', async () => {
    const dispatcher = dispatcherWith({
      name: 'enable',
      json: { enable: 'True', when: { pattern: 'Immediate|Later' } },
      exec: { program: '/bin/echo', args: ['reset={json.reset}', 'when={json.when}'], params: { 'json.reset': 'true|false|True|False', 'json.when': 'Immediate|Later' } },
    });
    expect((await dispatcher.dispatch(cmd('{"enable":"True", "reset":"False","when":"Immediate"}'))).reply).toBe('reset=False when=Immediate');
  });

  it('kills the child when the action times out and answers with the timeout', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }); // rxjs timers only; the child runs for real
    const log = memoryLogger();
    const dispatcher = dispatcherWith({ verb: 'hang', exec: { program: NODE, args: ['-e', 'setInterval(() => {}, 1000)'], timeoutMs: 2000 } }, log);
    const pending = dispatcher.dispatch(cmd('hang'));
    await vi.waitFor(() => expect(log.entries.some((e) => e.msg === 'exec started')).toBe(true));
    const pid = (log.entries.find((e) => e.msg === 'exec started')?.obj as { pid: number }).pid;
    expect(isAlive(pid)).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await pending).toMatchObject({ reply: 'ERR hang: timed out after 2s', status: 'timeout' });
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 5000 });
  });

  it('rejects with the abort reason when its signal fires', async () => {
    const controller = new AbortController();
    const handler = execHandler('hang', { program: NODE, args: ['-e', 'setInterval(() => {}, 1000)'] });
    const result = handler({ command: cmd('hang'), verb: 'hang', args: [], signal: controller.signal, log: memoryLogger() });
    controller.abort(new Error('stop'));
    await expect(result).rejects.toThrow('stop');
  });
});

describe('firstLine', () => {
  it.each([
    ['', null],
    ['\n\n', null],
    ['a\nb', 'a'],
    ['  \r\nvalue  \r\n', 'value'],
  ])('takes %j to %j', (text, line) => {
    expect(firstLine(text)).toBe(line);
  });
});
