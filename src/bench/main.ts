import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchFramer, benchQueue, type BenchRow } from './at-core.js';

/**
 * `npm run bench`: prints each figure with how it was measured; `--out file.json` keeps them.
 * Absolute numbers depend on the machine; compare runs on the same one.
 */
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const fixtures = new URL('../../fixtures/transcripts/', import.meta.url);

const rows: BenchRow[] = [benchFramer(fixtures), await benchQueue()];

const width = Math.max(...rows.map((r) => r.name.length));
for (const row of rows) {
  console.log(`${row.name.padEnd(width)}  ${row.value.toFixed(1).padStart(10)} ${row.unit.padEnd(6)}  ${row.how}`);
}
if (values.out) writeFileSync(values.out, JSON.stringify({ node: process.version, at: new Date().toISOString(), rows }, null, 2));
