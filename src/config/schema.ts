/**
 * The configuration file's schema. Every option has its default here and in docs/configuration.md.
 * Mappings are strict: an unknown key is an error, so a typo never passes silently.
 */
import { compileArgTemplate } from '../dispatch/actions/template.js';
import { checkHttpUrl } from '../dispatch/actions/http.js';
import { patternProblem, type ActionSpec, type JsonMatchSpec } from '../dispatch/actions/spec.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_REPLY } from '../dispatch/dispatcher.js';
import { PROFILES as MODEM_PROFILES, type ProfileName } from '../modem/profiles.js';
import { checkSmsText } from '../sms/gsm7.js';
import { boolean, FAIL, isMapping, list, mapping, matches, number, oneOf, optional, record, refine, required, section, string, withDefault, type Check, type Issue } from './check.js';

/** `auto` (chosen from AT+CGMI/AT+CGMM) or one of the vendor profiles, as src/modem/profiles.ts names them. */
export const PROFILES: readonly ['auto', ...ProfileName[]] = ['auto', ...(Object.keys(MODEM_PROFILES) as ProfileName[])];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

const positiveNumber = number('expected a positive number', (n) => n > 0);
const positiveInt = number('expected a positive whole number', (n) => Number.isInteger(n) && n > 0);
const nonNegativeInt = number('expected a whole number of 0 or more', (n) => Number.isInteger(n) && n >= 0);
const text = string('expected a string', { length: 1, message: 'expected a non-empty string' });
const bool = boolean('expected true or false');
// YAML reads 000 as the number 0 and 0123 as 123: numbers are refused, not converted.
const quoted = (what: string, pattern: RegExp, example: string) =>
  matches(string(`expected ${what} in quotes (YAML reads unquoted digits as a number: write "${example}")`), pattern, `expected ${what}`);
