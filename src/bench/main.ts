import { existsSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchFramer, benchQueue, type BenchRow } from './at-core.js';
import { chromiumPath } from './chromium.js';
import { runConsoleBench } from './console-bench.js';
import { fileURLToPath } from 'node:url';
import { runEndToEnd, scenarioName, type EndToEndOptions, type EndToEndResult } from './end-to-end.js';
import { fewestExchanges, runProcessBench, type ProcessBenchOptions } from './process-bench.js';

/**
 * `npm run bench`: prints each figure with how it was measured; `--out file.json` keeps them.
 * Absolute numbers depend on the machine (and on what else runs on it); the ratios at the end
 * compare figures from the same run. `--quick` runs every scenario with few commands;
 * `--commands N` sets the long in-process run (default 10,000); `--only mem0,pty50` picks scenarios
 * (`--only console`: the sandbox console in Chromium with 1,000 commands).
 */
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    quick: { type: 'boolean', default: false },
    commands: { type: 'string' },
    only: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const long = Number(values.commands ?? (quick ? 2000 : 10_000));
if (!Number.isInteger(long) || long < 1000) throw new Error('--commands must be a whole number ≥ 1000');
const scale = (n: number) => (quick ? Math.max(10, Math.round(n / 5)) : n);

const fixtures = new URL('../../fixtures/transcripts/', import.meta.url);
const rows: BenchRow[] = [benchFramer(fixtures), await benchQueue()];
const queueRate = rows[1]!.value;

type Scenario = Omit<EndToEndOptions, 'window'> & { key: string };
const at0 = { latencyMs: 0, delivery: 'store', sendVia: 'storage' } as const;
const scenarios: Scenario[] = [
  { key: 'mem0', link: 'memory', ...at0, latencyCommands: scale(200), throughputCommands: long, memoryAt: [1000, long] },
  { key: 'mem0cmgs', link: 'memory', ...at0, sendVia: 'cmgs', latencyCommands: scale(200), throughputCommands: scale(1000) },
  { key: 'mem0cmt', link: 'memory', ...at0, delivery: 'direct', latencyCommands: scale(200), throughputCommands: scale(1000) },
  { key: 'mem0cmtcmgs', link: 'memory', ...at0, delivery: 'direct', sendVia: 'cmgs', latencyCommands: scale(200), throughputCommands: scale(1000) },
  { key: 'mem0shm', link: 'memory', ...at0, storeDir: '/dev/shm', latencyCommands: scale(200), throughputCommands: scale(1000) },
  { key: 'pty0', link: 'pty', ...at0, latencyCommands: scale(100), throughputCommands: scale(1000) },
  { key: 'pty0cmgs', link: 'pty', ...at0, sendVia: 'cmgs', latencyCommands: scale(100), throughputCommands: scale(500) },
  { key: 'mem50', link: 'memory', ...at0, latencyMs: 50, latencyCommands: scale(10), throughputCommands: scale(40) },
  { key: 'mem50cmgs', link: 'memory', ...at0, latencyMs: 50, sendVia: 'cmgs', latencyCommands: scale(10), throughputCommands: scale(40) },
  { key: 'mem50cmtcmgs', link: 'memory', ...at0, latencyMs: 50, delivery: 'direct', sendVia: 'cmgs', latencyCommands: scale(10), throughputCommands: scale(40) },
  { key: 'pty50', link: 'pty', ...at0, latencyMs: 50, latencyCommands: scale(10), throughputCommands: scale(30) },
  { key: 'pty50cmgs', link: 'pty', ...at0, latencyMs: 50, sendVia: 'cmgs', latencyCommands: scale(10), throughputCommands: scale(30) },
];

const results = new Map<string, EndToEndResult>();
const only = values.only?.split(',');
for (const { key, ...options } of scenarios) {
  if (only && !only.includes(key)) continue;
  if (options.storeDir !== undefined && !statSync(options.storeDir, { throwIfNoEntry: false })?.isDirectory()) continue;
  const result = await runEndToEnd({ ...options, window: 8 });
  results.set(key, result);
  rows.push(...scenarioRows(result));
}
rows.push(...ratioRows(results, queueRate));

// `smsbridge run` as its own process (the built CLI), through serialport on the pty, for each path.
const self = fileURLToPath(import.meta.url);
const bridgeArgv = self.endsWith('.ts')
  ? ['--import', fileURLToPath(new URL('../../test/store/crash/register-ts.mjs', import.meta.url)), fileURLToPath(new URL('../cli/main.ts', import.meta.url))]
  : [fileURLToPath(new URL('../cli/main.js', import.meta.url))];
