/**
 * The configuration file's schema. Every option has its default here and in docs/configuration.md.
 * Objects are strict: an unknown key is an error, so a typo never passes silently.
 */
import { z } from 'zod';
import { compileArgTemplate } from '../dispatch/actions/template.js';
import { checkHttpUrl } from '../dispatch/actions/http.js';
import { patternProblem } from '../dispatch/actions/spec.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_REPLY } from '../dispatch/dispatcher.js';
import { checkSmsText } from '../sms/gsm7.js';

export const PROFILES = ['auto', 'quectel', 'simcom', 'huawei', 'ublox', 'telit', 'generic'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

const positiveNumber = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const positiveInt = z.number({ error: 'expected a positive whole number' }).int({ error: 'expected a positive whole number' }).positive({ error: 'expected a positive whole number' });
const nonNegativeInt = z.number({ error: 'expected a whole number of 0 or more' }).int({ error: 'expected a whole number of 0 or more' }).nonnegative({ error: 'expected a whole number of 0 or more' });
const text = z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' });
const bool = z.boolean({ error: 'expected true or false' });
// YAML reads 000 as the number 0 and 0123 as 123: numbers are refused, not converted.
const quoted = (what: string, pattern: RegExp, example: string) =>
  z.string({ error: `expected ${what} in quotes (YAML reads unquoted digits as a number: write "${example}")` }).regex(pattern, { error: `expected ${what}` });
const phoneNumber = quoted('a phone number (digits, optional leading +)', /^\+?[0-9]{1,20}$/, '000');

const regex = text.superRefine((source, ctx) => {
  const problem = patternProblem(source);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `expected a valid regular expression (${problem})`, input: source });
});

const jsonMatch = z.union([z.string(), z.number(), z.boolean(), z.strictObject({ pattern: regex })], {
  error: 'expected a string, number, true/false or { pattern: "…" }',
});

const execSchema = z.strictObject({
  program: text,
  args: z.array(z.string({ error: 'expected a string' }), { error: 'expected a list of strings' }).default([]),
  params: z.record(z.string().regex(/^([1-9][0-9]*|json(\.[A-Za-z0-9_-]+)+)$/, { error: 'expected a placeholder name: 1, 2, … or json.key' }), regex).default({}),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }), z.string({ error: 'expected a string' })).optional(),
  cwd: text.optional(),
  timeoutMs: positiveNumber.optional(),
});

const httpSchema = z.strictObject({
  url: text,
  allowRemote: bool.default(false),
  timeoutMs: positiveNumber.optional(),
});

const actionSchema = z
  .strictObject({
    name: text.optional(),
    verb: text.regex(/^\S+$/, { error: 'expected one word' }).optional(),
    pattern: regex.optional(),
    json: z.record(z.string(), jsonMatch).optional(),
    independent: bool.optional(),
    idempotent: bool.optional(),
    exec: execSchema.optional(),
    http: httpSchema.optional(),
  })
  .superRefine((action, ctx) => {
    const matchers = (['verb', 'pattern', 'json'] as const).filter((k) => action[k] !== undefined);
    if (matchers.length !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of verb, pattern, json (found ${matchers.join(', ') || 'none'})`, path: [] });
    if ((action.exec === undefined) === (action.http === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of exec, http', path: [] });
    if (action.exec !== undefined) {
      try {
        compileArgTemplate(action.exec.args, action.exec.params);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error), path: ['exec', 'args'] });
      }
    }
    if (action.http !== undefined) {
      const problem = checkHttpUrl(action.http.url, action.http.allowRemote);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: ['http', 'url'] });
    }
  });

export const configSchema = z
  .strictObject({
    port: text.default('auto'),
    baud: positiveInt.default(115_200),
    pin: quoted('a SIM PIN of 4 to 8 digits', /^[0-9]{4,8}$/, '1234').optional(),
    pinFile: text.optional(),
    profile: z.enum(PROFILES, { error: `expected one of ${PROFILES.join(', ')}` }).default('auto'),
    sms: z
      .strictObject({
        mode: z.enum(['text', 'pdu'], { error: 'expected text or pdu' }).default('text'),
        delivery: z.enum(['auto', 'store', 'direct'], { error: 'expected auto (+CMT acknowledged with +CNMA where the modem can, else +CMTI), store (+CMTI) or direct (+CMT)' }).default('auto'),
        replyTo: phoneNumber.default('000'),
        statusReports: bool.default(false),
        storage: z.enum(['auto', 'ME', 'SM'], { error: 'expected auto (the modem memory ME where it has one, else the SIM), ME or SM' }).default('auto'),
        sendVia: z.enum(['storage', 'cmgs'], { error: 'expected storage (AT+CMGW then AT+CMSS: exactly once) or cmgs (one AT+CMGS)' }).default('storage'),
      })
      .prefault({}),
    allow: z.array(phoneNumber, { error: 'expected a list of phone numbers' }).min(1, { error: 'expected at least one sender (an empty list refuses every command)' }).default(['000']),
    // Present only to say where a key belongs instead of "unknown option".
    key: z.never({ error: 'a key must not be written in the file: use keyEnv (an environment variable name) or keyFile (a path)' }).optional(),
    keyEnv: text.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }).optional(),
    keyFile: text.optional(),
    actions: z.array(actionSchema, { error: 'expected a list of actions' }).default([]),
    store: z
      .strictObject({
        path: text.default('./smsbridge.db'),
        retentionDays: positiveInt.default(30),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
        trace: bool.default(false),
        redactPayloads: bool.default(false),
      })
      .prefault({}),
    supervision: z
      .strictObject({
        // docs/supervision.md: the worst unanswered time after a silent reset is this plus a few seconds.
        settingsCheckMs: nonNegativeInt.default(30_000),
        // 0: never give up; otherwise exit with code 4 (systemd restarts the service) after this long away.
        maxOfflineMs: nonNegativeInt.default(0),
      })
      .prefault({}),
    dispatcher: z
      .strictObject({
        timeoutMs: positiveNumber.default(DEFAULT_TIMEOUT_MS),
        unknownReply: z
          .string({ error: 'expected a string, or null for no reply' })
          .refine((reply) => checkSmsText(reply.replaceAll('{verb}', '')).ok, { error: 'expected a reply that fits one SMS (160 GSM-7 septets, no control characters)' })
          .nullable()
          .default(DEFAULT_UNKNOWN_REPLY),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.pin !== undefined && config.pinFile !== undefined) ctx.addIssue({ code: 'custom', message: 'expected pin or pinFile, not both', path: ['pinFile'] });
    if (config.keyEnv !== undefined && config.keyFile !== undefined) ctx.addIssue({ code: 'custom', message: 'expected keyEnv or keyFile, not both', path: ['keyFile'] });
    const seen = new Map<string, number>();
    config.actions.forEach((action, index) => {
      const id = action.verb !== undefined ? `verb ${action.verb.toLowerCase()}` : action.name !== undefined ? `name ${action.name}` : undefined;
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', message: `duplicate ${id} (already used by actions.${first})`, path: ['actions', index, action.verb !== undefined ? 'verb' : 'name'] });
      else seen.set(id, index);
    });
  });

export type ParsedConfig = z.output<typeof configSchema>;
