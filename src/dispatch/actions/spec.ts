/**
 * Actions declared as data (the configuration file's `actions:`) turned into routes. The shapes
 * are declared here so the dispatcher does not depend on the config module; the config schema
 * produces values of these types.
 */
import type { JsonMatcher, Route } from '../types.js';
import { execHandler, type ExecActionOptions } from './exec.js';
import { httpHandler, type HttpActionOptions } from './http.js';

/** In data, a JSON value matcher is a scalar (compared case-insensitively) or `{ pattern }`. */
export type JsonMatchSpec = string | number | boolean | { pattern: string };

export interface ActionSpec {
  name?: string;
  /** Exactly one of verb, pattern and json. */
  verb?: string;
  pattern?: string;
  json?: Readonly<Record<string, JsonMatchSpec>>;
  independent?: boolean;
  idempotent?: boolean;
  /** Exactly one of exec and http. */
  exec?: ExecActionOptions & { timeoutMs?: number };
  http?: HttpActionOptions & { timeoutMs?: number };
}

/** Throws a TypeError naming the problem when the spec cannot become a route. */
export function routeFromSpec(spec: ActionSpec): Route {
  const name = spec.name ?? spec.verb?.toLowerCase() ?? (spec.pattern !== undefined ? 'pattern' : 'json');
  if ((spec.exec === undefined) === (spec.http === undefined)) throw new TypeError(`action ${name} needs exactly one of exec and http`);
  const handler = spec.exec !== undefined ? execHandler(name, spec.exec) : httpHandler(spec.http as HttpActionOptions);
  const timeoutMs = spec.exec?.timeoutMs ?? spec.http?.timeoutMs;
  const options = {
    name,
    handler,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(spec.independent === undefined ? {} : { independent: spec.independent }),
    ...(spec.idempotent === undefined ? {} : { idempotent: spec.idempotent }),
  };
  const kinds = [spec.verb, spec.pattern, spec.json].filter((k) => k !== undefined).length;
  if (kinds !== 1) throw new TypeError(`action ${name} needs exactly one of verb, pattern and json`);
  if (spec.verb !== undefined) return { ...options, verb: spec.verb };
  if (spec.pattern !== undefined) return { ...options, pattern: compilePattern(spec.pattern, name) };
  return { ...options, json: jsonMatchers(spec.json ?? {}, name) };
}

/** Patterns written in configuration match the whole text or value, case-insensitively. */
export function compilePattern(source: string, name: string): RegExp {
  const problem = patternProblem(source);
  if (problem !== undefined) throw new TypeError(`action ${name}: invalid pattern: ${problem}`);
  return new RegExp(`^(?:${source})$`, 'iu');
}

/** Why `source` is not a usable pattern, or undefined. */
export function patternProblem(source: string): string | undefined {
  try {
    new RegExp(`^(?:${source})$`, 'iu');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function jsonMatchers(spec: Readonly<Record<string, JsonMatchSpec>>, name: string): Record<string, JsonMatcher> {
  const matchers: Record<string, JsonMatcher> = {};
  for (const [key, value] of Object.entries(spec)) {
    matchers[key] = typeof value === 'object' ? compilePattern(value.pattern, name) : value;
  }
  return matchers;
}
