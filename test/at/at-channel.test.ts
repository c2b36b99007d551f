import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AtChannel } from '../../src/at/at-channel.js';
import { at, valuesOf, type AtResponse } from '../../src/at/command.js';
import { TracedTransport } from '../../src/at/traced-transport.js';
import type { Urc } from '../../src/at/urc.js';
import { BridgeError, isBridgeError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';
// The vendors' lines (boot, noise) as a channel to a real modem has them.
import { modemUrcs } from '../../src/modem/profiles.js';

const setup = (options: ConstructorParameters<typeof AtChannel>[1] = {}) => {
  const transport = new MemoryTransport();
  const channel = new AtChannel(transport, options);
  const urcs: Urc[] = [];
  channel.urc$.subscribe((u) => urcs.push(u));
  return { transport, channel, urcs };
};

const settle = () => new Promise((r) => setImmediate(r));
const rejection = async (p: Promise<unknown>): Promise<BridgeError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
};

describe('AtChannel', () => {
  it('writes a command with CR and resolves with its info lines on OK', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CPMS?'));
    expect(transport.writtenText).toBe('AT+CPMS?\r');
    transport.receive('\r\n+CPMS: "SM",3,30,"SM",3,30,"SM",3,30\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CPMS: "SM",3,30,"SM",3,30,"SM",3,30'], final: 'OK' });
  });

  it('keeps one command in flight and sends the next only after the final result', async () => {
    const { transport, channel } = setup();
    const first = channel.send(at('AT+CMGF=1'));
    const second = channel.send(at('AT+CSCS="GSM"'));
    expect(transport.written.map(String)).toEqual(['AT+CMGF=1\r']);
    expect(channel.inFlight).toBe('AT+CMGF=1');
    transport.receive('\r\nOK\r\n');
    await first;
    expect(transport.written.map(String)).toEqual(['AT+CMGF=1\r', 'AT+CSCS="GSM"\r']);
    transport.receive('\r\nOK\r\n');
    await expect(second).resolves.toMatchObject({ final: 'OK' });
  });

  it('puts an urgent command (an acknowledgement) ahead of the waiting ones, never ahead of the one in flight, urgent ones in order', async () => {
    const { transport, channel } = setup();
    const answers = [channel.send(at('AT+CMGR=1')), channel.send(at('AT+CMGR=2')), channel.send(at('AT+CNMA', { urgent: true })), channel.send(at('AT+CNMA=0', { urgent: true }))];
    for (let i = 0; i < 4; i++) {
      await settle();
      transport.receive('\r\nOK\r\n');
    }
    await Promise.all(answers);
    expect(transport.written.map(String)).toEqual(['AT+CMGR=1\r', 'AT+CNMA\r', 'AT+CNMA=0\r', 'AT+CMGR=2\r']);
  });

  it('ignores the echo of the command, ATE0 included', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('ATE0'));
    transport.receive('ATE0\r\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: [], final: 'OK' });
  });

  it('takes lines without a prefix for commands that have none', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CGSN'));
    transport.receive('\r\n866758042235672\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['866758042235672'], final: 'OK' });
  });

  it('routes a URC that arrives between the command and its answer to urc$ (Huawei +CMTI after AT+CPIN?)', async () => {
    const { transport, channel, urcs } = setup();
    const answer = channel.send(at('AT+CPIN?'));
    transport.receive('\r\n+CMTI: "ME",0\r\n');
    transport.receive('\r\n+CPIN: READY\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CPIN: READY'], final: 'OK' });
    expect(urcs).toMatchObject([{ type: 'CMTI', storage: 'ME', index: 0 }]);
  });

  it('gives a line with the in-flight prefix to the command even when the prefix is also a URC', async () => {
    const { transport, channel, urcs } = setup({ urcs: modemUrcs() });
    const answer = channel.send(at('AT+CREG?'));
    transport.receive('\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+QIND: PB DONE\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CREG: 0,1'], final: 'OK' });
    expect(urcs).toMatchObject([{ type: 'BOOT', stage: 'phonebook-ready' }]);
  });

  it('takes the line after +CMT: as its data even when it reads like a final result', async () => {
    const { transport, channel, urcs } = setup();
    const answer = channel.send(at('AT'));
    transport.receive('\r\n+CMT: "000",,"24/10/24,20:12:17+00"\r\nOK\r\n');
    expect(channel.inFlight).toBe('AT');
    transport.receive('\r\nOK\r\n');
    await answer;
    expect(urcs).toMatchObject([{ type: 'CMT', header: '"000",,"24/10/24,20:12:17+00"', data: 'OK' }]);
  });

  it('takes the trailing body of a prefixed line even when it looks like a URC', async () => {
    const { transport, channel, urcs } = setup();
    const answer = channel.send(at('AT+CMGR=3', { trailingLines: 1 }));
    transport.receive('\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nRING\r\n\r\nOK\r\n');
    await expect(answer).resolves.toMatchObject({ lines: ['+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', 'RING'] });
    expect(urcs).toEqual([]);
  });

  it('reads the trailing line count off the header when told how', async () => {
    const { transport, channel } = setup();
    const lengthOf = (line: string) => (Number(line.split(',').at(-1)) > 0 ? 1 : 0);
    const empty = channel.send(at('AT+CMGR=1', { trailingLines: lengthOf }));
    transport.receive('\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+4477",145,0\r\n\r\nOK\r\n');
    await expect(empty).resolves.toMatchObject({ final: 'OK' });
  });

  it('takes a text-mode +CMT body over as many lines as its <length> spans (AT+CSDH=1), OK and URC-like lines included', async () => {
    const { transport, channel, urcs } = setup();
    const answer = channel.send(at('AT'));
    // "first\nOK\n+CMTI: \"SM\",1" is 23 characters; the +CMTI after it is a URC of its own.
    transport.receive('\r\n+CMT: "000",,"24/10/24,20:12:17+00",129,4,0,0,"+4477",145,23\r\nfirst\nOK\n+CMTI: "SM",1\r\n');
    transport.receive('\r\n+CMTI: "SM",2\r\n\r\nOK\r\n');
    await answer;
    expect(urcs).toMatchObject([
      { type: 'CMT', data: 'first\nOK\n+CMTI: "SM",1' },
      { type: 'CMTI', storage: 'SM', index: 2 },
    ]);
  });

  it('hands a body its NULs (`@` under CSCS "GSM") and drops them around other lines (padding)', async () => {
    const { transport, channel, urcs } = setup();
    const answer = channel.send(at('AT+CGMI'));
    transport.receive('\r\n+CMT: "000",,"24/10/24,20:12:17+00",129,4,0,0,"+4477",145,6\r\n\x00ping\x00\x00\x00\r\n');
    transport.receive('\r\n\x00\x00Quectel\x00\x00\r\n\x00\x00\r\n\x00OK\x00\r\n');
    await expect(answer).resolves.toMatchObject({ lines: ['Quectel'], final: 'OK' });
    expect(urcs).toMatchObject([{ type: 'CMT', data: '\x00ping\x00\x00\x00' }]);
  });

  it('ends a body by <length> even when the next line would fit, once the length is used up', async () => {
    const { transport, channel } = setup();
    const rule = () => ({ chars: 8 });
    const read = channel.send(at('AT+CMGR=1', { prefix: '+CMGR:', trailingLines: rule }));
    transport.receive('\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+4477",145,8\r\nping\nOK\r\n\r\nOK\r\n');
    await expect(read).resolves.toEqual({ lines: ['+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+4477",145,8', 'ping', 'OK'], final: 'OK' });
    const short = channel.send(at('AT+CMGR=2', { prefix: '+CMGR:', trailingLines: () => ({ chars: 3 }) }));
    transport.receive('\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00",129,4,0,0,"+4477",145,3\r\nabc\r\n\r\nOK\r\n');
    await expect(short).resolves.toMatchObject({ lines: [expect.stringContaining('+CMGR:'), 'abc'], final: 'OK' });
  });

  it('emits lines nobody claims as unknown URCs and logs them', async () => {
    const log = memoryLogger();
    const { transport, urcs } = setup({ log });
    transport.receive('\r\n+WEIRD: 1\r\n');
    expect(urcs).toEqual([{ type: 'unknown', line: '+WEIRD: 1' }]);
    expect(log.entries.some((e) => e.level === 'warn' && e.msg.includes('unknown'))).toBe(true);
  });

  it.each([
    ['ERROR', 'AT_ERROR', undefined],
    ['+CME ERROR: 14', 'CME_ERROR', 14],
    ['+CME ERROR: SIM busy', 'CME_ERROR', 14],
    ['+CMS ERROR: 350', 'CMS_ERROR', 350],
    ['COMMAND NOT SUPPORT', 'AT_ERROR', undefined],
  ])('rejects on %j with code %s and the 3GPP number', async (final, code, number) => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CPMS="ME"'));
    transport.receive(`\r\n${final}\r\n`);
    const error = await rejection(answer);
    expect(error.code).toBe(code);
    expect(error.number).toBe(number);
    expect(error.command).toBe('AT+CPMS="ME"');
    expect(error.lines).toEqual([final]);
  });

  it('sends the body after the prompt that has no line end, with Ctrl-Z, and reads +CMGS', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGS="000"', { body: 'pong' }));
    expect(transport.written.map(String)).toEqual(['AT+CMGS="000"\r']);
    transport.receive('\r\n> ');
    expect(transport.written.map(String)).toEqual(['AT+CMGS="000"\r', 'pong\x1a']);
    expect(channel.awaitingSendResult).toBe(true);
    transport.receive('\r\n+CMGS: 13\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CMGS: 13'], final: 'OK' });
  });

  it('handles URCs before the prompt and before the send result (ZTE)', async () => {
    const { transport, channel, urcs } = setup({ urcs: modemUrcs() });
    const answer = channel.send(at('AT+CMGS=14', { body: '001100038100F00000AA04F0B7FB0C' }));
    transport.receive('\r\n+ZDONR: "METEOR",272,3,"CS_ONLY","ROAM_OFF"\r\n\r\n+ZPASR: "UMTS"\r\n\r\n> ');
    transport.receive('\r\n+ZPASR: "UMTS"\r\n\r\n+CMGS: 7\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CMGS: 7'], final: 'OK' });
    expect(urcs.map((u) => u.type)).toEqual(['VENDOR', 'VENDOR', 'VENDOR']);
  });

  it('ignores the echoed body and its Ctrl-Z (SIMCom echo on)', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGS="000"', { body: 'temp=21.5' }));
    transport.receive('AT+CMGS="000"\r\r\n> ');
    transport.receive('temp=21.5\x1a');
    transport.receive('\r\n+CMGS: 5\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CMGS: 5'], final: 'OK' });
  });

  it('rejects a send whose modem answers ERROR instead of the prompt, without writing the body', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGS="000"', { body: 'pong' }));
    transport.receive('\r\n+CMS ERROR: 302\r\n');
    const error = await rejection(answer);
    expect(error.number).toBe(302);
    expect(error.bodyWritten).toBe(false);
    expect(transport.writtenText).toBe('AT+CMGS="000"\r');
  });

  it('says whether the body had gone out when a send fails: the port closing after it, or an error before it', async () => {
    const { transport, channel } = setup();
    const sent = channel.send(at('AT+CMGS="000"', { body: 'pong' }));
    transport.receive('\r\n> ');
    const queued = channel.send(at('AT+CMGS="000"', { body: 'again' }));
    transport.disconnect();
    expect(await rejection(sent)).toMatchObject({ code: 'PORT_CLOSED', bodyWritten: true });
    const never = await rejection(queued);
    expect(never.code).toBe('PORT_CLOSED');
    expect(never.bodyWritten).toBeUndefined(); // never started: nothing was written
    const plain = channel.send(at('AT+CSQ'));
    expect((await rejection(plain)).bodyWritten).toBeUndefined(); // no body, no flag
  });

  it('takes `> ` for text when the command in flight asked for no prompt', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGF=1'));
    transport.receive('\r\n> ');
    transport.receive('\r\nOK\r\n');
    expect(transport.written.map(String)).toEqual(['AT+CMGF=1\r']);
    expect(await answer).toEqual({ lines: ['> '], final: 'OK' });
  });

  it('fails queued and in-flight commands with PORT_CLOSED when the port disappears, and later sends too', async () => {
    const { transport, channel } = setup();
    const first = channel.send(at('AT'));
    const second = channel.send(at('AT+CSQ'));
    transport.disconnect();
    expect((await rejection(first)).code).toBe('PORT_CLOSED');
    expect((await rejection(second)).code).toBe('PORT_CLOSED');
    expect((await rejection(channel.send(at('AT')))).code).toBe('PORT_CLOSED');
    expect(channel.closed).toBe(true);
  });

  it('rejects with PARSE_ERROR and the lines when the parser throws', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(
      at('AT+CSQ', {
        parse: (r: AtResponse) => {
          const [value] = valuesOf(r, '+CSQ:');
          if (!value || !/^\d+,\d+$/.test(value)) throw new Error(`bad +CSQ: ${value}`);
          return Number(value.split(',')[0]);
        },
      }),
    );
    transport.receive('\r\n+CSQ: what\r\n\r\nOK\r\n');
    const error = await rejection(answer);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.lines).toEqual(['+CSQ: what', 'OK']);
  });

  it('aborts a queued command without writing it', async () => {
    const { transport, channel } = setup();
    const first = channel.send(at('AT'));
    const controller = new AbortController();
    const second = channel.send(at('AT+CSQ'), { signal: controller.signal });
    controller.abort();
    expect((await rejection(second)).code).toBe('ABORTED');
    transport.receive('\r\nOK\r\n');
    await first;
    await settle();
    expect(transport.writtenText).toBe('AT\r');
  });

  it('fails the command in flight on request, e.g. when the modem rebooted under it', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGR=1'));
    channel.failInFlight(new BridgeError('MODEM_RESET', 'the modem restarted'));
    const error = await rejection(answer);
    expect(error.code).toBe('MODEM_RESET');
    expect(error.command).toBe('AT+CMGR=1');
    const next = channel.send(at('AT'));
    transport.receive('\r\nOK\r\n');
    await next;
  });

  it('hides bodies both ways in the traffic log when asked', async () => {
    const log = memoryLogger();
    const transport = new MemoryTransport();
    const channel = new AtChannel(new TracedTransport(transport, { log, redactBodies: true }), { log });
    const answer = channel.send(at('AT+CMGS="000"', { body: 'secret' }));
    transport.receive('\r\n> ');
    transport.receive('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    await answer;
    const traffic = log.entries.filter((e) => e.level === 'trace').map((e) => e.msg);
    expect(traffic).toEqual(['» AT+CMGS="000"\\r', '« <4 bytes>', '» <redacted>', '« <18 bytes>']);
  });

  it('gives up an owed trailing line that does not fit, so an OK where a PDU was due settles the command', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGR=1', { trailingLines: 1, trailingLineFits: (line) => /^[0-9A-F]+$/i.test(line) }));
    transport.receive('\r\n+CMGR: 1,,147 0791\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CMGR: 1,,147 0791'], final: 'OK' });
  });

  it('takes a text body line `> ping 1` as the body, not as a prompt', async () => {
    const { transport, channel } = setup();
    const answer = channel.send(at('AT+CMGR=1', { trailingLines: 1 }));
    transport.receive('\r\n+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"\r\n> ping 1\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CMGR: "REC READ","000",,"24/10/24,20:12:17+00"', '> ping 1'], final: 'OK' });
    expect(transport.written.map(String)).toEqual(['AT+CMGR=1\r']);
  });

  describe('timeouts', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('times out, counts consecutive timeouts, and resets the count on the next final result', async () => {
      const { transport, channel } = setup();
      const first = channel.send(at('AT', { timeoutMs: 1000 }));
      const second = channel.send(at('AT', { timeoutMs: 1000 }));
      vi.advanceTimersByTime(1000);
      expect((await rejection(first)).code).toBe('AT_TIMEOUT');
      expect(channel.consecutiveTimeouts).toBe(1);
      vi.advanceTimersByTime(1000);
      expect((await rejection(second)).code).toBe('AT_TIMEOUT');
      expect(channel.consecutiveTimeouts).toBe(2);
      const third = channel.send(at('AT', { timeoutMs: 1000 }));
      transport.receive('\r\nOK\r\n');
      await third;
      expect(channel.consecutiveTimeouts).toBe(0);
    });

    it('settles a command whose final result is optional with what came, once its prefixed line came (old Wavecom +CPIN: READY)', async () => {
      const { transport, channel } = setup();
      const answer = channel.send(at('AT+CPIN?', { timeoutMs: 1000, finalResultOptional: true }));
      transport.receive('\r\n+CPIN: READY\r\n');
      vi.advanceTimersByTime(1000);
      await expect(answer).resolves.toEqual({ lines: ['+CPIN: READY'], final: '' });
      expect(channel.consecutiveTimeouts).toBe(0);
    });

    it('still fails a command whose final result is optional when nothing with its prefix came', async () => {
      const { channel } = setup();
      const answer = channel.send(at('AT+CPIN?', { timeoutMs: 1000, finalResultOptional: true }));
      vi.advanceTimersByTime(1000);
      expect((await rejection(answer)).code).toBe('AT_TIMEOUT');
      expect(channel.consecutiveTimeouts).toBe(1);
    });

    it('cancels with ESC when the prompt never comes', async () => {
      const { transport, channel } = setup();
      const answer = channel.send(at('AT+CMGS="000"', { body: 'x', timeoutMs: 500 }));
      vi.advanceTimersByTime(500);
      const error = await rejection(answer);
      expect(error.code).toBe('AT_TIMEOUT');
      expect(error.message).toMatch(/prompt/);
      expect(error.bodyWritten).toBe(false);
      expect(transport.written.map(String)).toEqual(['AT+CMGS="000"\r', '\x1b']);
    });

    it('waits the longer send timeout once the body is written, and writes nothing more on timeout', async () => {
      const { transport, channel } = setup();
      const answer = channel.send(at('AT+CMGS="000"', { body: 'x', timeoutMs: 500, bodyTimeoutMs: 60_000 }));
      transport.receive('\r\n> ');
      vi.advanceTimersByTime(59_999);
      expect(channel.awaitingSendResult).toBe(true);
      vi.advanceTimersByTime(1);
      const error = await rejection(answer);
      expect(isBridgeError(error, 'AT_TIMEOUT')).toBe(true);
      expect(error.bodyWritten).toBe(true);
      expect(transport.written.map(String)).toEqual(['AT+CMGS="000"\r', 'x\x1a']);
    });
  });
});

