import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardToHttp } from '../examples/forward-http.js';
import { jsonToFunction } from '../examples/json-to-function.js';
import { stateLed } from '../examples/state-led.js';
import { StreamTransport, VirtualModem } from '../src/testing.js';

/** docs/library.md's examples, run on the virtual modem as they are written. */
let modem: VirtualModem;
let dir: string;
let cwd: string;
const closers: (() => Promise<unknown> | unknown)[] = [];
beforeEach(() => {
  modem = new VirtualModem({ profile: 'quectel' });
  dir = mkdtempSync(join(tmpdir(), 'smsbridge-examples-'));
  cwd = process.cwd();
  process.chdir(dir); // the examples keep their store in ./agent.db
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  modem.dispose();
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});
const open = async () => new StreamTransport(modem.connect());
const reply = async (n = 1) => {
  for (let i = 0; i < 400 && modem.outbox.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return modem.outbox.map((e) => `${e.to} ${e.text}`);
};

describe('docs/library.md examples', () => {
  it('json-to-function: {"led":"on"} runs the local function and replies to 000', async () => {
    const { bridge, leds } = await jsonToFunction(open);
    closers.push(() => bridge.close());
    modem.deliver({ from: '000', text: '{"led":"on"}' });
    expect(await reply()).toEqual(['000 led on']);
    expect(leds.get('status')).toBe(true);
  });

  it('forward-http: "svc …" goes to the local service and its answer comes back', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.end(`done: ${body}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    const { port } = server.address() as { port: number };
    const bridge = await forwardToHttp(`http://127.0.0.1:${port}/`, open);
    closers.push(() => bridge.close());
    modem.deliver({ from: '000', text: 'svc restart pump' });
    expect(await reply()).toEqual(['000 done: restart pump']);
    expect(bodies).toEqual(['restart pump']);
  });

  it('state-led: blinks while the modem comes up, solid once SMS works, off when closed', async () => {
    const modes: string[] = [];
    const bridge = await stateLed((mode) => modes.push(mode), open);
    expect(modes.at(-1)).toBe('solid');
    expect(modes).toContain('blink');
    await bridge.close();
    expect(modes.at(-1)).toBe('off');
  });

  it('the code blocks in docs/library.md are the example files, word for word', () => {
    const doc = readFileSync(new URL('../docs/library.md', import.meta.url), 'utf8');
    for (const file of readdirSync(new URL('../examples/', import.meta.url))) {
      const code = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
      expect(doc, file).toContain(code.trim());
    }
  });
});
