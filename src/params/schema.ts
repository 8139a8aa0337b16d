import { quote } from '../io/quote.js';

/** Value types a parameter can have, mirroring ROS 2 parameter types. */
export type ParamType = 'double' | 'integer' | 'bool' | 'string' | 'string_array' | 'double_array';

/** The TypeScript value of each parameter type (integers are plain numbers here; the ROS adapter converts to BigInt). */
export interface ParamValueOf {
  double: number;
  integer: number;
  bool: boolean;
  string: string;
  string_array: string[];
  double_array: number[];
}

/** Any parameter value. */
export type ParamValue = ParamValueOf[ParamType];

/** One parameter, declared once: it feeds ROS declarations, YAML config, command-line flags and the README table. */
export interface ParamSpecOf<T extends ParamType> {
  readonly name: string;
  readonly type: T;
  readonly default: ParamValueOf[T];
  /** One sentence: what it does. The range and unit are appended where they apply. */
  readonly description: string;
  readonly unit?: string;
  /** Inclusive numeric range (for double and integer). */
  readonly min?: number;
  readonly max?: number;
  /** Allowed string values. */
  readonly choices?: readonly string[];
  /** The value the word `auto` stands for on the command line (`-p name:=auto`); absent: `auto` is refused. */
  readonly auto?: ParamValueOf[T];
  /** True when the value can only be set at start-up; false when `ros2 param set` changes it live. */
  readonly readOnly: boolean;
  /** Extra check of a value alone; returns the reason it is refused, or undefined. */
  readonly check?: (value: ParamValueOf[T]) => string | undefined;
}

/** A parameter of any type (a union discriminated by `type`). */
export type ParamSpec = { [T in ParamType]: ParamSpecOf<T> }[ParamType];

/** A parameter table. */
export type ParamSchema = readonly ParamSpec[];

/** Values by parameter name. */
export type ParamValues = Readonly<Record<string, ParamValue>>;

/** The description with its range, choices and unit spelled out (ROS does not show descriptor ranges). */
export function fullDescription(p: ParamSpec): string {
  const parts = [p.description];
  if (p.choices) parts.push(`One of: ${p.choices.join(', ')}.`);
  if (p.min !== undefined || p.max !== undefined) {
    parts.push(`Range [${p.min ?? '-inf'}, ${p.max ?? 'inf'}]${p.unit ? ' ' + p.unit : ''}.`);
  } else if (p.unit) {
    parts.push(`Unit: ${p.unit}.`);
  }
  parts.push(p.readOnly ? 'Read-only (set at start-up).' : 'Live (ros2 param set).');
  return parts.join(' ');
}

