import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../config/config.js';
import { silentLogger } from '../log.js';
import { startBridge } from '../api/wiring.js';
import { startPtyLink, type PtyLink } from '../sim/pty-link.js';
import { VirtualModem, type OutboxEntry } from '../sim/virtual-modem.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { StreamTransport } from '../transport/stream-transport.js';
import { cpuMsSince, memoryAfterGc, percentile } from './measure.js';
import { CountingTransport, WireCounter, wireDelta, type WireSnapshot } from './wire-count.js';

export interface EndToEndOptions {
  /** `memory`: the virtual modem's stream in process; `pty`: its pseudo-terminal through the real serialport binding. */
  link: 'memory' | 'pty';
  /** Modem delay before each answer, and before a +CMGS result (sendLatencyMs), in ms. */
  latencyMs: number;
  sendVia: 'storage' | 'cmgs';
  /** `store`: +CMTI then AT+CMGR/AT+CMGD; `direct`: +CMT. */
  delivery: 'store' | 'direct';
  /** Commands sent one at a time, each after the previous reply: the latency sample. */
  latencyCommands: number;
  /** Commands sent with `window` unanswered at most: throughput, wire counts, CPU. */
  throughputCommands: number;
  window: number;
  /** Throughput-phase counts after which memory is sampled (after a GC). */
  memoryAt?: number[];
  /** Where the SQLite store lives (default: the OS temp directory). `/dev/shm` takes fsync out. */
  storeDir?: string;
}

export interface EndToEndResult {
  options: EndToEndOptions;
  latencyMs: { p50: number; p99: number; samples: number };
  commandsPerS: number;
  /** Command lines plus bodies written per handled command, from the wire count. */
  exchangesPerCommand: number;
  /** Per command, by AT command name (`+CMGR`), bodies after a `> ` prompt as `+CMGS>` / `+CMGW>`. */
  perCommand: Record<string, number>;
  /** Time the modem itself needs per command: lines × latency + CMGS bodies × send latency. */
  modemMsPerCommand: number;
  /** 1000 / modemMsPerCommand: the rate no bridge can beat on this modem (Infinity at latency 0). */
  limitPerS: number;
  cpuMsPerCommand: number;
  memory: { after: number; rssMiB: number; heapMiB: number }[];
}

export function scenarioName(o: Pick<EndToEndOptions, 'link' | 'latencyMs' | 'sendVia' | 'delivery'>): string {
  return `${o.link === 'memory' ? 'in-process' : 'pty'} ${o.latencyMs}ms ${o.delivery === 'store' ? 'CMTI' : 'CMT'} ${o.sendVia === 'storage' ? 'CMGW+CMSS' : 'CMGS'}`;
}

/**
 * Drives `ping <n>` commands from 000 through the whole bridge (session, SMS layer, SQLite store,
 * dispatcher) on a virtual Quectel modem, and times each from `deliver()` (the SMS reaches the
 * modem) to the modem taking the `pong <n>` for sending (its `sent$`).
 */
