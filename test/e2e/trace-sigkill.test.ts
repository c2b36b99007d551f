import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTraceJsonl } from '../../src/transcript/trace-jsonl.js';

const TRACE_FILE = fileURLToPath(new URL('../../dist/at/trace-file.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A process that records traffic and is killed with SIGKILL keeps every entry it had recorded:
 * each is one write(2) on the descriptor, nothing waits in the process. (The built writer, as
 * `smsbridge run` uses it: `npm run build` first.)
 */
describe('the trace file under SIGKILL', () => {
  it('every entry recorded before the kill is in the file, whole', async () => {
    if (!existsSync(TRACE_FILE)) throw new Error(`${TRACE_FILE} is missing: run npm run build`);
    const dir = mkdtempSync(join(tmpdir(), 'smsbridge-trace-kill-'));
    dirs.push(dir);
    const path = join(dir, 'trace.jsonl');
    const script = `
      const { TraceFile } = await import(${JSON.stringify(TRACE_FILE)});
      const file = new TraceFile(${JSON.stringify(path)}, { maxBytes: 1 << 30 });
      let n = 0;
      const tick = () => {
        for (let i = 0; i < 50; i++, n++) file.record({ direction: n % 2 ? 'rx' : 'tx', bytes: Buffer.from(n % 2 ? '\\r\\nOK\\r\\n' : 'AT+CSQ=' + n + '\\r', 'latin1'), at: new Date() });
        process.stdout.write(n + '\\n');
        setImmediate(tick);
      };
      tick();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const counts = d.toString().trim().split('\n').map(Number);
        reported = counts.at(-1)!;
        if (reported >= 2_000 && child.kill('SIGKILL')) resolve();
      });
    });
    await new Promise((r) => child.once('exit', r));
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true); // no torn line
    const entries = parseTraceJsonl(text).entries;
    // At least what the child had reported; maybe a few more recorded after its last report.
    expect(entries.length).toBeGreaterThanOrEqual(reported);
    expect(entries.slice(0, reported).every((e, n) => e.kind === (n % 2 ? 'modem' : 'host'))).toBe(true);
  }, 20_000);
});
