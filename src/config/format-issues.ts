/**
 * Turns zod issues into lines a person can act on: the path in the file, what was expected and
 * what was found (`actions.0.exec.timeoutMs: expected a positive number, got "abc"`). Values at
 * secret paths are never echoed.
 */
import type { z } from 'zod';

const SECRET_KEYS = new Set(['key', 'pin']);

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map(formatIssue);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...path, key])}: unknown option (check the spelling; see docs/configuration.md)`).join('\n');
  }
  const secret = path.some((p) => SECRET_KEYS.has(p));
  // A rule about a whole mapping (exactly one of…) gains nothing from "got a mapping".
  const whole = issue.code === 'custom' && typeof issue.input === 'object' && issue.input !== null;
  const got = secret || whole || !('input' in issue) ? '' : `, got ${describe(issue.input)}`;
  return `${formatPath(path)}: ${expectation(issue)}${got}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  // Our schemas set their own messages; zod's defaults start with "Invalid".
  if (!issue.message.startsWith('Invalid')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${article(issue.expected)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key': // a record key; our message is on the nested issue
      return issue.issues[0] === undefined ? 'invalid key' : expectation(issue.issues[0]);
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  return expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
}

export function formatPath(path: readonly string[]): string {
  return path.length === 0 ? '(top level)' : path.join('.');
}

function describe(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);
  return String(input);
}
