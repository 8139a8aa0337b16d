/**
 * The command line's argument parser and help text: small and strict. A value option takes the next argument
 * whatever it looks like (`--time -1` is a negative number, not an unknown option), unknown options and commands get
 * a "did you mean", and every failure is a one-line UsageError.
 */
import { nearMiss, quote } from '../io/quote.js';
import { UsageError } from './errors.js';

/** One option of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One-letter alias (`-p`). */
  readonly short?: string;
  /** May be given several times (the values are collected in order). */
  readonly multiple?: boolean;
  /** The value's placeholder in the help (`FILE`, `N`). */
  readonly value?: string;
  /** Value when the option is absent. */
  readonly default?: string;
  /** One line for the help. */
  readonly help: string;
}

/** One command: its usage, what it does, its options; the one source of its parsing and its help. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The positional argument's placeholder (`SCENARIO`), when the command takes exactly one. */
  readonly positional?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Options that must be given (shown in the usage line). */
  readonly required?: readonly string[];
  /** Lines after the option list: what the command does in more detail, and examples. */
  readonly details?: readonly string[];
}

/** The parsed values, typed by the spec's options. */
export type Values<O extends Readonly<Record<string, OptionSpec>>> = {
  [K in keyof O]: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : O[K] extends { default: string } ? string : string | undefined;
};

/** What `parseCommand` returns: the values, the positionals, and whether help was asked for. */
export interface Parsed<O extends Readonly<Record<string, OptionSpec>>> {
  readonly values: Values<O>;
  readonly positionals: string[];
  readonly help: boolean;
}

const HELP_FLAGS = new Set(['--help', '-h']);

/** The option names a command accepts, as typed (`--out`, `-p`), for suggestions. */
function flagNames(spec: CommandSpec): string[] {
  const names = ['--help'];
  for (const [name, o] of Object.entries(spec.options)) names.push(`--${name}`, ...(o.short ? [`-${o.short}`] : []));
  return names;
}

/** "(did you mean X?)" for a near miss of one of `words`, or ''. */
export function didYouMean(found: string, words: readonly string[]): string {
  const near = nearMiss(found, words);
  return near === undefined ? '' : ` (did you mean ${near}?)`;
}

/**
 * Parses a command's arguments against its spec. `--name value`, `--name=value`, `-x value`; `--` ends the
 * options. Throws a UsageError for an unknown option (with a suggestion), a missing value, a value given to a flag,
 * or the wrong number of positionals. `--help` anywhere (before `--`) sets `help` and skips the other checks.
 */
export function parseCommand<O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec & { readonly options: O }, args: readonly string[]): Parsed<O> {
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = o.type === 'boolean' ? false : o.multiple ? [] : o.default;
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(spec.options).filter(([, o]) => o.short).map(([name, o]) => [o.short as string, name]));
  const end = args.indexOf('--');
  if (args.slice(0, end < 0 ? args.length : end).some((a) => HELP_FLAGS.has(a))) return { values: values as Values<O>, positionals, help: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    // A lone '-' or a negative number is a positional, not an option.
    if (!arg.startsWith('-') || arg === '-' || /^-\d|^-\.\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = flag.startsWith('--') ? flag.slice(2) : byShort.get(flag.slice(1));
    const option = name !== undefined && Object.hasOwn(spec.options, name) && (flag.startsWith('--') || flag.length === 2) ? spec.options[name] : undefined;
    if (!option || name === undefined) {
      throw new UsageError(`${spec.name}: unknown option ${quote(flag)}${didYouMean(flag, flagNames(spec))}; blob-coverage ${spec.name} --help lists the options`);
    }
    let value: string | undefined;
    if (option.type === 'boolean') {
      if (eq > 0) throw new UsageError(`${spec.name}: ${flag} takes no value`);
      values[name] = true;
      continue;
    }
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    else throw new UsageError(`${spec.name}: ${flag} needs a value (${flag} ${option.value ?? 'VALUE'})`);
    if (option.multiple) (values[name] as string[]).push(value);
    else values[name] = value;
  }
  if (spec.positional && positionals.length !== 1) {
    throw new UsageError(`${spec.name} takes exactly one ${spec.positional}${positionals.length > 1 ? `, got ${positionals.length} (${positionals.slice(1, 3).map((p) => quote(p)).join(', ')} too)` : ''}`);
  }
  if (!spec.positional && positionals.length > 0) throw new UsageError(`${spec.name} takes no ${quote(positionals[0])}: every input is an option (blob-coverage ${spec.name} --help)`);
  return { values: values as Values<O>, positionals, help: false };
}

/** The usage line of a command: required options spelled out, the rest as [options]. */
export function usageLine(spec: CommandSpec): string {
  const required = (spec.required ?? []).map((n) => `--${n} ${spec.options[n]?.value ?? 'VALUE'}`);
  return ['usage: blob-coverage', spec.name, ...(spec.positional ? [spec.positional] : []), ...required, '[options]'].join(' ');
}

/** A command's help: usage, summary, options (with defaults) and the details. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    `${o.help}${o.default !== undefined ? ` (default ${o.default})` : ''}${o.multiple ? ' (repeatable)' : ''}`,
  ]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [usageLine(spec), '', spec.summary, '', 'options:', ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`), ...(spec.details?.length ? ['', ...spec.details] : [])].join('\n');
}
