/**
 * Chooses the route for a parsed payload. Pure: no I/O, no timers.
 *
 * Order: invalid JSON is answered before any route; then JSON routes, then pattern routes, then
 * verb routes, each in registration order; the first match wins. JSON first because a JSON payload
 * has no meaningful verb; patterns before verbs so a specific pattern can take over part of a verb.
 */
import type { ParsedPayload } from './payload.js';
import type { JsonMatcher, Route } from './types.js';

export type RouteDecision =
  | { kind: 'route'; route: Route; name: string; match?: RegExpExecArray }
  | { kind: 'unknown'; word: string }
  | { kind: 'invalid-json'; message: string };

export function routeName(route: Route): string {
  return route.name ?? (route.verb !== undefined ? route.verb.toLowerCase() : route.pattern !== undefined ? 'pattern' : 'json');
}

export function chooseRoute(routes: readonly Route[], payload: ParsedPayload): RouteDecision {
  if (payload.jsonError !== undefined) return { kind: 'invalid-json', message: payload.jsonError };

  if (isPlainObject(payload.json)) {
    const object = payload.json;
    for (const route of routes) {
      if (route.json !== undefined && jsonMatches(route.json, object)) return { kind: 'route', route, name: routeName(route) };
    }
  }
  for (const route of routes) {
    if (route.pattern === undefined) continue;
    route.pattern.lastIndex = 0; // a /g or /y pattern remembers where it stopped
    const match = route.pattern.exec(payload.text);
    if (match !== null) return { kind: 'route', route, name: routeName(route), match };
  }
  for (const route of routes) {
    if (route.verb !== undefined && route.verb.toLowerCase() === payload.verb) return { kind: 'route', route, name: routeName(route) };
  }
  return { kind: 'unknown', word: payload.word };
}

/** Every declared key must be present and match; extra keys in the payload are allowed. */
export function jsonMatches(matchers: Readonly<Record<string, JsonMatcher>>, object: Record<string, unknown>): boolean {
  return Object.entries(matchers).every(([key, matcher]) => Object.hasOwn(object, key) && valueMatches(matcher, object[key]));
}

function valueMatches(matcher: JsonMatcher, value: unknown): boolean {
  // `"True"` and `true` both come from servers; compare scalars as text, case-insensitively.
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
  const text = String(value);
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0;
    return matcher.test(text);
  }
  return String(matcher).toLowerCase() === text.toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
