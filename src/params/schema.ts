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

/** Parses a command-line string into a parameter value of the spec's type. */
export function parseParamText(p: ParamSpec, text: string): ParamValue {
  const fail = (): never => {
    throw new Error(`--${p.name.replace(/_/g, '-')}: cannot read ${show(text)} as ${p.type}`);
  };
  switch (p.type) {
    case 'double':
    case 'integer': {
      const v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v)) fail();
      return v;
    }
    case 'bool':
      if (text === 'true') return true;
      if (text === 'false') return false;
      return fail();
    case 'string':
      return text;
    case 'string_array':
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    case 'double_array': {
      const v = text === '' ? [] : text.split(',').map((s) => Number(s));
      if (v.some((x) => !Number.isFinite(x))) fail();
      return v;
    }
  }
}

/** A value as a refusal quotes it (cut to a few dozen characters, one line). */
const show = quote;
