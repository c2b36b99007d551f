/**
 * Splits an SMS command's text into what routes match on: the first word (the verb), the words
 * after it, and the JSON value when the text is a JSON object. Pure.
 */
export interface ParsedPayload {
  /** The trimmed text. */
  text: string;
  /** First word, lower-cased; `''` for an empty text. For a JSON payload, its first word too. */
  verb: string;
  /** First word as typed, for messages. */
  word: string;
  /** Words after the first. */
  args: string[];
  /** Set when the text starts with `{` and parses as JSON. */
  json?: unknown;
  /** Set when the text starts with `{` and does not parse: the parser's message. */
  jsonError?: string;
}

export function parsePayload(raw: string): ParsedPayload {
  const text = raw.trim();
  const [word = '', ...args] = text.split(/\s+/).filter((w) => w !== '');
  const parsed: ParsedPayload = { text, verb: word.toLowerCase(), word, args };
  // Only `{` marks JSON: a command such as `42` or `"hi"` is a verb, not a JSON scalar.
  if (text.startsWith('{')) {
    try {
      parsed.json = JSON.parse(text) as unknown;
    } catch (error) {
      parsed.jsonError = error instanceof Error ? error.message : String(error);
    }
  }
  return parsed;
}
