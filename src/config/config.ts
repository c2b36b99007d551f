/**
 * Reads and validates the one YAML configuration file. `parseConfig` is pure (text in, Config
 * out); `loadConfig` also reads the file and the secrets it points to (keyEnv/keyFile, pinFile).
 * Every problem is a BridgeError('CONFIG_INVALID') naming the path in the file.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { BridgeError } from '../errors.js';
import { formatIssues } from './format-issues.js';
import { validateConfig, type ParsedConfig } from './schema.js';
import { Secret } from './secret.js';

export interface ConfigSecrets {
  /** The signing key (docs/signed-commands.md); set by loadConfig from keyEnv or keyFile. */
  key?: Secret;
  /** The SIM PIN, from `pin` or (by loadConfig) `pinFile`. */
  pin?: Secret;
}

/** The validated configuration, defaults filled in. Secrets are only in `secrets`, wrapped. */
export type Config = Omit<ParsedConfig, 'pin'> & { secrets: ConfigSecrets };

export const CONFIG_ENV = 'SMSBRIDGE_CONFIG';

/** Validates YAML text. `origin` (a file name) prefixes messages. Does not read keyEnv/keyFile/pinFile. */
export function parseConfig(text: string, origin: string): Config {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const [yamlError] = doc.errors;
  if (yamlError !== undefined) {
    const at = yamlError.linePos?.[0];
    throw invalid(`${origin}${at === undefined ? '' : `:${at.line}:${at.col}`}: not valid YAML: ${(yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const data: unknown = doc.toJS() ?? {}; // an empty file means all defaults
  const result = validateConfig(data);
  if (!result.ok) {
    const lines = formatIssues(result.issues);
    throw invalid(`invalid configuration in ${origin}:\n  ${lines.join('\n  ')}`);
  }
  const { pin, ...rest } = result.config;
  return { ...rest, secrets: pin === undefined ? {} : { pin: new Secret(pin) } };
}

/**
 * Validates a configuration given as an object with the YAML file's keys (the library's way in).
 * Relative paths resolve against the working directory; secrets come as `pin`, `keyEnv`, `keyFile`.
 */
export function configFromObject(data: unknown, origin = 'options'): Config {
  const result = validateConfig(data ?? {});
  if (!result.ok) throw invalid(`invalid configuration in ${origin}:\n  ${formatIssues(result.issues).join('\n  ')}`);
  const { pin, ...rest } = result.config;
  const config: Config = { ...rest, secrets: pin === undefined ? {} : { pin: new Secret(pin) } };
  return resolveSecrets(config, process.cwd(), process.env);
}

/**
 * Reads `path` (default: $SMSBRIDGE_CONFIG; with neither, all defaults), validates it, resolves
 * relative paths (store.path, keyFile, pinFile) against the file's directory, and reads the secrets.
 */
export function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env): Config {
  const file = path ?? env[CONFIG_ENV];
  let text = '';
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw invalid(`cannot read configuration file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    }
  }
  const config = parseConfig(text, file ?? '(defaults)');
  return resolveSecrets(config, file === undefined ? process.cwd() : dirname(resolve(file)), env);
}

/** Resolves relative paths (store.path, keyFile, pinFile) against `base` and reads the secrets. */
function resolveSecrets(config: Config, base: string, env: NodeJS.ProcessEnv): Config {
  const at = (p: string) => resolve(base, p);
  config.store = { ...config.store, path: at(config.store.path) };
  if (config.keyFile !== undefined) config.keyFile = at(config.keyFile);
  if (config.pinFile !== undefined) config.pinFile = at(config.pinFile);

  if (config.keyEnv !== undefined) {
    const value = env[config.keyEnv];
    if (value === undefined || value === '') throw invalid(`keyEnv: environment variable ${config.keyEnv} is not set or empty`);
    config.secrets.key = new Secret(value);
  }
  if (config.keyFile !== undefined) config.secrets.key = new Secret(readSecretFile(config.keyFile, 'keyFile'));
  if (config.pinFile !== undefined) {
    const pin = readSecretFile(config.pinFile, 'pinFile');
    if (!/^[0-9]{4,8}$/.test(pin)) throw invalid(`pinFile: ${config.pinFile} must hold a SIM PIN of 4 to 8 digits`);
    config.secrets.pin = new Secret(pin);
  }
  return config;
}

/** The file's text without its final line break (editors add one); the content never goes into a message. */
function readSecretFile(path: string, option: string): string {
  let value: string;
  try {
    value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw invalid(`${option}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, error);
  }
  if (value === '') throw invalid(`${option}: ${path} is empty`);
  return value;
}

function invalid(message: string, cause?: unknown): BridgeError {
  return new BridgeError('CONFIG_INVALID', message, cause === undefined ? {} : { cause });
}
