import { describe, expect, it } from 'vitest';
import { parsePayload } from '../../src/dispatch/payload.js';
import { chooseRoute, jsonMatches } from '../../src/dispatch/router.js';
import type { Route } from '../../src/dispatch/types.js';

const handler = () => 'x';
const SEED = '{"enable":"True", "reset":"False","when":"Immediate"}';

function pick(routes: Route[], text: string): string {
  const decision = chooseRoute(routes, parsePayload(text));
  return decision.kind === 'route' ? decision.name : decision.kind;
}

describe('parsePayload', () => {
  it('splits the first word, lower-cased, from the words after it', () => {
    expect(parsePayload('  PING  hello   world ')).toEqual({ text: 'PING  hello   world', verb: 'ping', word: 'PING', args: ['hello', 'world'] });
  });

  it('gives an empty verb for an empty text', () => {
    expect(parsePayload('   ')).toMatchObject({ verb: '', args: [] });
  });

  it('parses a text starting with { as JSON', () => {
    expect(parsePayload(SEED).json).toEqual({ enable: 'True', reset: 'False', when: 'Immediate' });
  });

  it('reports the parser message for a text starting with { that is not JSON', () => {
    const parsed = parsePayload('{"enable": True}');
    expect(parsed.json).toBeUndefined();
    expect(parsed.jsonError).toMatch(/JSON/);
  });

  it('treats a number or quoted word as a verb, not as JSON', () => {
    expect(parsePayload('42').json).toBeUndefined();
    expect(parsePayload('"hi"').verb).toBe('"hi"');
  });
});

describe('chooseRoute', () => {
  const routes: Route[] = [
    { verb: 'Reboot', handler },
    { pattern: /^reboot now$/i, name: 'reboot-now', handler },
    { json: { enable: 'true', when: /^(Immediate|Later)$/ }, name: 'enable', handler },
  ];

  it('matches verbs case-insensitively on both sides', () => {
    expect(pick(routes, 'REBOOT')).toBe('reboot');
    expect(pick(routes, 'reboot in 5')).toBe('reboot');
  });

  it('tries patterns before verbs', () => {
    expect(pick(routes, 'Reboot NOW')).toBe('reboot-now');
  });

  it('routes the seed JSON example by key and value, ignoring extra keys', () => {
    expect(pick(routes, SEED)).toBe('enable');
  });

  it('does not route JSON whose value does not match or whose key is missing', () => {
    expect(pick(routes, '{"enable":"True","when":"Never"}')).toBe('unknown');
    expect(pick(routes, '{"when":"Immediate"}')).toBe('unknown');
  });

  it('answers invalid JSON before any route', () => {
    expect(pick([{ pattern: /.*/, handler }], '{"enable":')).toBe('invalid-json');
  });

  it('takes the first matching route of a kind in registration order', () => {
    expect(pick([{ verb: 'x', name: 'first', handler }, { verb: 'X', name: 'second', handler }], 'x')).toBe('first');
  });

  it('reports the first word as typed for an unknown command', () => {
    expect(chooseRoute(routes, parsePayload('Frobnicate now'))).toEqual({ kind: 'unknown', word: 'Frobnicate' });
  });

  it('restarts a global pattern at the beginning every time', () => {
    const global: Route[] = [{ pattern: /^go/g, name: 'go', handler }];
    expect(pick(global, 'go')).toBe('go');
    expect(pick(global, 'go')).toBe('go');
  });

  it('gives the pattern match to the caller', () => {
    const decision = chooseRoute([{ pattern: /^set (\w+)=(\d+)$/, handler }], parsePayload('set level=3'));
    expect(decision.kind === 'route' && [...(decision.match ?? [])]).toEqual(['set level=3', 'level', '3']);
  });
});

describe('jsonMatches', () => {
  it.each([
    [{ enable: 'True' }, { enable: true }, true],
    [{ enable: true }, { enable: 'TRUE' }, true],
    [{ level: 3 }, { level: '3' }, true],
    [{ enable: 'True' }, { enable: 'False' }, false],
    [{ enable: 'True' }, { enable: { nested: 'True' } }, false],
    [{ enable: 'True' }, { enable: null }, false],
    [{ when: /Immediate|Later/ }, { when: 'Later' }, true],
  ])('compares %j with %j as %s', (matchers, object, expected) => {
    expect(jsonMatches(matchers, object)).toBe(expected);
  });

  it('does not match a key inherited from the prototype', () => {
    expect(jsonMatches({ toString: 'x' }, {})).toBe(false);
  });
});
