import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimCommand, runSim } from '../../src/cli/sim-command.js';
import { applyControl, parseControlLine } from '../../src/sim/control.js';
import { startControlServer } from '../../src/sim/control-server.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { quietModem } from './host.js';
import { ask, closePort, openPort } from './serial-client.js';

describe('simulator control lines', () => {
  it.each([
    ['deliver 000 ping pong', { action: 'deliver', from: '000', text: 'ping pong' }],
    ['outbox', { action: 'outbox' }],
    ['stats', { action: 'stats' }],
    ['fault reboot', { action: 'fault', fault: { type: 'reboot' } }],
    ['fault reboot silent', { action: 'fault', fault: { type: 'reboot', silent: true } }],
    ['fault unplug 3000', { action: 'fault', fault: { type: 'unplug', ms: 3000 } }],
    ['fault latency 200 +CMGL', { action: 'fault', fault: { type: 'latency', ms: 200, command: '+CMGL' } }],
    ['fault fail +CMGS +CMS ERROR: 500', { action: 'fault', fault: { type: 'fail', command: '+CMGS', result: '+CMS ERROR: 500' } }],
    ['fault garbage \\xff\\r\\n', { action: 'fault', fault: { type: 'garbage', bytes: '\xff\r\n' } }],
    ['fault silence off', { action: 'fault', fault: { type: 'silence', on: false } }],
    ['fault urc-during-prompt +CMTI: "SM",1', { action: 'fault', fault: { type: 'urc-during-prompt', line: '+CMTI: "SM",1' } }],
  ])('parses %j', (line, request) => {
    expect(parseControlLine(line)).toEqual(request);
  });

  it.each(['deliver 000', 'fault nonsense', 'fault latency soon', 'launch'])('rejects %j with a hint', (line) => {
    expect(() => parseControlLine(line)).toThrow();
  });

  it('applies requests to the modem', async () => {
    const host = await quietModem();
    applyControl(host.modem, parseControlLine('deliver 000 hello there'));
    expect(await host.settle()).toBe('\r\n+CMTI: "SM",1\r\n');
    applyControl(host.modem, parseControlLine('fault fail AT+CSQ ERROR'));
    expect(await host.send('AT+CSQ\r')).toBe('\r\nERROR\r\n');
    expect(applyControl(host.modem, parseControlLine('stored'))).toMatchObject([{ text: 'hello there', address: '000' }]);
  });
});

describe('simulator HTTP control', () => {
  it('delivers, reads the outbox and stats, and injects faults over JSON', async () => {
    const host = await quietModem();
    const server = await startControlServer(host.modem, 0);
    try {
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
      expect(await (await post('/deliver', { from: '000', text: 'via http' })).json()).toEqual({ ok: true });
      expect(await host.settle()).toBe('\r\n+CMTI: "SM",1\r\n');
      expect((await post('/fault', { type: 'drop' })).status).toBe(200);
      expect(await host.send('AT\r')).toBe('');
      await host.send('AT+CMGF=1\r');
      await host.send('AT+CMGS="000"\r');
      await host.send('pong\x1a');
      expect(await (await fetch(`${server.url}/outbox`)).json()).toMatchObject([{ to: '000', text: 'pong', mr: 1 }]);
      expect(await (await fetch(`${server.url}/stats`)).json()).toMatchObject({ sends: 1, deliveries: 1 });
      const bad = await post('/deliver', { from: '000' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: expect.stringContaining('deliver') });
      expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('smsbridge sim command', () => {
  it('registers a sim subcommand with its options', () => {
    const program = new Command();
    registerSimCommand(program);
    const sim = program.commands.find((c) => c.name() === 'sim')!;
    expect(sim.options.map((o) => o.long)).toEqual(['--profile', '--link', '--latency', '--send-latency', '--control-port', '--pin']);
  });

  it('runs the modem on a pty and takes control lines from its input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsbridge-cli-'));
    const link = join(dir, 'ttySIM');
    const input = new PassThrough();
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const sim = await runSim({ profile: 'telit', link, latency: 0, sendLatency: 0, controlPort: 0 }, { input, out });
    try {
      expect(printed).toContain(`virtual telit modem on ${sim.ptyPath} (link ${link})`);
      expect(printed).toContain(`control: ${sim.control!.url}`);
      const port = await openPort(link);
      expect(await ask(port, 'AT+CGMI\r', /OK\r\n$/)).toBe('AT+CGMI\r\r\nTelit\r\n\r\nOK\r\n');
      input.write('deliver 000 from stdin\n');
      await new Promise((resolve) => setImmediate(resolve));
      expect(sim.modem.stored()).toMatchObject([{ text: 'from stdin' }]);
      input.write('bogus\n');
      await new Promise((resolve) => setImmediate(resolve));
      expect(printed).toContain('error: unknown control command "bogus"');
      await closePort(port);
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers help with the list of control commands', () => {
    const modem = new VirtualModem();
    expect(applyControl(modem, { action: 'help' })).toContain('deliver <from> <text...>');
  });
});