const phoneNumber = quoted('a phone number (digits, optional leading +)', /^\+?[0-9]{1,20}$/, '000');
const envName = matches(text, /^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

const regex = refine(text, (source) => {
  const problem = patternProblem(source);
  return problem === undefined ? undefined : `expected a valid regular expression (${problem})`;
});

const JSON_MATCH = 'expected a string, number, true/false or { pattern: "…" }';
const patternOnly = mapping({ pattern: required(regex) });
const jsonMatch: Check<JsonMatchSpec> = (value, path, issues) => {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (isMapping(value) && Object.keys(value).length === 1 && 'pattern' in value) return patternOnly(value, path, issues) as JsonMatchSpec | typeof FAIL;
  issues.push({ path, message: JSON_MATCH, input: value });
  return FAIL;
};

const execSchema = mapping({
  program: required(text),
  args: withDefault(list(string('expected a string'), 'expected a list of strings'), []),
  params: withDefault(record(matches(string('expected a string'), /^([1-9][0-9]*|json(\.[A-Za-z0-9_-]+)+)$/, 'expected a placeholder name: 1, 2, … or json.key'), regex), {}),
  env: optional(record(envName, string('expected a string'))),
  cwd: optional(text),
  timeoutMs: optional(positiveNumber),
});

const httpSchema = mapping({
  url: required(text),
  allowRemote: withDefault(bool, false),
  timeoutMs: optional(positiveNumber),
});

const actionSchema = mapping(
  {
    name: optional(text),
    verb: optional(matches(text, /^\S+$/, 'expected one word')),
    pattern: optional(regex),
    json: optional(record(string('expected a string'), jsonMatch)),
    independent: optional(bool),
    idempotent: optional(bool),
    exec: optional(execSchema),
    http: optional(httpSchema),
  },
  (action, issue) => {
    const matchers = (['verb', 'pattern', 'json'] as const).filter((k) => action[k] !== undefined);
    if (matchers.length !== 1) issue([], `expected exactly one of verb, pattern, json (found ${matchers.join(', ') || 'none'})`);
    if ((action.exec === undefined) === (action.http === undefined)) issue([], 'expected exactly one of exec, http');
    if (action.exec !== undefined) {
      try {
        compileArgTemplate(action.exec.args, action.exec.params);
      } catch (error) {
        issue(['exec', 'args'], error instanceof Error ? error.message : String(error));
      }
    }
    if (action.http !== undefined) {
      const problem = checkHttpUrl(action.http.url, action.http.allowRemote);
      if (problem !== undefined) issue(['http', 'url'], problem);
    }
  },
);

/** Present only to say where a key belongs instead of "unknown option". */
const noKey: Check<never> = (_value, path, issues) => {
  issues.push({ path, message: 'a key must not be written in the file: use keyEnv (an environment variable name) or keyFile (a path)' });
  return FAIL;
};

const unknownReply: Check<string | null> = (value, path, issues) =>
  value === null
    ? null
    : refine(string('expected a string, or null for no reply'), (reply) =>
        checkSmsText(reply.replaceAll('{verb}', '')).ok ? undefined : 'expected a reply that fits one SMS (160 GSM-7 septets, no control characters)',
      )(value, path, issues);

const configSchema = mapping(
  {
    port: withDefault(text, 'auto'),
    baud: withDefault(positiveInt, 115_200),
    pin: optional(quoted('a SIM PIN of 4 to 8 digits', /^[0-9]{4,8}$/, '1234')),
    pinFile: optional(text),
    profile: withDefault(oneOf(PROFILES, `expected one of ${PROFILES.join(', ')}`), 'auto'),
    sms: section(
      mapping({
        mode: withDefault(oneOf(['text', 'pdu'], 'expected text or pdu'), 'text'),
        delivery: withDefault(oneOf(['auto', 'store', 'direct'], 'expected auto (+CMT acknowledged with +CNMA where the modem can, else +CMTI), store (+CMTI) or direct (+CMT)'), 'auto'),
        replyTo: withDefault(phoneNumber, '000'),
        statusReports: withDefault(bool, false),
        storage: withDefault(oneOf(['auto', 'ME', 'SM'], 'expected auto (the modem memory ME where it has one, else the SIM), ME or SM'), 'auto'),
        sendVia: withDefault(oneOf(['storage', 'cmgs'], 'expected storage (AT+CMGW then AT+CMSS: exactly once) or cmgs (one AT+CMGS)'), 'storage'),
        sendTimeoutMs: withDefault(positiveInt, 120_000),
      }),
    ),
    allow: withDefault(list(phoneNumber, 'expected a list of phone numbers', { length: 1, message: 'expected at least one sender (an empty list refuses every command)' }), ['000']),
    key: optional(noKey),
    keyEnv: optional(envName),
    keyFile: optional(text),
    actions: withDefault(list(actionSchema, 'expected a list of actions'), []),
    store: section(
      mapping({
        path: withDefault(text, './smsbridge.db'),
        retentionDays: withDefault(positiveInt, 30),
      }),
    ),
    log: section(
      mapping({
        level: withDefault(oneOf(LOG_LEVELS, `expected one of ${LOG_LEVELS.join(', ')}`), 'info'),
        trace: withDefault(bool, false),
        redactPayloads: withDefault(bool, false),
      }),
    ),
    supervision: section(
      mapping({
        // docs/supervision.md: the worst unanswered time after a silent reset is this plus a few seconds.
        settingsCheckMs: withDefault(nonNegativeInt, 30_000),
        // 0: never give up; otherwise exit with code 4 (systemd restarts the service) after this long away.
        maxOfflineMs: withDefault(nonNegativeInt, 0),
      }),
    ),
    metrics: section(
      mapping({
        // Prometheus /metrics and /healthz; off unless set. A local address: the device is not a web server.
        listen: optional(
          refine(matches(text, /^[^\s:]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9464'), (s) =>
            Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535 ? undefined : 'expected a port up to 65535',
          ),
        ),
      }),
    ),
    dispatcher: section(
      mapping({
        timeoutMs: withDefault(positiveNumber, DEFAULT_TIMEOUT_MS),
        unknownReply: withDefault(unknownReply, DEFAULT_UNKNOWN_REPLY),
      }),
    ),
  },
  (config, issue) => {
    if (config.pin !== undefined && config.pinFile !== undefined) issue(['pinFile'], 'expected pin or pinFile, not both');
    if (config.keyEnv !== undefined && config.keyFile !== undefined) issue(['keyFile'], 'expected keyEnv or keyFile, not both');
    const seen = new Map<string, number>();
    config.actions.forEach((action, index) => {
      const id = action.verb !== undefined ? `verb ${action.verb.toLowerCase()}` : action.name !== undefined ? `name ${action.name}` : undefined;
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) issue(['actions', index, action.verb !== undefined ? 'verb' : 'name'], `duplicate ${id} (already used by actions.${first})`);
      else seen.set(id, index);
    });
  },
);

type Parsed = Exclude<ReturnType<typeof configSchema>, typeof FAIL>;
export type ParsedConfig = Omit<Parsed, 'key' | 'actions'> & { actions: ActionSpec[] };

/** The configuration with defaults filled in, or the issues found (all of them, not just the first). */
export function validateConfig(data: unknown): { ok: true; config: ParsedConfig } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const config = configSchema(data, [], issues);
  return config === FAIL ? { ok: false, issues } : { ok: true, config: config as ParsedConfig };
}