const processScenarios: (Omit<ProcessBenchOptions, 'bridgeArgv' | 'window'> & { key: string })[] = [
  { key: 'proc50', latencyMs: 50, delivery: 'store', sendVia: 'storage', latencyCommands: scale(20), throughputCommands: scale(100) },
  { key: 'proc50cmgs', latencyMs: 50, delivery: 'store', sendVia: 'cmgs', latencyCommands: scale(20), throughputCommands: scale(100) },
  { key: 'proc50cmt', latencyMs: 50, delivery: 'direct', sendVia: 'storage', latencyCommands: scale(20), throughputCommands: scale(100) },
  { key: 'proc50cmtcmgs', latencyMs: 50, delivery: 'direct', sendVia: 'cmgs', latencyCommands: scale(20), throughputCommands: scale(100) },
  { key: 'proc0', latencyMs: 0, delivery: 'store', sendVia: 'storage', latencyCommands: scale(50), throughputCommands: quick ? 2000 : 10_000 },
];
for (const { key, ...options } of processScenarios) {
  if (only && !only.includes(key)) continue;
  const r = await runProcessBench({ ...options, bridgeArgv, window: 8 });
  const name = `process ${options.latencyMs}ms ${options.delivery === 'store' ? 'CMTI' : 'CMT+CNMA'} ${options.sendVia === 'storage' ? 'CMGW+CMSS' : 'CMGS'}`;
  const how = 'smsbridge run as its own process on the pty, the virtual Quectel in the bench process';
  rows.push(
    { name: `${name}: latency p50`, value: r.latencyMs.p50, unit: 'ms', how: `one at a time, ${r.latencyMs.samples} commands; ${how}` },
    { name: `${name}: latency p99`, value: r.latencyMs.p99, unit: 'ms', how: 'same sample' },
    { name: `${name}: throughput`, value: r.commandsPerS, unit: 'cmd/s', how: `${options.throughputCommands} × ping <n>, 8 unanswered at most` },
    { name: `${name}: AT exchanges`, value: r.exchangesPerCommand, unit: '/cmd', how: 'command lines (one per CR, chained commands included) + bodies, as the modem received them' },
    { name: `${name}: CPU`, value: r.cpuMsPerCommand, unit: 'ms/cmd', how: 'the bridge process alone: utime + stime from /proc over the throughput run ÷ commands' },
    { name: `${name}: peak RSS`, value: r.peakRssMiB, unit: 'MiB', how: `the bridge process's VmHWM after ${r.latencyMs.samples + options.throughputCommands + 1} commands` },
  );
  if (options.latencyMs > 0) {
    const limit = 1000 / (fewestExchanges(options) * options.latencyMs);
    rows.push({ name: `${name}: share of limit`, value: (100 * r.commandsPerS) / limit, unit: '%', how: `throughput ÷ ${format(limit)} cmd/s = 1 ÷ (${fewestExchanges(options)} exchanges, the fewest this path needs with nothing given up, × ${options.latencyMs} ms)` });
    if (options.latencyMs > 0) {
      rows.push({ name: `${name}: modem busy`, value: 100 * r.modemBusyShare, unit: '%', how: 'share of the throughput run the simulator spent working on lines and bodies (its latency waits as they really lasted); the rest is the pty both ways and the bridge' });
    }
  }
}

// The sandbox console in Chromium: asked for by name, or in a full run when Chromium is there.
if (only ? only.includes('console') : existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium')) {
  chromiumPath(); // a clear error when it was asked for and is missing
  rows.push(...(await runConsoleBench({ cliArgv: bridgeArgv, commands: 1000 })));
}

const width = Math.max(...rows.map((r) => r.name.length));
for (const row of rows) console.log(`${row.name.padEnd(width)}  ${format(row.value).padStart(9)} ${row.unit.padEnd(6)}  ${row.how}`);
if (values.out) {
  const scenariosOut = Object.fromEntries([...results].map(([key, r]) => [key, { name: scenarioName(r.options), ...r, limitPerS: Number.isFinite(r.limitPerS) ? r.limitPerS : null }]));
  writeFileSync(values.out, JSON.stringify({ node: process.version, at: new Date().toISOString(), quick, rows, scenarios: scenariosOut }, null, 2));
}

