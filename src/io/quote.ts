/**
 * How refusals quote what they were given. A value the caller typed (a flag, a parameter) is echoed cut to
 * QUOTE_LIMIT characters on one line; a string read from a document (a file, inline YAML) is never echoed, except as
 * a near miss of a word the reader expected (a typo), so that a refusal cannot carry a file's contents to whoever
 * asked for the file.
 */

/** Most characters of a value a message quotes. */
export const QUOTE_LIMIT = 40;

/** Text cut to `limit` characters (with '...') and made one line: control characters are escaped. */
export function clip(text: string, limit = QUOTE_LIMIT): string {
  const cut = text.length > limit ? text.slice(0, limit) + '...' : text;
  return JSON.stringify(cut).slice(1, -1).replace(/\\"/g, '"');
}

/** A value the caller gave, as a message quotes it: strings in quotes, every kind cut to `limit` characters. */
export function quote(v: unknown, limit = QUOTE_LIMIT): string {
  if (typeof v === 'string') return `'${clip(v, limit)}'`;
  if (typeof v === 'bigint') return `${clip(String(v), limit)} (integer)`;
  if (Array.isArray(v)) {
    let text = '';
    for (let i = 0; i < v.length && text.length <= limit; i++) text += (i ? ', ' : '') + quote(v[i], limit);
    return `[${clip(text, limit)}]`;
  }
  if (v !== null && typeof v === 'object') return 'a mapping';
  return clip(String(v), limit);
}

/** A file path as a message names it: its last `limit` characters at most. */
export function quotePath(path: string, limit = 80): string {
  return clip(path.length > limit ? '...' + path.slice(path.length - limit + 3) : path, limit + 3);
}

/** Levenshtein distance of two short strings, stopping early above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The expected word that `found` (a string read from a document) misspells: the closest of `expected` within two
 * edits, or one equal ignoring case. Undefined when `found` is no near miss: then the message must not quote it.
 */
export function nearMiss(found: string, expected: readonly string[]): string | undefined {
  if (found.length > QUOTE_LIMIT) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const word of expected) {
    const d = word.toLowerCase() === found.toLowerCase() ? 0 : distance(found, word, 2);
    if (d < bestDistance) [best, bestDistance] = [word, d];
  }
  return best;
}

/** What a message says of a value read from a document: its kind and size, never a string's characters. */
export function shapeOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'boolean') return String(v);
  return clip(String(v));
}

/** Why a text does not parse as YAML, by position only (the parser's own message may quote the text). */
export function yamlProblem(e: unknown): string {
  const pos = (e as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
  const code = (e as { code?: unknown }).code;
  return `is not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}${typeof code === 'string' ? ` (${clip(code)})` : ''}`;
}
