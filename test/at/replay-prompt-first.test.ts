import { describe, expect, it } from 'vitest';
import { replayTranscript } from '../../src/at/replay.js';
import { parseTranscript } from '../../src/transcript/transcript.js';

/**
 * A trace cut in the middle of a send (a rotated file, a recording started late) begins with the
 * modem's `> ` prompt or the body written after it. The replay used to hang on it for good: the
 * body was skipped by the command loop but stayed the transport's next expected write, so nothing
 * after it was played and the last wait for idle never returned.
 */
describe('replay of a trace that starts in the middle of a send', () => {
  it('starting at the prompt: takes the unasked-for `> ` as a line, reports the orphan body, plays on, and ends', async () => {
    const t = parseTranscript('< \\r\\n>\\x20\n> pong\\x1a\n< \\r\\n+CMGS: 5\\r\\n\\r\\nOK\\r\\n\n> AT\\r\n< \\r\\nOK\\r\\n\n');
    const r = await replayTranscript(t);
    // No command waits for a prompt, so `> ` is not one (docs/modem-behaviour.md §1): it ends as a line.
    expect(r.frames).toEqual([{ kind: 'line', text: '> ' }, { kind: 'line', text: '+CMGS: 5' }, { kind: 'line', text: 'OK' }, { kind: 'line', text: 'OK' }]);
    expect(r.commands).toEqual([{ command: 'AT', response: { lines: [], final: 'OK' } }]);
    expect(r.mismatches).toEqual(['host entry pong\\x1a is not a command and follows no prompt']);
  }, 5_000);

  it('starting at the body: steps over it and replays the rest', async () => {
    const t = parseTranscript('> pong\\x1a\n< \\r\\n+CMGS: 5\\r\\n\\r\\nOK\\r\\n\n> AT+CSQ\\r\n< \\r\\n+CSQ: 20,99\\r\\n\\r\\nOK\\r\\n\n');
    const r = await replayTranscript(t);
    expect(r.commands.map((c) => [c.command, c.response?.lines])).toEqual([['AT+CSQ', ['+CSQ: 20,99']]]);
    expect(r.mismatches).toEqual(['host entry pong\\x1a is not a command and follows no prompt']);
  }, 5_000);

});