export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const dir = mkdtempSync(join(options.storeDir ?? tmpdir(), 'smsbridge-bench-'));
  const modem = new VirtualModem({ profile: 'quectel', latencyMs: options.latencyMs, sendLatencyMs: options.latencyMs, noise: false });
  const counter = new WireCounter();
  let link: PtyLink | undefined;
  if (options.link === 'pty') link = await startPtyLink({ modem, link: join(dir, 'ttySIM') });
  const ptyPath = link?.link;
  const open =
    ptyPath === undefined
      ? async () => new CountingTransport(new StreamTransport(modem.connect()), counter)
      : async () => new CountingTransport(await SerialTransport.open({ path: ptyPath }), counter);
  const config = parseConfig('{}', 'bench');
  config.store.path = join(dir, 'bench.db');
  config.sms.sendVia = options.sendVia;
  config.sms.delivery = options.delivery;
  const running = await startBridge({ config, open, log: silentLogger });

  const driver = new Driver(modem);
  try {
    // Let the start-up sweep and init settle before counting anything.
    await driver.run(1, 5, 1);
    const latency = await driver.run(6, options.latencyCommands, 1);

    let next = 6 + options.latencyCommands;
    let seconds = 0;
    let cpuMs = 0;
    const memory: EndToEndResult['memory'] = [];
    const before = counter.snapshot();
    const stops = [...new Set([...(options.memoryAt ?? []), options.throughputCommands])].filter((n) => n <= options.throughputCommands).sort((a, b) => a - b);
    let done = 0;
    for (const stop of stops) {
      const cpu = process.cpuUsage();
      const phase = await driver.run(next, stop - done, options.window);
      cpuMs += cpuMsSince(cpu);
      seconds += phase.seconds;
      next += stop - done;
      done = stop;
      if (options.memoryAt?.includes(stop)) {
        // The virtual modem keeps every SMS it sent; empty that list so the sample is the bridge's.
        (modem.outbox as OutboxEntry[]).splice(0);
        memory.push({ after: stop, ...memoryAfterGc() });
      }
    }
    const wire = wireDelta(before, counter.snapshot());
    const perCommand = perCommandCounts(wire, options.throughputCommands);
    // What the virtual modem waits: latencyMs before each line's answer, sendLatencyMs (the same)
    // before a +CMGS body's result; a +CMGW body (storage only, no network) is answered at once.
    const modemMsPerCommand = ((wire.lines + (wire.commands.get('+CMGS>') ?? 0)) * options.latencyMs) / options.throughputCommands;
    return {
      options,
      latencyMs: { p50: percentile(latency.latencies, 50), p99: percentile(latency.latencies, 99), samples: latency.latencies.length },
      commandsPerS: options.throughputCommands / seconds,
      exchangesPerCommand: wire.exchanges / options.throughputCommands,
      perCommand,
      modemMsPerCommand,
      limitPerS: modemMsPerCommand === 0 ? Number.POSITIVE_INFINITY : 1000 / modemMsPerCommand,
      cpuMsPerCommand: cpuMs / options.throughputCommands,
      memory,
    };
  } finally {
    driver.dispose();
    // The last reply's +CMSS answer and AT+CMGD are still under way: wait for a quiet wire, so the
    // run ends as measured rather than with a stop in mid-send (that once crashed the process; the
    // fix has its regression test in test/bridge/bridge.test.ts).
    await quietWire(counter, Math.max(100, 4 * options.latencyMs));
    await running.stop();
    await link?.close();
    modem.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function quietWire(counter: WireCounter, quietMs: number): Promise<void> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const now = counter.bytesIn + counter.bytesOut;
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function perCommandCounts(wire: WireSnapshot, commands: number): Record<string, number> {
  return Object.fromEntries([...wire.commands].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n / commands]));
}

/**
 * Delivers commands to the modem and waits for their replies, keeping at most `window`
 * unanswered. Each command has its own text and its own SCTS second, so none is taken for a
 * re-delivery of another (docs/store.md).
 */
class Driver {
  readonly #modem: VirtualModem;
  readonly #deliveredAt = new Map<number, number>();
  readonly #subscription;
  #onReply: ((n: number, ms: number) => void) | undefined;

  constructor(modem: VirtualModem) {
    this.#modem = modem;
    this.#subscription = modem.sent$.subscribe((sms) => {
      const at = performance.now();
      const n = Number(/^pong (\d+)$/.exec(sms.text)?.[1]);
      const t0 = this.#deliveredAt.get(n);
      if (t0 === undefined) return;
      this.#deliveredAt.delete(n);
      this.#onReply?.(n, at - t0);
    });
  }

  run(first: number, count: number, window: number): Promise<{ seconds: number; latencies: number[] }> {
    const latencies: number[] = [];
    const start = performance.now();
    let next = first;
    const end = first + count;
    let answered = 0;
    return new Promise((resolve, reject) => {
      let stall: NodeJS.Timeout | undefined;
      const armStall = () => {
        clearTimeout(stall);
        stall = setTimeout(() => {
          this.#onReply = undefined;
          reject(new Error(`no reply for 30 s: ${answered}/${count} answered, waiting for ${[...this.#deliveredAt.keys()].slice(0, 10).join(', ')}`));
        }, 30_000);
      };
      const deliver = () => {
        while (next < end && this.#deliveredAt.size < window) {
          const n = next++;
          this.#deliveredAt.set(n, performance.now());
          this.#modem.deliver({ from: '000', text: `ping ${n}`, timestamp: new Date(Date.UTC(2026, 0, 1) + n * 1000) });
        }
      };
      this.#onReply = (_n, ms) => {
        latencies.push(ms);
        answered++;
        armStall();
        if (answered === count) {
          clearTimeout(stall);
          this.#onReply = undefined;
          resolve({ seconds: (performance.now() - start) / 1000, latencies });
          return;
        }
        // Not from inside the modem's send: the next SMS arrives after it has answered.
        setImmediate(deliver);
      };
      armStall();
      deliver();
    });
  }

  dispose(): void {
    this.#subscription.unsubscribe();
    this.#onReply = undefined;
  }
}
