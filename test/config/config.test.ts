import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, type Config } from '../../src/config/config.js';
import { Secret } from '../../src/config/secret.js';
import { routeFromSpec, type ActionSpec } from '../../src/dispatch/actions/spec.js';
import { isBridgeError } from '../../src/errors.js';

const EXAMPLE = new URL('../../config.example.yaml', import.meta.url);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smsbridge-config-'));
  dirs.push(dir);
  return dir;
}

/** The CONFIG_INVALID message parseConfig throws for `text`. */
function problem(text: string): string {
  try {
    parseConfig(text, 'smsbridge.yaml');
  } catch (error) {
    expect(isBridgeError(error, 'CONFIG_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

const DEFAULTS: Config = {
  port: 'auto',
  baud: 115200,
  profile: 'auto',
  sms: { mode: 'text', delivery: 'auto', replyTo: '000', statusReports: false, storage: 'auto', sendVia: 'storage', sendTimeoutMs: 120000 },
  allow: ['000'],
  actions: [],
  store: { path: './smsbridge.db', retentionDays: 30 },
  log: { level: 'info', trace: false, redactPayloads: false },
  supervision: { settingsCheckMs: 30000, maxOfflineMs: 0 },
  metrics: {},
  dispatcher: { timeoutMs: 10000, unknownReply: 'ERR unknown command: {verb}' },
  secrets: {},
};

describe('parseConfig', () => {
  it('fills every default for an empty file', () => {
    expect(parseConfig('', 'empty.yaml')).toEqual(DEFAULTS);
    expect(parseConfig('# only a comment\n', 'comment.yaml')).toEqual(DEFAULTS);
  });

  it('parses config.example.yaml, and each of its actions becomes a route', () => {
    const config = parseConfig(readFileSync(EXAMPLE, 'utf8'), 'config.example.yaml');
    const specs: readonly ActionSpec[] = config.actions; // the config's actions are the dispatcher's ActionSpec
    expect(specs.map((spec) => routeFromSpec(spec).name)).toEqual(['level', 'enable', 'agent']);
    expect(config).toMatchObject({ ...DEFAULTS, actions: expect.any(Array) });
  });

  it('keeps the options it is given', () => {
    const config = parseConfig(
      [
        'port: /dev/ttyUSB2',
        'baud: 9600',
        'profile: quectel',
        'sms: { mode: pdu, delivery: direct, replyTo: "+447700900123", statusReports: true, storage: SM, sendTimeoutMs: 30000 }',
        'allow: ["000", "+447700900123"]',
        'keyEnv: SMSBRIDGE_KEY',
        'store: { path: /var/lib/smsbridge/db, retentionDays: 7 }',
        'log: { level: debug, trace: true, redactPayloads: true }',
        'dispatcher: { timeoutMs: 2500, unknownReply: null }',
      ].join('\n'),
      'full.yaml',
    );
    expect(config).toEqual({
      ...DEFAULTS,
      port: '/dev/ttyUSB2',
      baud: 9600,
      profile: 'quectel',
      sms: { mode: 'pdu', delivery: 'direct', replyTo: '+447700900123', statusReports: true, storage: 'SM', sendVia: 'storage', sendTimeoutMs: 30000 },
      allow: ['000', '+447700900123'],
      keyEnv: 'SMSBRIDGE_KEY',
      store: { path: '/var/lib/smsbridge/db', retentionDays: 7 },
      log: { level: 'debug', trace: true, redactPayloads: true },
      dispatcher: { timeoutMs: 2500, unknownReply: null },
    });
  });

  it.each([
    ['a timeout that is not a number', 'actions:\n  - verb: x\n    exec: { program: a, timeoutMs: abc }', 'actions.0.exec.timeoutMs: expected a positive number, got "abc"'],
    ['a negative timeout', 'dispatcher: { timeoutMs: -5 }', 'dispatcher.timeoutMs: expected a positive number, got -5'],
    ['a fractional baud rate', 'baud: 1.5', 'baud: expected a positive whole number, got 1.5'],
    ['an unknown profile', 'profile: nokia', 'profile: expected one of auto, quectel, simcom, huawei, ublox, telit, generic, got "nokia"'],
    ['an unknown SMS mode', 'sms: { mode: binary }', 'sms.mode: expected text or pdu, got "binary"'],
    ['an unknown delivery', 'sms: { delivery: push }', 'sms.delivery: expected auto (+CMT acknowledged with +CNMA where the modem can, else +CMTI), store (+CMTI) or direct (+CMT), got "push"'],
    ['a send timeout of zero', 'sms: { sendTimeoutMs: 0 }', 'sms.sendTimeoutMs: expected a positive whole number, got 0'],
    ['a metrics address without a port', 'metrics: { listen: localhost }', 'metrics.listen: expected host:port, e.g. 127.0.0.1:9464'],
    ['a metrics port out of range', 'metrics: { listen: "127.0.0.1:70000" }', 'metrics.listen: expected a port up to 65535'],
    ['an unquoted 000 in the allow-list', 'allow: [000]', 'allow.0: expected a phone number (digits, optional leading +) in quotes (YAML reads unquoted digits as a number: write "000"), got 0'],
    ['an empty allow-list', 'allow: []', 'allow: expected at least one sender (an empty list refuses every command), got a list'],
    ['a sender that is not a number', 'allow: ["Vodafone"]', 'allow.0: expected a phone number (digits, optional leading +), got "Vodafone"'],
    ['an unquoted replyTo', 'sms: { replyTo: 000 }', 'sms.replyTo: expected a phone number'],
    ['a log level that does not exist', 'log: { level: verbose }', 'log.level: expected one of trace, debug, info, warn, error, got "verbose"'],
    ['a string for a boolean', 'log: { trace: "yes" }', 'log.trace: expected true or false, got "yes"'],
    ['a misspelt top-level option', 'prot: /dev/ttyUSB0', 'prot: unknown option'],
    ['a misspelt nested option', 'store: { retentionDay: 30 }', 'store.retentionDay: unknown option'],
    ['a misspelt action option', 'actions:\n  - verb: x\n    exec: { program: a, tmeoutMs: 5 }', 'actions.0.exec.tmeoutMs: unknown option'],
    ['an action without a way to match', 'actions:\n  - exec: { program: a }', 'actions.0: expected exactly one of verb, pattern, json (found none)'],
    ['an action with two ways to match', 'actions:\n  - { verb: a, pattern: a, exec: { program: a } }', 'actions.0: expected exactly one of verb, pattern, json (found verb, pattern)'],
    ['an action without exec or http', 'actions:\n  - verb: a', 'actions.0: expected exactly one of exec, http'],
    ['an action with both exec and http', 'actions:\n  - { verb: a, exec: { program: a }, http: { url: "http://127.0.0.1/" } }', 'actions.0: expected exactly one of exec, http'],
    ['a verb of two words', 'actions:\n  - { verb: "a b", exec: { program: a } }', 'actions.0.verb: expected one word, got "a b"'],
    ['an invalid pattern', 'actions:\n  - { pattern: "(", exec: { program: a } }', 'actions.0.pattern: expected a valid regular expression'],
    ['an invalid parameter pattern', 'actions:\n  - { verb: a, exec: { program: a, args: ["{1}"], params: { 1: "[" } } }', 'actions.0.exec.params.1: expected a valid regular expression'],
    ['a placeholder without a pattern', 'actions:\n  - { verb: a, exec: { program: a, args: ["{1}"] } }', 'actions.0.exec.args: placeholder {1} has no pattern in params'],
    ['a parameter name that is not a placeholder', 'actions:\n  - { verb: a, exec: { program: a, params: { level: ".*" } } }', 'actions.0.exec.params.level: expected a placeholder name: 1, 2, … or json.key'],
    ['a JSON matcher that is a list', 'actions:\n  - { json: { a: [1] }, exec: { program: a } }', 'actions.0.json.a: expected a string, number, true/false or { pattern: "…" }, got a list'],
    ['a remote http URL', 'actions:\n  - { verb: a, http: { url: "http://example.com/x" } }', 'actions.0.http.url: host example.com is not local'],
    ['an http URL that is not one', 'actions:\n  - { verb: a, http: { url: "ftp://127.0.0.1/" } }', 'actions.0.http.url: expected an http: or https: URL, got ftp:'],
    ['two actions with the same verb', 'actions:\n  - { verb: a, exec: { program: a } }\n  - { verb: A, exec: { program: b } }', 'actions.1.verb: duplicate verb a (already used by actions.0)'],
    ['an unknown reply that does not fit one SMS', `dispatcher: { unknownReply: "${'x'.repeat(161)}" }`, 'dispatcher.unknownReply: expected a reply that fits one SMS'],
    ['both pin and pinFile', 'pin: "1234"\npinFile: /etc/pin', 'pinFile: expected pin or pinFile, not both'],
    ['both keyEnv and keyFile', 'keyEnv: K\nkeyFile: /etc/key', 'keyFile: expected keyEnv or keyFile, not both'],
    ['a keyEnv that is not a variable name', 'keyEnv: "my key"', 'keyEnv: expected an environment variable name, got "my key"'],
    ['a list at the top level', '- port', '(top level): expected a mapping, got a list'],
    ['a section that is not a mapping', 'sms: text', 'sms: expected a mapping, got "text"'],
  ])('refuses %s, naming the path', (_, text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  it('names the file and lists every problem at once', () => {
    const message = problem('baud: fast\nlog: { level: loud }');
    expect(message).toMatch(/^invalid configuration in smsbridge.yaml:\n/);
    expect(message).toContain('baud: expected a positive whole number, got "fast"');
    expect(message).toContain('log.level: expected one of');
  });

  it('gives the line and column of a YAML syntax error', () => {
    expect(problem('port: auto\nallow: [000\n')).toMatch(/^smsbridge.yaml:\d+:\d+: not valid YAML: /);
  });

  it('refuses a key repeated in the same mapping', () => {
    expect(problem('baud: 9600\nbaud: 115200')).toMatch(/smsbridge.yaml:2:1: not valid YAML: Map keys must be unique/);
  });

  it('refuses a key written in the file, and does not repeat it in the message', () => {
    const message = problem('key: hunter2-secret');
    expect(message).toContain('key: a key must not be written in the file: use keyEnv');
    expect(message).not.toContain('hunter2');
  });

  it('refuses an unquoted PIN without echoing it', () => {
    const message = problem('pin: 4321');
    expect(message).toContain('pin: expected a SIM PIN of 4 to 8 digits in quotes');
    expect(message).not.toContain('4321');
  });

  it('keeps a quoted PIN only as a secret', () => {
    const config = parseConfig('pin: "0123"', 'pin.yaml');
    expect(config.secrets.pin?.reveal()).toBe('0123');
    expect(JSON.stringify(config)).not.toContain('0123');
    expect(inspect(config, { depth: 10 })).not.toContain('0123');
    expect('pin' in config).toBe(false);
  });
});

describe('loadConfig', () => {
  it('reads the file and resolves relative paths against its directory', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'smsbridge.yaml'), 'store: { path: data/bridge.db }\n');
    expect(loadConfig(join(dir, 'smsbridge.yaml'), {}).store.path).toBe(join(dir, 'data/bridge.db'));
  });

  it('reads the key from the named environment variable', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), 'keyEnv: SMSBRIDGE_KEY\n');
    const config = loadConfig(join(dir, 'c.yaml'), { SMSBRIDGE_KEY: 'example-key-do-not-use' });
    expect(config.secrets.key?.reveal()).toBe('example-key-do-not-use');
    expect(JSON.stringify(config)).not.toContain('example-key');
  });

  it('refuses a keyEnv whose variable is not set', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), 'keyEnv: SMSBRIDGE_KEY\n');
    expect(() => loadConfig(join(dir, 'c.yaml'), {})).toThrow('keyEnv: environment variable SMSBRIDGE_KEY is not set or empty');
  });

  it('reads the key from a file relative to the config, without its final line break', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'key'), 'example-key-do-not-use\n');
    writeFileSync(join(dir, 'c.yaml'), 'keyFile: key\n');
    const config = loadConfig(join(dir, 'c.yaml'), {});
    expect(config.keyFile).toBe(join(dir, 'key'));
    expect(config.secrets.key?.reveal()).toBe('example-key-do-not-use');
  });

  it('refuses a missing or empty key file without showing its content', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), 'keyFile: nope\n');
    expect(() => loadConfig(join(dir, 'c.yaml'), {})).toThrow(`keyFile: cannot read ${join(dir, 'nope')}: ENOENT`);
    writeFileSync(join(dir, 'nope'), '\n');
    expect(() => loadConfig(join(dir, 'c.yaml'), {})).toThrow('is empty');
  });

  it('reads the PIN from pinFile and checks it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), 'pinFile: pin\n');
    writeFileSync(join(dir, 'pin'), '0000\n');
    expect(loadConfig(join(dir, 'c.yaml'), {}).secrets.pin?.reveal()).toBe('0000');
    writeFileSync(join(dir, 'pin'), 'abcd\n');
    expect(() => loadConfig(join(dir, 'c.yaml'), {})).toThrow(/pinFile: .* must hold a SIM PIN of 4 to 8 digits/);
  });

  it('takes the file from SMSBRIDGE_CONFIG when no path is given', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), 'baud: 9600\n');
    expect(loadConfig(undefined, { SMSBRIDGE_CONFIG: join(dir, 'c.yaml') }).baud).toBe(9600);
  });

  it('uses the defaults when there is no file at all', () => {
    expect(loadConfig(undefined, {})).toEqual({ ...DEFAULTS, store: { ...DEFAULTS.store, path: join(process.cwd(), 'smsbridge.db') } });
  });

  it('refuses a file that cannot be read', () => {
    const path = join(tempDir(), 'missing.yaml');
    expect(() => loadConfig(path, {})).toThrow(`cannot read configuration file ${path}: ENOENT`);
  });

  it('loads config.example.yaml as shipped', () => {
    expect(loadConfig(EXAMPLE.pathname, {}).actions).toHaveLength(3);
  });
});

describe('Secret', () => {
  it('shows [redacted] when printed, JSON-encoded or inspected', () => {
    const secret = new Secret('hunter2');
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ secret })).not.toContain('hunter2');
    expect(secret.reveal()).toBe('hunter2');
  });
});
