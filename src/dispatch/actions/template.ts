/**
 * Argument templates for exec actions: `['--level', '{1}']` where `{1}` is the first word after the
 * verb and `{json.key}` (or `{json.a.b}`) a JSON payload's value. Every placeholder must have a
 * declared pattern that the whole value matches, or nothing runs. Pure.
 */

const PLACEHOLDER = /\{([1-9][0-9]*|json(?:\.[A-Za-z0-9_-]+)+)\}/g;

export interface ArgTemplate {
  args: readonly string[];
  /** Placeholder name (`1`, `json.level`) → anchored pattern. */
  patterns: ReadonlyMap<string, RegExp>;
}

export type FilledArgs = { ok: true; argv: string[] } | { ok: false; message: string };

/** Checks the template once, up front: a placeholder without a pattern is a configuration error. */
export function compileArgTemplate(args: readonly string[], params: Readonly<Record<string, string>> = {}): ArgTemplate {
  const patterns = new Map<string, RegExp>();
  for (const arg of args) {
    for (const [, name = ''] of arg.matchAll(PLACEHOLDER)) {
      const source = params[name];
      if (source === undefined) throw new TypeError(`placeholder {${name}} has no pattern in params`);
      patterns.set(name, anchored(source, name));
    }
  }
  return { args: [...args], patterns };
}

/** A pattern must match the whole value: `[0-9]+` must not let `1 --force` through. */
export function anchored(source: string, name: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (error) {
    throw new TypeError(`pattern for {${name}} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function fillArgTemplate(template: ArgTemplate, input: { args: readonly string[]; json?: unknown }): FilledArgs {
  const values = new Map<string, string>();
  for (const [name, pattern] of template.patterns) {
    const value = lookup(name, input);
    if (value === undefined) return { ok: false, message: name.startsWith('json.') ? `missing ${name}` : `missing argument ${name}` };
    if (!pattern.test(value)) return { ok: false, message: `${name.startsWith('json.') ? name : `argument ${name}`} must match ${pattern.source.slice(4, -2)}` };
    values.set(name, value);
  }
  return { ok: true, argv: template.args.map((arg) => arg.replace(PLACEHOLDER, (_, name: string) => values.get(name) ?? '')) };
}

function lookup(name: string, input: { args: readonly string[]; json?: unknown }): string | undefined {
  if (!name.startsWith('json.')) return input.args[Number(name) - 1];
  let value: unknown = input.json;
  for (const key of name.split('.').slice(1)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}
