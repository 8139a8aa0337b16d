/**
 * The comparison suite: every scenario x swarm size x law, each run through the same controller loop (run.ts), with
 * the i.i.d. yardstick of each scenario and size. Pure apart from the progress callback; deterministic apart from the
 * compute times.
 */
import { MmdMetric } from '../../src/engine/metrics/metrics.js';
import type { CoverageAlgorithm } from '../../src/scenario/scenario.js';
import { COVERAGE_ALGORITHMS } from '../../src/scenario/scenario.js';
import { scenarioTarget } from '../../src/scenario/setup.js';
import type { BenchScenario, LawRun, RunSettings } from './run.js';
import { iidMmd2, runLaw, withRobots } from './run.js';

/** One scenario at one swarm size: the i.i.d. yardstick and one run per law. */
export interface ComparisonCell {
  readonly scenario: string;
  readonly robots: number;
  /** Median squared MMD of N i.i.d. target samples (IID_DRAWS draws, seed IID_SEED). */
  readonly iidMmd2: number;
  readonly runs: readonly LawRun[];
}

/** Draws and seed of the i.i.d. yardstick. */
export const IID_DRAWS = 21;
export const IID_SEED = 7;

/** What the suite runs. */
export interface SuiteOptions extends RunSettings {
  readonly scenarios: readonly BenchScenario[];
  readonly counts: readonly number[];
  /** Default: all three laws. */
  readonly algorithms?: readonly CoverageAlgorithm[];
  /** Called after each run with its index (from 1) and the total. */
  readonly onRun?: (run: LawRun, index: number, total: number, seconds: number) => void;
}

/** Runs every scenario, size and law; cells in the order scenario, then size. */
export function runSuite(o: SuiteOptions): ComparisonCell[] {
  const algorithms = o.algorithms ?? COVERAGE_ALGORITHMS;
  const total = o.scenarios.length * o.counts.length * algorithms.length;
  const cells: ComparisonCell[] = [];
  let index = 0;
  for (const bench of o.scenarios) {
    for (const n of o.counts) {
      const scenario = withRobots(bench.scenario, n);
      const target = scenarioTarget(scenario);
      const iid = iidMmd2(target, new MmdMetric(target, scenario.metrics.mmdBandwidth), n, IID_DRAWS, IID_SEED);
      const runs = algorithms.map((algorithm) => {
        const started = performance.now();
        const run = runLaw({ name: bench.name, scenario }, algorithm, o);
        o.onRun?.(run, ++index, total, (performance.now() - started) / 1000);
        return run;
      });
      cells.push({ scenario: bench.name, robots: n, iidMmd2: iid, runs });
    }
  }
  return cells;
}
