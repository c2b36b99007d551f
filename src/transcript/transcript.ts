/**
 * The AT transcript format (fixtures/transcripts/README.md): one entry a line,
 * `> ` bytes the host writes, `< ` bytes the modem sends, `# ` a comment,
 * with C escapes `\r \n \t \\ \xHH`. A live recording and a fixture are the same format.
 */
export type TranscriptEntry =
  | { kind: 'host'; bytes: Buffer }
  | { kind: 'modem'; bytes: Buffer }
  | { kind: 'comment'; text: string };

export interface Transcript {
  title?: string;
  source?: string;
  entries: TranscriptEntry[];
}

export function parseTranscript(text: string): Transcript {
  const transcript: Transcript = { entries: [] };
  text.split('\n').forEach((raw, lineNo) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    if (line.startsWith('#')) {
      const comment = line.replace(/^#\s?/, '');
      const meta = /^(title|source):\s*(.*)$/.exec(comment);
      if (meta?.[1] === 'title' && transcript.title === undefined) transcript.title = meta[2];
      else if (meta?.[1] === 'source' && transcript.source === undefined) transcript.source = meta[2];
      transcript.entries.push({ kind: 'comment', text: comment });
      return;
    }
    const kind = line.startsWith('> ') ? 'host' : line.startsWith('< ') ? 'modem' : undefined;
    if (kind === undefined) throw new Error(`transcript line ${lineNo + 1}: expected '> ', '< ' or '#', got ${JSON.stringify(line.slice(0, 20))}`);
    transcript.entries.push({ kind, bytes: unescapeBytes(line.slice(2), lineNo + 1) });
  });
  return transcript;
}

export function formatTranscript(transcript: Transcript): string {
  const lines: string[] = [];
  const hasMetaComment = (key: string) =>
    transcript.entries.some((e) => e.kind === 'comment' && e.text.startsWith(`${key}:`));
  if (transcript.title !== undefined && !hasMetaComment('title')) lines.push(`# title: ${transcript.title}`);
  if (transcript.source !== undefined && !hasMetaComment('source')) lines.push(`# source: ${transcript.source}`);
  for (const entry of transcript.entries) {
    if (entry.kind === 'comment') lines.push(`# ${entry.text}`);
    else lines.push(`${entry.kind === 'host' ? '>' : '<'} ${escapeBytes(entry.bytes)}`);
  }
  return lines.join('\n') + '\n';
}

/** Escapes bytes for one transcript line (also used by the traffic log). */
export function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    // A space at the end of the line would be invisible: the README spells it \x20.
    else if (b === 0x20 && i === bytes.length - 1) out += '\\x20';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

export function unescapeBytes(text: string, lineNo = 0): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = text[++i];
    if (next === 'r') out.push(0x0d);
    else if (next === 'n') out.push(0x0a);
    else if (next === 't') out.push(0x09);
    else if (next === '\\') out.push(0x5c);
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`transcript line ${lineNo}: bad escape \\${next ?? ''}`);
  }
  return Buffer.from(out);
}
