import { describe, expect, it } from 'vitest';
import { routeFromSpec } from '../../src/dispatch/actions/spec.js';
import { parsePayload } from '../../src/dispatch/payload.js';
import { chooseRoute } from '../../src/dispatch/router.js';

const exec = { program: '/bin/true' };

function matches(spec: Parameters<typeof routeFromSpec>[0], text: string): boolean {
  return chooseRoute([routeFromSpec(spec)], parsePayload(text)).kind === 'route';
}

describe('routeFromSpec', () => {
  it('names a verb action after its verb and carries its options', () => {
    const route = routeFromSpec({ verb: 'Reboot', independent: true, idempotent: false, exec: { ...exec, timeoutMs: 5000 } });
    expect(route).toMatchObject({ name: 'reboot', verb: 'Reboot', timeoutMs: 5000, independent: true, idempotent: false });
  });

  it('matches a configured pattern against the whole text, case-insensitively', () => {
    expect(matches({ pattern: 'agent .*', exec }, 'AGENT sync')).toBe(true);
    expect(matches({ pattern: 'agent', exec }, 'agent sync')).toBe(false);
    expect(matches({ pattern: 'a|b', exec }, 'ab')).toBe(false);
  });

  it('matches a configured JSON value pattern against the whole value', () => {
    const spec = { json: { when: { pattern: 'Immediate|Later' } }, exec };
    expect(matches(spec, '{"when":"later"}')).toBe(true);
    expect(matches(spec, '{"when":"NotImmediate"}')).toBe(false);
  });

  it('refuses a spec with no or two ways of matching, or no or two actions', () => {
    expect(() => routeFromSpec({ exec })).toThrow(/exactly one of verb, pattern and json/);
    expect(() => routeFromSpec({ verb: 'a', pattern: 'a', exec })).toThrow(/exactly one of verb, pattern and json/);
    expect(() => routeFromSpec({ verb: 'a' })).toThrow(/exactly one of exec and http/);
    expect(() => routeFromSpec({ verb: 'a', exec, http: { url: 'http://127.0.0.1/' } })).toThrow(/exactly one of exec and http/);
  });

  it('refuses an invalid pattern with the action name', () => {
    expect(() => routeFromSpec({ name: 'broken', pattern: '(', exec })).toThrow(/action broken: invalid pattern/);
  });
});
