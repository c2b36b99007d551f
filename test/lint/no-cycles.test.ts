/**
 * No import cycle in src/, type-only imports included: two modules that import each other are one
 * module in two files, whatever the runtime makes of it. import-x/no-cycle skips `import type`, so
 * it would not have seen the simulator's old modem-core ↔ commands-*.ts circle; this walks the whole
 * graph instead and names each cycle as the set of files in it (a strongly connected component).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

type Graph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each file's relative imports, resolved as NodeNext does for our sources: `./x.js` is `./x.ts`. */
function importGraph(dir: string): Graph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    // preProcessFile lists import and export declarations, `import type` and dynamic import() alike.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
      .map((target) => (target.endsWith('.ts') ? target : join(target, 'index.ts')));
    graph.set(file, targets);
  }
  return graph;
}

/** Tarjan's algorithm: the strongly connected components with more than one file, or a self-import. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  it('has no cycle', () => {
    const found = cycles(importGraph(src)).map((component) => component.map((file) => relative(src, file)));
    expect(found).toEqual([]);
  });

  it('is read with type-only imports, so a circle through `import type` counts', () => {
    const graph = importGraph(src);
    const core = join(src, 'sim/modem-core.ts');
    expect(graph.get(core)).toContain(join(src, 'sim/command-context.ts'));
    expect(graph.get(core)).toContain(join(src, 'sim/commands-general.ts'));
  });

  it('finds a cycle of any length, and a file importing itself', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });
});
