import type { Observable, Subscription } from '../rx.js';
import { escapeBytes } from '../transcript/transcript.js';
import type { Traffic } from './traced-transport.js';

/**
 * Writes live AT traffic in the transcript format, one entry per write and per chunk read, as it
 * happens (so a crash keeps what came before). A field recording is a fixture unchanged.
 */
export function recordTraffic(
  traffic$: Observable<Traffic>,
  writeLine: (line: string) => void,
  header: { title?: string; source?: string } = {},
): Subscription {
  if (header.title !== undefined) writeLine(`# title: ${header.title}`);
  if (header.source !== undefined) writeLine(`# source: ${header.source}`);
  return traffic$.subscribe((t) => writeLine(`${t.direction === 'tx' ? '>' : '<'} ${escapeBytes(t.bytes)}`));
}