/** Returns the reason `value` is not valid for `p`, or undefined when it is. Types must match exactly. */
export function checkParam(p: ParamSpec, value: unknown): string | undefined {
  const where = `parameter '${p.name}'`;
  switch (p.type) {
    case 'double':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${where} must be a finite ${p.type}, got ${show(value)}`;
      if (p.type === 'integer' && !Number.isInteger(value)) return `${where} must be an integer, got ${value}`;
      if (p.min !== undefined && value < p.min) return `${where} must be >= ${p.min}${p.unit ? ' ' + p.unit : ''}, got ${value}`;
      if (p.max !== undefined && value > p.max) return `${where} must be <= ${p.max}${p.unit ? ' ' + p.unit : ''}, got ${value}`;
      break;
    }
    case 'bool':
      if (typeof value !== 'boolean') return `${where} must be true or false, got ${show(value)}`;
      break;
    case 'string':
      if (typeof value !== 'string') return `${where} must be a string, got ${show(value)}`;
      if (p.choices && !p.choices.includes(value)) return `${where} must be one of ${p.choices.join(', ')}, got ${show(value)}`;
      break;
    case 'string_array':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return `${where} must be a list of strings, got ${show(value)}`;
      break;
    case 'double_array':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        return `${where} must be a list of finite numbers, got ${show(value)}`;
      }
      break;
  }
  const extra = (p.check as ((v: unknown) => string | undefined) | undefined)?.(value);
  return extra === undefined ? undefined : `${where} ${extra}`;
}

/** The defaults of a schema. */
export function defaults(schema: ParamSchema): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of schema) out[p.name] = Array.isArray(p.default) ? ([...p.default] as ParamValue) : p.default;
  return out;
}

/** Finds a parameter by name. */
export function specOf(schema: ParamSchema, name: string): ParamSpec | undefined {
  return schema.find((p) => p.name === name);
}

/**
 * Checks a set of updates against a schema and the current values: unknown names, wrong types, ranges,
 * read-only parameters (when `live`), then the cross-parameter check. Returns the merged values or the reason.
 */
export function applyUpdates(
  schema: ParamSchema,
  current: ParamValues,
  updates: ParamValues,
  options: { live: boolean; crossCheck?: (merged: ParamValues) => string | undefined },
): { ok: true; values: Record<string, ParamValue> } | { ok: false; reason: string } {
  const merged: Record<string, ParamValue> = { ...current };
  for (const [name, value] of Object.entries(updates)) {
    const p = specOf(schema, name);
    if (!p) return { ok: false, reason: `unknown parameter ${show(name)}` };
    if (options.live && p.readOnly) return { ok: false, reason: `parameter '${name}' is read-only: set it at start-up` };
    const reason = checkParam(p, value);
    if (reason) return { ok: false, reason };
    merged[name] = value;
  }
  const cross = options.crossCheck?.(merged);
  if (cross) return { ok: false, reason: cross };
  return { ok: true, values: merged };
}

/** ROS 2's spellings of true and false in `-p name:=value` (YAML 1.1, as rcl reads them). */
const TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** A string without its YAML quotes ('a' or "a"), else as it is. */
function unquote(text: string): string {
  return text.length >= 2 && (text[0] === "'" || text[0] === '"') && text.at(-1) === text[0] ? text.slice(1, -1) : text;
}

/** The items of a YAML flow list `[a, 'b, c', 1.5]` (or of a bare comma list), quotes removed; commas in quotes kept. */
function listItems(text: string): string[] {
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (inner.trim() === '') return [];
  const items: string[] = [];
  let quoteChar = '';
  let item = '';
  for (const ch of inner) {
    if (quoteChar) {
      if (ch === quoteChar) quoteChar = '';
      item += ch;
    } else if (ch === "'" || ch === '"') {
      quoteChar = ch;
      item += ch;
    } else if (ch === ',') {
      items.push(item.trim());
      item = '';
    } else item += ch;
  }
  items.push(item.trim());
  return items.map(unquote);
}

/**
 * Parses the text of `-p name:=value` into a value of the spec's type, as ROS 2 reads parameter overrides: numbers,
 * true/false (and YAML's yes/no/on/off), lists in brackets (`[a, b]`, `[0.0, 1.5]`; a bare `a, b` too), strings with
 * or without quotes, and `auto` where the spec gives it a meaning. An integer is taken for a double (ROS would refuse
 * it; the command line is not that strict). Throws an Error naming the parameter and what it takes.
 */
export function parseParamText(p: ParamSpec, raw: string): ParamValue {
  const text = raw.trim();
  const auto = p.auto !== undefined ? ', or auto' : '';
  const fail = (what: string): never => {
    throw new Error(`parameter '${p.name}' must be ${what}${auto}, got ${show(raw)}`);
  };
  if (p.auto !== undefined && text === 'auto') return Array.isArray(p.auto) ? ([...p.auto] as ParamValue) : p.auto;
  switch (p.type) {
    case 'double':
    case 'integer': {
      const v = Number(unquote(text) === text ? text : NaN);
      if (text === '' || !Number.isFinite(v)) fail(p.type === 'integer' ? 'an integer (such as 10)' : 'a number (such as 10.0)');
      return v;
    }
    case 'bool':
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      return fail('true or false');
    case 'string':
      return unquote(text);
    case 'string_array':
      if (text.startsWith('[') !== text.endsWith(']')) fail('a list such as [a, b]');
      return listItems(text);
    case 'double_array': {
      if (text.startsWith('[') !== text.endsWith(']')) fail('a list of numbers such as [0.0, 1.5]');
      const v = listItems(text).map((s) => (s === '' ? NaN : Number(s)));
      if (v.some((x) => !Number.isFinite(x))) fail('a list of numbers such as [0.0, 1.5]');
      return v;
    }
  }
}

/** A value as a refusal quotes it (cut to a few dozen characters, one line). */
const show = quote;
