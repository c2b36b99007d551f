import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMING,
  deadlineOf,
  FINAL_STATES,
  INITIAL,
  MAX_BOOT_URCS,
  TABLE,
  transition,
  type Snapshot,
  type SupervisorEvent,
  type SupervisorEventType,
  type SupervisorState,
} from '../../src/modem/supervisor.js';

const EVENTS: Record<SupervisorEventType, SupervisorEvent> = {
  start: { type: 'start' },
  stop: { type: 'stop' },
  opened: { type: 'opened' },
  'open-failed': { type: 'open-failed', error: 'ENOENT' },
  answered: { type: 'answered' },
  'configure-failed': { type: 'configure-failed', kind: 'transient', error: '+CMS ERROR: 500' },
  configured: { type: 'configured' },
  'boot-urc': { type: 'boot-urc', line: 'RDY' },
  'settings-lost': { type: 'settings-lost', detail: 'AT+CNMI is 0,0,0,0,0' },
  timeouts: { type: 'timeouts', count: 3 },
  'port-closed': { type: 'port-closed', disconnected: true },
  deadline: { type: 'deadline' },
  'offline-too-long': { type: 'offline-too-long', ms: 60_000 },
};
const STATES = Object.keys(TABLE) as SupervisorState[];
const at = (state: SupervisorState, attempt = 0): Snapshot => ({ state, attempt, bootUrcs: 0 });

// The whole table, state × event → next state ('·' = the event changes nothing there).
// prettier-ignore
const EXPECTED: Record<SupervisorState, Partial<Record<SupervisorEventType, SupervisorState>>> = {
  closed:      { start: 'opening', stop: 'stopped' },
  opening:     { opened: 'waiting', 'open-failed': 'backoff', deadline: 'backoff', 'offline-too-long': 'failed', stop: 'stopped' },
  waiting:     { answered: 'configuring', 'boot-urc': 'waiting', deadline: 'backoff', 'port-closed': 'backoff', 'offline-too-long': 'failed', stop: 'stopped' },
  configuring: { configured: 'ready', 'configure-failed': 'waiting', 'boot-urc': 'rebooting', deadline: 'backoff', 'port-closed': 'backoff', 'offline-too-long': 'failed', stop: 'stopped' },
  ready:       { 'boot-urc': 'rebooting', 'settings-lost': 'configuring', timeouts: 'recovering', 'port-closed': 'backoff', stop: 'stopped' },
  rebooting:   { 'boot-urc': 'rebooting', deadline: 'configuring', 'port-closed': 'backoff', 'offline-too-long': 'failed', stop: 'stopped' },
  recovering:  { answered: 'configuring', 'boot-urc': 'rebooting', deadline: 'backoff', 'port-closed': 'backoff', 'offline-too-long': 'failed', stop: 'stopped' },
  backoff:     { deadline: 'opening', 'offline-too-long': 'failed', stop: 'stopped' },
  locked:      { stop: 'stopped' },
  failed:      { stop: 'stopped' },
  stopped:     {},
};

