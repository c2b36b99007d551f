/**
 * The console's figures (issue 18), in Chromium against `smsbridge sandbox` run as its own process
 * with `commands` commands in it: what the first load transfers and how soon the list is on
 * screen, and how long a new command takes to show (created through the API → row in the page).
 */
import type { BenchRow } from './at-core.js';
import { launchChromium } from './chromium.js';
import { percentile } from './measure.js';
import { postCommand, startSandboxProcess } from './sandbox-process.js';

export interface ConsoleBenchOptions {
  /** The CLI as `node` arguments (built or through the TypeScript loader). */
  cliArgv: string[];
  /** Commands in the sandbox before the page opens (default 1000). */
  commands?: number;
  /** First loads measured, each in a fresh browser context (no cache). */
  loads?: number;
  /** Live updates measured, one at a time. */
  liveSamples?: number;
}

interface Load {
  bytes: number;
  decoded: number;
  requests: number;
  renderedMs: number;
  rows: number;
}

// Read in the page once the console marked its first rendered list (console/app.js).
const LOAD_FIGURES = `(() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return {
    bytes: entries.reduce((n, e) => n + e.transferSize, 0),
    decoded: entries.reduce((n, e) => n + e.decodedBodySize, 0),
    requests: entries.length,
    renderedMs: performance.getEntriesByName('console-list-rendered')[0].startTime,
    rows: document.querySelectorAll('#commands tbody tr').length,
  };
})()`;

// Records when each command row first appears, by payload, on the page's clock (Date.now, as the bench's).
const WATCH_ROWS = `(() => {
  window.rowSeenAt = {};
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      const payload = node.querySelector?.('.payload code')?.textContent;
      if (payload && !(payload in window.rowSeenAt)) window.rowSeenAt[payload] = Date.now();
    }
  }).observe(document.querySelector('#commands tbody'), { childList: true });
})()`;

export async function runConsoleBench(options: ConsoleBenchOptions): Promise<BenchRow[]> {
  const total = options.commands ?? 1000;
  const loads = options.loads ?? 5;
  const liveSamples = options.liveSamples ?? 50;
  // No bridge: the figures are the console's and the server's, not the device's replies.
  const sandbox = await startSandboxProcess(options.cliArgv, ['--sims', '2']);
  const browser = await launchChromium().catch(async (error: unknown) => {
    await sandbox.stop();
    throw error;
  });
  try {
    const token = await sandbox.token();
    let next = 0;
    const fill = async () => {
      while (next < total) {
        const n = next++;
        await postCommand(sandbox, token, n % 2 ? 'sim-2' : 'sim-1', `fill ${n}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, fill));

    const measured: Load[] = [];
    let page;
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      page = await context.newPage();
      await page.goto(sandbox.consoleUrl);
      await page.waitForFunction(`performance.getEntriesByName('console-list-rendered').length > 0`);
      measured.push((await page.evaluate(LOAD_FIGURES)) as Load);
      if (i < loads - 1) await context.close();
    }

    await page!.evaluate(WATCH_ROWS);
    const delays: number[] = [];
    for (let n = 0; n < liveSamples; n++) {
      const payload = `live ${n}`;
      const sent = Date.now();
      await postCommand(sandbox, token, 'sim-1', payload);
      await page!.waitForFunction(`window.rowSeenAt[${JSON.stringify(payload)}] !== undefined`, undefined, { polling: 'raf' });
      delays.push(((await page!.evaluate(`window.rowSeenAt[${JSON.stringify(payload)}]`)) as number) - sent);
    }

    const median = (pick: (l: Load) => number) => percentile(measured.map(pick), 50);
    const first = measured[0]!;
    const how = `smsbridge sandbox --sims 2 as its own process with ${total} commands, headless Chromium ${browser.version()} on 127.0.0.1`;
    return [
      { name: 'console first load: bytes transferred', value: median((l) => l.bytes) / 1024, unit: 'KiB', how: `page, modules, stylesheet and the first lists (${first.requests} requests, gzip; ${(first.decoded / 1024).toFixed(0)} KiB decoded), ${first.rows} rows shown; median of ${loads} loads without cache; ${how}` },
      { name: 'console first load: first rendered list', value: median((l) => l.renderedMs), unit: 'ms', how: 'navigation start → the frame after the commands, SIMs and webhooks are in the tables (performance mark); same loads' },
      { name: 'console live update: p50', value: percentile(delays, 50), unit: 'ms', how: `POST /v1/SmsCommands sent → its row in the page (MutationObserver, Date.now on both sides), ${liveSamples} commands one at a time` },
      { name: 'console live update: p95', value: percentile(delays, 95), unit: 'ms', how: 'same sample' },
      { name: 'console live update: max', value: Math.max(...delays), unit: 'ms', how: 'same sample' },
    ];
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}
