import { describe, expect, it } from 'vitest';
import { CommandTimelines } from '../../src/sandbox/command-timeline.js';
import type { CommandRecord } from '../../src/sandbox/resources.js';

const command = (over: Partial<CommandRecord>): CommandRecord => ({
  seq: 1,
  sid: 'HC00000000000000000000000000000001',
  accountSid: 'AC',
  simSid: 'HS',
  payload: 'ping 7',
  status: 'queued',
  direction: 'to_sim',
  callbackUrl: null,
  callbackMethod: 'POST',
  errorCode: null,
  errorMessage: null,
  created: 1000,
  updated: 1000,
  attempts: 0,
  gaveUp: false,
  ...over,
});

describe('command timelines', () => {
  it('records each status once, in the order it happened', () => {
    const timelines = new CommandTimelines();
    timelines.record(command({}));
    timelines.record(command({ status: 'sent', updated: 1002 }));
    timelines.record(command({ status: 'sent', updated: 1003 }));
    timelines.record(command({ status: 'delivered', updated: 1050 }));
    expect(timelines.of(command({ status: 'delivered' }))).toEqual([
      { status: 'queued', at: 1000 },
      { status: 'sent', at: 1002 },
      { status: 'delivered', at: 1050 },
    ]);
  });

  it('gives a command it never saw (an earlier run) the steps its dates tell', () => {
    const timelines = new CommandTimelines();
    expect(timelines.of(command({ status: 'failed', updated: 5000 }))).toEqual([
      { status: 'queued', at: 1000 },
      { status: 'failed', at: 5000 },
    ]);
    expect(timelines.of(command({ direction: 'from_sim', status: 'received' }))).toEqual([{ status: 'received', at: 1000 }]);
    // First seen past queued: the queued step comes from its creation date.
    timelines.record(command({ status: 'sent', updated: 1200 }));
    timelines.record(command({ status: 'delivered', updated: 1300 }));
    expect(timelines.of(command({})).map((s) => s.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('forgets the oldest timelines past its bound', () => {
    const timelines = new CommandTimelines(2);
    for (const n of [1, 2, 3]) timelines.record(command({ sid: `HC${n}`, status: 'sent', updated: 1000 + n }));
    // HC1 was forgotten: its steps come from its dates again (queued at creation).
    expect(timelines.of(command({ sid: 'HC1', status: 'delivered', updated: 2000 }))).toEqual([
      { status: 'queued', at: 1000 },
      { status: 'delivered', at: 2000 },
    ]);
  });

  it('puts the error of a failed command in its console JSON', () => {
    const timelines = new CommandTimelines();
    const failed = command({ status: 'failed', errorCode: 30005, errorMessage: 'SIM inactive' });
    expect(timelines.json(failed, 'sim-1')).toMatchObject({ sim: 'sim-1', error: { code: 30005, message: 'SIM inactive' }, date_created: '1970-01-01T00:00:01Z' });
  });
});
