/**
 * A few dozen lines of validation for one file read once at start. A schema library cost
 * `smsbridge run` about 6 MiB of resident memory for the life of the process (issue 14);
 * these checkers say the same things in the same words.
 */

export type Path = readonly (string | number)[];

export interface Issue {
  path: Path;
  message: string;
  /** The value refused, shown as "got …" (never for secrets). Absent: nothing to show. */
  input?: unknown;
  /** Unknown keys of a mapping. */
  unknownKeys?: string[];
}

/** Reads `value` at `path`; returns the parsed value, or `FAIL` after recording issues. */
export type Check<T> = (value: unknown, path: Path, issues: Issue[]) => T | typeof FAIL;

export const FAIL: unique symbol = Symbol('invalid');

export const string = (message: string, min?: { length: number; message: string }): Check<string> => (value, path, issues) => {
  if (typeof value !== 'string') return fail(issues, path, message, value);
  if (min !== undefined && value.length < min.length) return fail(issues, path, min.message, value);
  return value;
};

export const number = (message: string, ok: (n: number) => boolean): Check<number> => (value, path, issues) =>
  typeof value === 'number' && Number.isFinite(value) && ok(value) ? value : fail(issues, path, message, value);

export const boolean = (message: string): Check<boolean> => (value, path, issues) => (typeof value === 'boolean' ? value : fail(issues, path, message, value));

export const oneOf = <const T extends readonly string[]>(values: T, message: string): Check<T[number]> => (value, path, issues) =>
  typeof value === 'string' && values.includes(value) ? value : fail(issues, path, message, value);

/** Then: a further rule on a value that passed `check`; returns a message when it breaks. */
export const refine = <T>(check: Check<T>, rule: (value: T) => string | undefined): Check<T> => (value, path, issues) => {
  const out = check(value, path, issues);
  if (out === FAIL) return FAIL;
  const problem = rule(out);
  return problem === undefined ? out : fail(issues, path, problem, out);
};

export const matches = (check: Check<string>, pattern: RegExp, message: string): Check<string> => refine(check, (s) => (pattern.test(s) ? undefined : message));

export const list = <T>(item: Check<T>, message: string, min?: { length: number; message: string }): Check<T[]> => (value, path, issues) => {
  if (!Array.isArray(value)) return fail(issues, path, message, value);
  const before = issues.length;
  const out = value.map((v, i) => item(v, [...path, i], issues));
  if (issues.length > before) return FAIL;
  if (min !== undefined && out.length < min.length) return fail(issues, path, min.message, value);
  return out as T[];
};

export const record = <T>(key: Check<string>, item: Check<T>, message = 'expected a mapping'): Check<Record<string, T>> => (value, path, issues) => {
  if (!isMapping(value)) return fail(issues, path, message, value);
  const before = issues.length;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(value)) {
    if (key(k, [...path, k], issues) === FAIL) continue;
    const parsed = item(v, [...path, k], issues);
    if (parsed !== FAIL) out[k] = parsed;
  }
  return issues.length > before ? FAIL : out;
};

/** A field of a mapping: its check, and what an absent (undefined) value becomes. */
interface Field<T> {
  check: Check<T>;
  /** Absent and no default: the key stays absent. */
  fallback?: () => unknown;
  /** Absent is an error (the check says what was expected, "got nothing"). */
  required?: boolean;
}
export const required = <T>(check: Check<T>): Field<T> => ({ check, required: true });
export const optional = <T>(check: Check<T>): Field<T | undefined> => ({ check });
export const withDefault = <T>(check: Check<T>, fallback: T): Field<T> => ({ check, fallback: () => (Array.isArray(fallback) ? [...(fallback as unknown[])] : fallback) });
/** A section: absent means an empty mapping, so its own defaults fill in. */
export const section = <T>(check: Check<T>): Field<T> => ({ check, fallback: () => ({}) });

type Shape = Record<string, Field<unknown>>;
type Out<S extends Shape> = { [K in keyof S as undefined extends ReturnType<S[K]['check']> ? never : K]: Exclude<ReturnType<S[K]['check']>, typeof FAIL> } & {
  [K in keyof S as undefined extends ReturnType<S[K]['check']> ? K : never]?: Exclude<ReturnType<S[K]['check']>, typeof FAIL | undefined>;
};

/** A mapping with exactly these keys (an unknown key is an error: a typo never passes silently), then whole-mapping rules. */
export const mapping = <S extends Shape>(shape: S, rules?: (value: Out<S>, issue: (path: Path, message: string) => void) => void): Check<Out<S>> => (value, path, issues) => {
  if (!isMapping(value)) return fail(issues, path, 'expected a mapping', value);
  const before = issues.length;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const raw = value[key] === undefined && field.fallback !== undefined ? field.fallback() : value[key];
    if (raw === undefined && field.required !== true) continue;
    const parsed = field.check(raw, [...path, key], issues);
    if (parsed !== FAIL) out[key] = parsed;
  }
  const unknown = Object.keys(value).filter((key) => !Object.hasOwn(shape, key));
  if (unknown.length > 0) issues.push({ path, message: 'unknown option', unknownKeys: unknown });
  if (issues.length > before) return FAIL;
  rules?.(out as Out<S>, (at, message) => issues.push({ path: [...path, ...at], message }));
  return issues.length > before ? FAIL : (out as Out<S>);
};

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(issues: Issue[], path: Path, message: string, input: unknown): typeof FAIL {
  issues.push({ path, message, input });
  return FAIL;
}
