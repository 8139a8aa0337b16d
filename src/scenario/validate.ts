/** An invalid value in a configuration document, naming its key path (e.g. `robots.initial.box`). */
export class ConfigError extends Error {
  constructor(readonly key: string, readonly problem: string, readonly file?: string) {
    super(`${file ? file + ': ' : ''}${key ? `'${key}' ` : ''}${problem}`);
    this.name = 'ConfigError';
  }
}

type Obj = Record<string, unknown>;

/** Reads typed values out of a parsed YAML/JSON mapping, throwing ConfigError with the key path. */
export class Reader {
  constructor(private readonly obj: Obj, readonly path: string) {}

  /** A child mapping reader; `required` false gives an empty mapping when absent. */
  static root(doc: unknown, what = 'scenario'): Reader {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError('', `${what} must be a YAML mapping`);
    return new Reader(doc as Obj, '');
  }

  key(k: string): string {
    return this.path ? `${this.path}.${k}` : k;
  }

  has(k: string): boolean {
    return this.obj[k] !== undefined && this.obj[k] !== null;
  }

  raw(k: string): unknown {
    return this.obj[k];
  }

  /** Rejects keys not in `allowed`, naming the first unknown one (a blank one quoted, so that it shows). */
  only(allowed: readonly string[]): this {
    for (const k of Object.keys(this.obj)) {
      if (!allowed.includes(k)) throw new ConfigError(this.key(k.trim() === '' ? JSON.stringify(k) : k), `is not a known key (expected one of: ${allowed.join(', ')})`);
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
    return new Reader(v as Obj, this.key(k));
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
    if (opts.oneOf && !opts.oneOf.includes(v)) throw new ConfigError(this.key(k), `must be one of ${opts.oneOf.map((s) => `'${s}'`).join(', ')}, got '${v}'`);
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

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '...' : v}'`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
