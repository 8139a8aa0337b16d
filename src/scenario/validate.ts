import { QUOTE_LIMIT, clip, nearMiss, quote, quotePath, shapeOf } from '../io/quote.js';

/** Longest problem text a ConfigError carries (a net under messages built from values: they stay short). */
const MAX_PROBLEM = 400;

/**
 * An invalid value in a configuration document, naming its key path (e.g. `robots.initial.box`) and, when it came
 * from a file, the file. The message never quotes a string of the document (see io/quote.ts), and stays one line.
 */
export class ConfigError extends Error {
  constructor(readonly key: string, readonly problem: string, readonly file?: string) {
    super(`${file ? quotePath(file) + ': ' : ''}${key ? `'${clip(key, 2 * QUOTE_LIMIT)}' ` : ''}${clip(problem, MAX_PROBLEM)}`);
    this.name = 'ConfigError';
  }
}

type Obj = Record<string, unknown>;

/** Reads typed values out of a parsed YAML/JSON mapping, throwing ConfigError with the key path. */
export class Reader {
  /** The reader of a whole document, which must be a mapping (`what` names the document in the refusal). */
  static root(doc: unknown, what = 'scenario'): Reader {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError('', `is not a ${what}: a ${what} is a YAML mapping, this is ${shapeOf(doc)}`);
    return new Reader(doc as Obj, '', what);
  }

  constructor(private readonly obj: Obj, readonly path: string, private readonly what = 'scenario') {}

  key(k: string): string {
    return this.path ? `${this.path}.${k}` : k;
  }

  has(k: string): boolean {
    return this.obj[k] !== undefined && this.obj[k] !== null;
  }

  raw(k: string): unknown {
    return this.obj[k];
  }

  /**
   * Rejects keys not in `allowed`. A key that misspells an allowed one is named with the correction; any other is
   * not quoted (it may be a line of a file that is no scenario at all): the refusal names the mapping that holds it.
   */
  only(allowed: readonly string[]): this {
    for (const k of Object.keys(this.obj)) {
      if (allowed.includes(k)) continue;
      const expected = `expected one of: ${allowed.join(', ')}`;
      const near = nearMiss(k, allowed);
      if (near !== undefined) throw new ConfigError(this.key(k), `is not a known key (did you mean '${near}'? ${expected})`);
      if (this.path === '') throw new ConfigError('', `is not a ${this.what}: it has a top-level key that is not one of its keys (${expected})`);
      throw new ConfigError(this.path, `has a key that is not one of its keys (${expected})`);
    }
    return this;
  }

  map(k: string, required = true): Reader {
    const v = this.obj[k];
    if (v === undefined || v === null) {
      if (required) throw new ConfigError(this.key(k), 'is required');
      return new Reader({}, this.key(k));
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(this.key(k), 'must be a mapping');
    return new Reader(v as Obj, this.key(k), this.what);
  }

  number(k: string, opts: { def?: number; min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {}): number {
    const v = this.obj[k];
    if (v === undefined || v === null) {
      if (opts.def === undefined) throw new ConfigError(this.key(k), 'is required');
      return opts.def;
    }
    return checkNumber(v, this.key(k), opts);
  }

  string(k: string, opts: { def?: string; oneOf?: readonly string[] } = {}): string {
    const v = this.obj[k];
    if (v === undefined || v === null) {
      if (opts.def === undefined) throw new ConfigError(this.key(k), 'is required');
      return opts.def;
    }
    if (typeof v !== 'string') throw new ConfigError(this.key(k), `must be a string, got ${describe(v)}`);
    if (opts.oneOf && !opts.oneOf.includes(v)) {
      const near = nearMiss(v, opts.oneOf);
      throw new ConfigError(this.key(k), `must be one of ${opts.oneOf.map((s) => `'${s}'`).join(', ')}, got ${near === undefined ? shapeOf(v) : `${quote(v)} (did you mean '${near}'?)`}`);
    }
    return v;
  }

  list(k: string): unknown[] {
    const v = this.obj[k];
    if (!Array.isArray(v)) throw new ConfigError(this.key(k), v === undefined ? 'is required' : `must be a list, got ${describe(v)}`);
    return v;
  }
}

/** Checks a number against bounds, naming the key. */
export function checkNumber(v: unknown, key: string, opts: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(key, `must be a finite number, got ${describe(v)}`);
  if (opts.integer && !Number.isInteger(v)) throw new ConfigError(key, `must be an integer, got ${v}`);
  if (opts.min !== undefined && (opts.exclusiveMin ? !(v > opts.min) : !(v >= opts.min))) {
    throw new ConfigError(key, `must be ${opts.exclusiveMin ? '>' : '>='} ${opts.min}, got ${v}`);
  }
  if (opts.max !== undefined && !(v <= opts.max)) throw new ConfigError(key, `must be <= ${opts.max}, got ${v}`);
  return v;
}

/** A list of n finite numbers. */
export function checkTuple(v: unknown, key: string, n: number): number[] {
  if (!Array.isArray(v) || v.length !== n) throw new ConfigError(key, `must be a list of ${n} numbers, got ${describe(v)}`);
  return v.map((x, i) => checkNumber(x, `${key}[${i}]`));
}

/** What a message says of a value found in a document: its kind and size, never a string's characters. */
export const describe = shapeOf;
