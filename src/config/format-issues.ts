/**
 * Turns issues into lines a person can act on: the path in the file, what was expected and
 * what was found (`actions.0.exec.timeoutMs: expected a positive number, got "abc"`). Values at
 * secret paths are never echoed.
 */
import type { Issue } from './check.js';

const SECRET_KEYS = new Set(['key', 'pin']);

export function formatIssues(issues: readonly Issue[]): string[] {
  return issues.map(formatIssue);
}

function formatIssue(issue: Issue): string {
  const path = issue.path.map(String);
  if (issue.unknownKeys !== undefined) {
    return issue.unknownKeys.map((key) => `${formatPath([...path, key])}: unknown option (check the spelling; see docs/configuration.md)`).join('\n');
  }
  const secret = path.some((p) => SECRET_KEYS.has(p));
  const got = secret || !('input' in issue) ? '' : `, got ${describe(issue.input)}`;
  return `${formatPath(path)}: ${issue.message}${got}`;
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