describe('AtChannel traffic log', () => {
  it('logs traffic with direction and escaped control characters', async () => {
    const log = memoryLogger();
    const transport = new MemoryTransport();
    const channel = new AtChannel(new TracedTransport(transport, { log }), { log });
    const answer = channel.send(at('AT+CMGS="000"', { body: 'hi' }));
    transport.receive('\r\n> ');
    transport.receive('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    await answer;
    const traffic = log.entries.filter((e) => e.level === 'trace').map((e) => e.msg);
    expect(traffic).toEqual(['» AT+CMGS="000"\\r', '« \\r\\n>\\x20', '» hi\\x1a', '« \\r\\n+CMGS: 1\\r\\n\\r\\nOK\\r\\n']);
  });
});

describe('AtChannel: URC data lines', () => {
  it('gives up a PDU-mode +CMT whose PDU line did not come, and the OK after it still settles the command', async () => {
    const { transport, channel, urcs } = setup();
    const answer = channel.send(at('AT+CSQ'));
    transport.receive('\r\n+CSQ: 20,99\r\n\r\n+CMT: ,24\r\n\r\nOK\r\n');
    await expect(answer).resolves.toEqual({ lines: ['+CSQ: 20,99'], final: 'OK' });
    expect(urcs).toEqual([{ type: 'unknown', line: '+CMT: ,24' }]);
  });

  it('keeps a text-mode +CMT body that reads like a final result', () => {
    const { transport, urcs } = setup();
    transport.receive('\r\n+CMT: "000",,"24/10/24,20:12:17+00"\r\nOK\r\n');
    expect(urcs).toMatchObject([{ type: 'CMT', data: 'OK' }]);
  });
});
