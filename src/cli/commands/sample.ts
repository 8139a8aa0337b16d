/** `blob-coverage sample`: deterministic samples of a scenario's target density by the blob method. */
import { extname } from 'node:path';
import { blobSample } from '../../engine/flow/blob-sampler.js';
import type { Positions } from '../../engine/target/geometry.js';
import { loadScenario } from '../../scenario/load.js';
import { scenarioTarget } from '../../scenario/setup.js';
import { ConfigError } from '../../scenario/validate.js';
import { UsageError } from '../errors.js';
import { parseCommand } from '../args.js';
import { SAMPLE } from '../command-table.js';
import { ProgressBar, checkOutputs, writeFileAtomic } from '../output/output.js';
import { quote } from '../../io/quote.js';

/** Largest --n accepted (the flow's grid and time grow with it). */
const MAX_SAMPLES = 1_000_000;

/** The points as JSON ([[x, y], ...]) or CSV (a header `x,y`, then one point a line), full precision. */
export function formatPoints(p: Positions, format: 'json' | 'csv'): string {
  const rows: string[] = [];
  for (let i = 0; i < p.length; i += 2) rows.push(format === 'json' ? `[${p[i]},${p[i + 1]}]` : `${p[i]},${p[i + 1]}`);
  return format === 'json' ? `[\n${rows.join(',\n')}\n]\n` : `x,y\n${rows.join('\n')}\n`;
}

function integerFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${name} must be an integer in [${min}, ${max}], got ${quote(value)}`);
  return v;
}

/** `sample SCENARIO --n N --out points.json|points.csv [--seed S] [--time T] [--quiet]`. */
export function sampleCommand(args: string[]): number {
  const { values, positionals } = parseCommand(SAMPLE, args);
  if (values.n === undefined) throw new UsageError('sample needs --n N (the number of points)');
  const n = integerFlag(values.n, '--n', 0, 1, MAX_SAMPLES);
  const seed = integerFlag(values.seed, '--seed', 1, 0, 4294967295);
  const time = Number(values.time);
  if (!(time >= 0 && Number.isFinite(time))) throw new UsageError(`--time must be a non-negative number, got ${quote(values.time)}`);
  if (!values.out) throw new UsageError('sample needs --out FILE (.json or .csv)');
  const ext = extname(values.out).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') throw new UsageError(`--out must end in .json or .csv, got ${quote(values.out)}`);
  const path = positionals[0];
  // The output is checked before any work, and again against every file the scenario reads (never an input).
  const outputs = [{ flag: '--out', path: values.out }];
  checkOutputs(outputs, [path]);
  const inputs: string[] = [];
  const scenario = loadScenario(path, inputs);
  checkOutputs(outputs, inputs);
  let target;
  try {
    target = scenarioTarget(scenario);
  } catch (e) {
    if (e instanceof ConfigError && !e.file) throw new ConfigError(e.key, e.problem, path);
    throw e;
  }
  const bar = new ProgressBar(process.stderr, `sample ${n}`);
  const started = performance.now();
  const points = blobSample(target, n, { seed, time, onProgress: values.quiet ? undefined : (f) => bar.update(f, '') });
  if (!values.quiet) bar.done();
  writeFileAtomic(values.out, formatPoints(points, ext === '.json' ? 'json' : 'csv'));
  if (!values.quiet) process.stderr.write(`${n} samples of ${scenario.name ?? path} in ${((performance.now() - started) / 1000).toFixed(2)} s; wrote ${values.out}\n`);
  return 0;
}
