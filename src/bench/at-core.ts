import { readdirSync, readFileSync } from 'node:fs';
import { AtChannel } from '../at/at-channel.js';
import { at } from '../at/command.js';
import { AtFramer } from '../at/framer.js';
import { parseTranscript } from '../transcript/transcript.js';
import { MemoryTransport } from '../transport/memory-transport.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  how: string;
}

/** The modem side of every shared transcript, repeated to `targetBytes`. */
function transcriptCorpus(dir: URL, targetBytes: number): Buffer {
  const parts = readdirSync(dir)
    .filter((f) => f.endsWith('.at'))
    .flatMap((f) => parseTranscript(readFileSync(new URL(f, dir), 'utf8')).entries.flatMap((e) => (e.kind === 'modem' ? [e.bytes] : [])));
  const one = Buffer.concat(parts);
  return Buffer.concat(Array.from({ length: Math.ceil(targetBytes / one.length) }, () => one));
}

export function benchFramer(dir: URL, chunkSize = 64): BenchRow {
  const corpus = transcriptCorpus(dir, 8 * 1024 * 1024);
  const framer = new AtFramer();
  let frames = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < corpus.length; i += chunkSize) frames += framer.push(corpus.subarray(i, i + chunkSize)).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    name: 'framer throughput',
    value: corpus.length / 1024 / 1024 / seconds,
    unit: 'MB/s',
    how: `${(corpus.length / 1048576).toFixed(0)} MiB of the 20 transcripts' modem bytes in ${chunkSize}-byte chunks, ${frames} frames`,
  };
}

/** Round trips per second through the channel against a modem that answers OK at once. */
export async function benchQueue(count = 50_000): Promise<BenchRow> {
  const transport = new MemoryTransport();
  transport.writes$.subscribe(() => queueMicrotask(() => transport.receive('\r\n+CSQ: 20,99\r\n\r\nOK\r\n')));
  const channel = new AtChannel(transport);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await channel.send(at('AT+CSQ'));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await channel.close();
  return {
    name: 'AT queue round trips',
    value: count / seconds,
    unit: 'cmd/s',
    how: `${count} × AT+CSQ, one in flight, against an in-memory modem that answers at once`,
  };
}