describe('supervisor: the table', () => {
  for (const state of STATES) {
    for (const type of Object.keys(EVENTS) as SupervisorEventType[]) {
      const want = EXPECTED[state][type];
      it(`${state} × ${type} → ${want ?? '·'}`, () => {
        const step = transition(at(state), EVENTS[type]);
        expect(step?.next.state).toBe(want);
      });
    }
  }

  it('a SIM lock problem while configuring is final, and says why', () => {
    const step = transition(at('configuring'), { type: 'configure-failed', kind: 'sim-locked', error: 'the SIM refused the PIN' })!;
    expect(step.next.state).toBe('locked');
    expect(step.effects).toContainEqual({ type: 'finish', code: 'SIM_LOCKED', reason: 'the SIM refused the PIN' });
  });

  it('configuration failing again and again closes the port and reopens it', () => {
    let s = at('configuring');
    const states: SupervisorState[] = [];
    for (let i = 0; i < 3; i++) {
      const step = transition(s, EVENTS['configure-failed'])!;
      states.push(step.next.state);
      s = { ...step.next, state: 'configuring' };
    }
    expect(states).toEqual(['waiting', 'waiting', 'backoff']);
  });

  it('every failure closes the port before the next open, so a port is never opened twice', () => {
    for (const state of STATES) {
      for (const event of Object.values(EVENTS)) {
        const step = transition(at(state), event);
        if (step?.next.state === 'backoff') expect(step.effects.map((e) => e.type)).toContain('close-port');
      }
    }
  });

  it('a reboot or an unplug fails the command in flight, whose answer will never come', () => {
    expect(transition(at('ready'), EVENTS['boot-urc'])!.effects).toContainEqual(expect.objectContaining({ type: 'fail-in-flight', code: 'MODEM_RESET' }));
    expect(transition(at('ready'), EVENTS['port-closed'])!.effects).toContainEqual(expect.objectContaining({ type: 'fail-in-flight', code: 'PORT_CLOSED' }));
  });

  it('ready announces itself and forgets past failures', () => {
    const step = transition(at('configuring', 5), EVENTS.configured)!;
    expect(step.next.attempt).toBe(0);
    expect(step.effects).toEqual([{ type: 'announce-ready' }]);
  });

  it('a boot burst restarts the quiet period, but a modem that never stops talking is configured anyway', () => {
    let s = at('rebooting');
    for (let i = 1; i < MAX_BOOT_URCS; i++) {
      const step = transition(s, EVENTS['boot-urc'])!;
      expect(step.next.state).toBe('rebooting');
      expect(step.rearm).toBe(true);
      s = step.next;
    }
    expect(transition(s, EVENTS['boot-urc'])!.next.state).toBe('configuring');
  });
});

describe('supervisor: deadlines', () => {
  it('every state that is not final, not ready and not before start has a deadline', () => {
    for (const state of STATES) {
      const ms = deadlineOf(at(state), DEFAULT_TIMING);
      if (FINAL_STATES.has(state) || state === 'closed' || state === 'ready') expect(ms).toBeUndefined();
      else expect(ms).toBeGreaterThan(0);
    }
  });

  it('and every deadline leads out of its state', () => {
    for (const state of STATES) {
      if (deadlineOf(at(state), DEFAULT_TIMING) === undefined) continue;
      expect(transition(at(state), EVENTS.deadline)?.next.state).not.toBe(state);
    }
  });

  it('backoff grows with each failure and is capped', () => {
    const delays = [1, 2, 3, 4, 10, 100].map((attempt) => deadlineOf(at('backoff', attempt), DEFAULT_TIMING));
    expect(delays).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });
});

describe('supervisor: properties', () => {
  const anyEvent = fc.constantFrom(...Object.values(EVENTS), { type: 'configure-failed', kind: 'sim-locked', error: 'PIN' } as SupervisorEvent);

  /** From a state, follow the happy path (deadlines, opened, answered, configured). */
  const settle = (s: Snapshot): Snapshot => {
    for (let i = 0; i < 10 && s.state !== 'ready'; i++) {
      const happy = { opening: EVENTS.opened, waiting: EVENTS.answered, configuring: EVENTS.configured, recovering: EVENTS.answered }[s.state as string] ?? EVENTS.deadline;
      s = transition(s, happy)?.next ?? s;
    }
    return s;
  };

  it('from any state any events reach, the modem coming back leads to ready, unless the session ended', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        let s = transition(INITIAL, EVENTS.start)!.next;
        for (const e of events) s = transition(s, e)?.next ?? s;
        if (FINAL_STATES.has(s.state)) return;
        expect(settle(s).state).toBe('ready');
      }),
    );
  });

  it('stop ends every state, and nothing leaves stopped', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        let s = INITIAL;
        for (const e of events) s = transition(s, e)?.next ?? s;
        const stopped = transition(s, EVENTS.stop)?.next ?? s;
        expect(stopped.state).toBe('stopped');
        for (const e of Object.values(EVENTS)) expect(transition(stopped, e)).toBeUndefined();
      }),
    );
  });

  it('attempts only grow while not ready, and ready resets them', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        let s = transition(INITIAL, EVENTS.start)!.next;
        for (const e of events) {
          const next = transition(s, e)?.next ?? s;
          if (next.state === 'ready') expect(next.attempt).toBe(0);
          else if (s.state !== 'ready' && !FINAL_STATES.has(next.state)) expect(next.attempt).toBeGreaterThanOrEqual(s.attempt);
          s = next;
        }
      }),
    );
  });
});
