/**
 * Splits the parameters of an AT information line (`+CMGR: "REC READ","+31…",,"07/07/05,09:56:03+08"`)
 * into fields. Strings are quoted (3GPP TS 27.007 §4.1) and may contain commas; modems add spaces
 * after commas and sometimes omit the space after the colon (docs/modem-behaviour.md §3).
 */

export interface AtField {
  /** The value without quotes or surrounding spaces. */
  value: string;
  quoted: boolean;
}

/** The text after `<prefix>:`, or undefined when the line does not start with it. */
export function afterPrefix(line: string, prefix: string): string | undefined {
  const trimmed = line.trimStart();
  if (!trimmed.toUpperCase().startsWith(`${prefix.toUpperCase()}:`)) return undefined;
  return trimmed.slice(prefix.length + 1).trim();
}

/**
 * The fields, or undefined when a quote is not closed or text follows a closing quote: an SMS header
 * read wrong must fail, not shift its fields. Not `splitTestGroups` (src/modem/parsers.ts), which
 * splits test-command answers into parenthesised groups and refuses nothing.
 */
export function splitAtFields(text: string): AtField[] | undefined {
  const fields: AtField[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ') i += 1;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return undefined;
      fields.push({ value: text.slice(i + 1, close), quoted: true });
      i = close + 1;
      while (text[i] === ' ') i += 1;
      if (i < text.length && text[i] !== ',') return undefined;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      fields.push({ value: text.slice(i, end).trim(), quoted: false });
      i = end;
    }
    if (i >= text.length) return fields;
    i += 1; // the comma
  }
}

/** A non-negative decimal integer field, or undefined. */
export function intField(field: AtField | undefined): number | undefined {
  if (field === undefined || field.quoted || !/^\d+$/.test(field.value)) return undefined;
  return Number(field.value);
}
