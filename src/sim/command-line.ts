/**
 * Splits one AT command line into commands, as ITU-T V.250 §5.2 describes: the `AT` prefix,
 * basic commands (`E0`, `&F`, `S0=0`, `I9`) that may follow each other directly, and
 * extended commands (`+CMGF=1`, `^CURC=0`, `#CCID`) separated by `;`. Spaces outside quotes
 * are ignored and names are case-insensitive. The simulator's own parser: it shares nothing
 * with the driver's.
 */
export type CommandOp = 'exec' | 'set' | 'read' | 'test';

export interface ParsedCommand {
  /** Upper-case name: `E`, `&F`, `S0`, `I`, `+CMGF`, `^CURC`, `#CCID`. */
  name: string;
  op: CommandOp;
  /** Text after `=` (set), or the digits of a basic command (`E0` → `0`), quotes kept. */
  args: string;
  /** The command as written, e.g. `+CMGS="000"`, for fault matching. */
  text: string;
}

/** Commands from one line (without its CR), or undefined when the line has no `AT` prefix. */
export function parseCommandLine(line: string): ParsedCommand[] | undefined {
  const start = line.toUpperCase().indexOf('AT');
  if (start < 0) return undefined;
  const body = stripSpaces(line.slice(start + 2));
  const out: ParsedCommand[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!.toUpperCase();
    if (ch === ';') {
      i++;
      continue;
    }
    if ('+^#$%*'.includes(ch)) {
      const end = findUnquoted(body, ';', i);
      out.push(extended(body.slice(i, end)));
      i = end + 1;
      continue;
    }
    const basic = /^(&?[A-Z])(\d*)(=\S*?|\?)?(?=$|[;&A-Z+^#$%*])/i.exec(body.slice(i)) ?? /^(.)(.*)$/.exec(body.slice(i))!;
    const [whole, letter, digits, suffix] = basic;
    const name = letter!.toUpperCase() + (letter!.toUpperCase() === 'S' ? digits! : '');
    const op: CommandOp = suffix === '?' ? 'read' : suffix?.startsWith('=') ? 'set' : 'exec';
    const args = name.startsWith('S') && name.length > 1 ? (suffix?.slice(1) ?? '') : digits!;
    out.push({ name, op, args, text: whole });
    i += whole.length;
  }
  return out;
}

function extended(text: string): ParsedCommand {
  const match = /^([+^#$%*][A-Z0-9_.!%-]*)(=\?|=|\?)?(.*)$/i.exec(text)!;
  const name = match[1]!.toUpperCase();
  const op: CommandOp = match[2] === '=?' ? 'test' : match[2] === '=' ? 'set' : match[2] === '?' ? 'read' : 'exec';
  return { name, op, args: match[3] ?? '', text };
}

function stripSpaces(text: string): string {
  let out = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (quoted || ch !== ' ') out += ch;
  }
  return out;
}

function findUnquoted(text: string, needle: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (!quoted && text[i] === needle) return i;
  }
  return text.length;
}

/** One comma-separated parameter: a quoted string, a bare token, or absent (`,,`). */
export type Param = { quoted: true; value: string } | { quoted: false; value: string } | undefined;

/** Splits `"SM","ME",3` into parameters; commas inside quotes are kept. */
export function splitParams(args: string): Param[] {
  if (args === '') return [];
  const out: Param[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  for (const ch of args) {
    if (ch === '"') {
      quoted = !quoted;
      wasQuoted = true;
    } else if (ch === ',' && !quoted) {
      out.push(toParam(current, wasQuoted));
      current = '';
      wasQuoted = false;
    } else current += ch;
  }
  out.push(toParam(current, wasQuoted));
  return out;
}

function toParam(value: string, quoted: boolean): Param {
  if (quoted) return { quoted: true, value };
  return value === '' ? undefined : { quoted: false, value };
}

/** A decimal integer parameter; undefined when absent, NaN when malformed. */
export function intParam(param: Param): number | undefined {
  if (param === undefined) return undefined;
  return param.quoted || !/^\d+$/.test(param.value) ? NaN : Number(param.value);
}

/** A string parameter (quoted, or bare as lenient modems accept). */
export function stringParam(param: Param): string | undefined {
  return param?.value;
}
