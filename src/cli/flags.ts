/** Command-line flags shared by several commands. */
import { quote } from '../io/quote.js';
import { COVERAGE_ALGORITHMS } from '../scenario/scenario.js';
import type { CoverageAlgorithm } from '../scenario/scenario.js';
import { UsageError } from './errors.js';
import type { OutputFile } from './output/output.js';

/** The value of `--algorithm`, checked (undefined when the flag is absent). */
export function algorithmFlag(value: string | undefined): CoverageAlgorithm | undefined {
  if (value !== undefined && !(COVERAGE_ALGORITHMS as readonly string[]).includes(value)) {
    throw new UsageError(`--algorithm must be one of ${COVERAGE_ALGORITHMS.join(', ')}, got ${quote(value)}`);
  }
  return value as CoverageAlgorithm | undefined;
}

/** The output flags given, as files to check and write. */
export function outputFlags(values: Readonly<Record<string, unknown>>, flags: readonly string[]): OutputFile[] {
  return flags.filter((f) => typeof values[f] === 'string').map((f) => ({ flag: `--${f}`, path: values[f] as string }));
}