function scenarioRows(r: EndToEndResult): BenchRow[] {
  const o = r.options;
  const name = scenarioName(o);
  const modem = `virtual Quectel, ${o.latencyMs} ms before each answer and each +CMGS result${o.link === 'pty' ? ', through serialport on its pty (socat)' : ', in-process stream'}${o.storeDir ? `, store in ${o.storeDir}` : ''}`;
  const breakdown = Object.entries(r.perCommand)
    .map(([cmd, n]) => `${cmd}×${format(n)}`)
    .join(' ');
  const out: BenchRow[] = [
    { name: `${name}: latency p50`, value: r.latencyMs.p50, unit: 'ms', how: `SMS delivered to the modem → modem takes the reply, one at a time, ${r.latencyMs.samples} commands; ${modem}` },
    { name: `${name}: latency p99`, value: r.latencyMs.p99, unit: 'ms', how: 'same sample' },
    { name: `${name}: throughput`, value: r.commandsPerS, unit: 'cmd/s', how: `${o.throughputCommands} × ping <n>, 8 unanswered at most` },
    { name: `${name}: AT exchanges`, value: r.exchangesPerCommand, unit: '/cmd', how: `lines + bodies written, counted on the transport: ${breakdown}` },
    { name: `${name}: CPU`, value: r.cpuMsPerCommand, unit: 'ms/cmd', how: 'process.cpuUsage (user+system) over the throughput run ÷ commands; includes the virtual modem (same process)' },
  ];
  if (Number.isFinite(r.limitPerS)) {
    out.push({
      name: `${name}: share of modem limit`,
      value: (100 * r.commandsPerS) / r.limitPerS,
      unit: '%',
      how: `throughput ÷ limit ${format(r.limitPerS)} cmd/s = 1000 ÷ (${format(r.modemMsPerCommand)} ms the modem waits per command: lines × ${o.latencyMs} + CMGS bodies × ${o.latencyMs})`,
    });
    out.push({ name: `${name}: CPU busy`, value: (100 * r.cpuMsPerCommand * r.commandsPerS) / 1000, unit: '%', how: 'CPU ms per command × commands per second: share of one core while the modem sets the pace' });
  }
  for (const m of r.memory) {
    out.push({ name: `${name}: RSS after ${m.after}`, value: m.rssMiB, unit: 'MiB', how: `process.memoryUsage().rss after two full GCs (heap ${format(m.heapMiB)} MiB); bench process incl. the virtual modem (its list of sent SMS emptied first)` });
  }
  return out;
}

function ratioRows(results: Map<string, EndToEndResult>, queue: number): BenchRow[] {
  const out: BenchRow[] = [];
  const ratio = (name: string, a: string, b: string, pick: (r: EndToEndResult) => number, how: string) => {
    const ra = results.get(a);
    const rb = results.get(b);
    if (ra && rb) out.push({ name: `ratio: ${name}`, value: pick(ra) / pick(rb), unit: '×', how });
  };
  const thr = (r: EndToEndResult) => r.commandsPerS;
  ratio('pty ÷ in-process throughput', 'pty0', 'mem0', thr, '0 ms modem, CMTI + CMGW/CMSS: the cost of the real serial path (serialport + socat)');
  ratio('CMGS ÷ CMGW+CMSS throughput, 0 ms', 'mem0cmgs', 'mem0', thr, 'in process: what exactly-once sending costs when the modem is instant');
  ratio('CMGS ÷ CMGW+CMSS throughput, 50 ms', 'mem50cmgs', 'mem50', thr, 'in process: the same on a modem that takes 50 ms per exchange');
  ratio('CMGW+CMSS ÷ CMGS exchanges', 'mem0', 'mem0cmgs', (r) => r.exchangesPerCommand, 'AT exchanges per command, from the wire count');
  ratio('CMT ÷ CMTI throughput', 'mem0cmt', 'mem0', thr, 'in process, 0 ms: +CMT saves the read and the delete');
  ratio('tmpfs ÷ disk store throughput', 'mem0shm', 'mem0', thr, 'same run with the SQLite store in /dev/shm (fsync free): the share of durable commits (WAL, synchronous=FULL)');
  const big = results.get('mem0');
  if (big && big.memory.length >= 2) {
    const [first, last] = [big.memory[0]!, big.memory[big.memory.length - 1]!];
    out.push({ name: `ratio: RSS after ${last.after} ÷ after ${first.after}`, value: last.rssMiB / first.rssMiB, unit: '×', how: `in process, 0 ms; 1.00 = no growth (${format(last.rssMiB - first.rssMiB)} MiB)` });
    out.push({ name: `ratio: heap after ${last.after} ÷ after ${first.after}`, value: last.heapMiB / first.heapMiB, unit: '×', how: `V8 heap used after GC (${format(last.heapMiB - first.heapMiB)} MiB); the virtual modem's list of sent SMS is emptied before each sample` });
  }
  if (big) {
    out.push({
      name: 'ratio: AT queue ÷ end-to-end exchange rate',
      value: queue / (big.commandsPerS * big.exchangesPerCommand),
      unit: '×',
      how: 'AT queue round trips/s ÷ (commands/s × exchanges per command) at 0 ms: headroom of the AT layer over the whole bridge',
    });
  }
  return out;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}
