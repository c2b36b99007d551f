import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error eslint.config.js is plain JavaScript without types
import { layers } from '../../eslint.config.js';

/** docs/design.md's copy of the layer table, as importer → what it may import (top-level files keep `.ts`). */
function tableInDocs(): Map<string, string[]> {
  const text = readFileSync(new URL('../../docs/design.md', import.meta.url), 'utf8');
  const name = (cell: string) => {
    const bare = cell.replace(/`/g, '').trim().replace(/\/$/, '');
    return ['errors', 'log', 'rx', 'crypto-on-demand', 'sqlite'].includes(bare) ? `${bare}.ts` : bare;
  };
  const rows = new Map<string, string[]>();
  const start = text.indexOf('| importer | may import |');
  for (const line of text.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [importers = '', allowed = ''] = line.split('|').slice(1, 3);
    const targets = allowed.includes('nothing') ? [] : allowed.split(',').map(name);
    for (const importer of importers.split(',')) rows.set(name(importer), targets.sort());
  }
  return rows;
}

describe('the layer table in docs/design.md', () => {
  it('is the table eslint.config.js enforces, row for row', () => {
    const enforced = new Map(Object.entries(layers as Record<string, string[]>).map(([k, v]) => [k, [...v].sort()]));
    expect(tableInDocs()).toEqual(enforced);
  });
});
