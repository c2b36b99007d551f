// Comments and docs cite files in the repository (docs/style.md): a citation of a file that is not
// here (moved, renamed, or kept outside the repository) is a fact nobody can check. This reads every
// comment in src/ and test/, docs/*.md and README.md, and lists the citations that lead nowhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Paths under the repository's top-level folders; a preceding `/` or word means another project's path. */
const ROOTED = /(?<![\w./@-])(?:\.\.?\/)*(?:src|test|docs|fixtures|scripts|examples)\/[\w./*{}-]*/g;
/** A relative path to a Markdown file in any folder: Markdown is ours to cite or nobody's. */
const MARKDOWN = /(?<![\w./@:-])[\w.-]+(?:\/[\w.-]+)+\.md\b/g;
/** Bare file names: any `.md`, and our kebab-case `.ts` files, `crash.test.ts` too (other projects' are CamelCase). */
const BARE = /(?<![\w./@-])(?:[\w-]+\.md|[a-z0-9]+(?:[-.][a-z0-9]+)*\.ts)\b/g;
/** Kinds of file this repository has: `src/tests/test-modem-helpers.c` or `test/test_modem.py` is another project's. */
const OURS = /(?:\/|\.(?:ts|js|mjs|md|at|jsonl?|ya?ml|sh|service))$|^[^.]*$/;
/** Markdown links to a relative target. */
const LINK = /\]\(([^)\s#]+)(?:#[^)]*)?\)/g;

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Every comment of a TypeScript file, with the line it starts on. */
function commentsOf(file: string): { text: string; line: number }[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Map<number, string>();
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) seen.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    node.getChildren(source).forEach(visit);
  };
  visit(source);
  if (text.startsWith('#!')) seen.delete(0);
  return [...seen].map(([pos, comment]) => ({ text: comment, line: source.getLineAndCharacterOfPosition(pos).line + 1 }));
}

/** The paths a piece of text cites, trailing punctuation and `:line` suffixes removed. */
function citedPaths(text: string): string[] {
  const out: string[] = [];
  for (const re of [ROOTED, MARKDOWN, BARE]) for (const m of text.matchAll(re)) out.push(m[0]);
  for (const m of text.matchAll(LINK)) if (!/^[a-z]+:/i.test(m[1]!)) out.push(m[1]!);
  const paths = out
    .map((p) => p.replace(/[.,:;]+$/, '').replace(/:\d+$/, ''))
    .filter((p) => p !== '' && !/[*{}<>$…]/.test(p) && OURS.test(p));
  return [...new Set(paths)];
}

/** Whether a citation made in `from` names something in the repository. */
function isInRepository(cited: string, from: string): boolean {
  const bases = [dirname(join(root, from)), root];
  if (!cited.includes('/')) bases.push(join(root, 'docs'), join(root, 'src'));
  if (bases.some((base) => existsSync(join(base, cited)))) return true;
  // A bare source name (`send-outcome.ts`) may sit in any folder of src/ or test/.
  return !cited.includes('/') && cited.endsWith('.ts') && sources.some((f) => f.endsWith(`/${cited}`));
}

const sources = [...filesUnder('src', '.ts'), ...filesUnder('test', '.ts')];
const markdown = [...filesUnder('docs', '.md'), 'README.md', ...filesUnder('fixtures', '.md')];

function scan(): { checked: number; dangling: string[] } {
  const found: string[] = [];
  let checked = 0;
  const exists = (cited: string, from: string) => (checked++, isInRepository(cited, from));
  for (const file of sources)
    for (const comment of commentsOf(file))
      for (const cited of citedPaths(comment.text)) if (!exists(cited, file)) found.push(`${file}:${comment.line}: ${cited}`);
  for (const file of markdown) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const cited of citedPaths(line)) if (!exists(cited, file)) found.push(`${file}:${i + 1}: ${cited}`);
    });
  }
  return { checked, dangling: found };
}

describe('citations of repository files', () => {
  it('finds the paths a comment or a doc cites, and not other projects’ paths', () => {
    expect(citedPaths('docs/modem-behaviour.md §4; see supervision.md, src/at/framer.ts:42.')).toEqual(['docs/modem-behaviour.md', 'src/at/framer.ts', 'supervision.md']);
    expect(citedPaths('zwave-js packages/serial/src/parsers/CLIParser.ts, ZWaveError.ts, gatchat/gatsyntax.c')).toEqual([]);
    expect(citedPaths('[trace](../docs/trace.md#format) and [site](https://example.com/a.md)')).toContain('../docs/trace.md');
    expect(citedPaths('as reference/modem-quirks.md says')).toEqual(['reference/modem-quirks.md']);
    expect(citedPaths('fixtures/transcripts/*.at, test/e2e/supervision-*.test.ts')).toEqual([]);
    expect(citedPaths('ModemManager src/tests/test-modem-helpers.c, python-gsmmodem test/test_modem.py')).toEqual([]);
  });

  it('every file cited in src/ and test/ comments, docs/*.md and README.md is in the repository', () => {
    const { checked, dangling } = scan();
    expect(checked).toBeGreaterThan(100); // the scan sees the citations at all
    expect(dangling).toEqual([]);
  });
});
