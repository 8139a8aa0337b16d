/**
 * The sampler comparison: every scenario x N x method, each method given a fresh target (no shared caches), timed in
 * CPU time (process.cpuUsage, user + system, including its set-up), scored by the squared MMD of the coverage bench
 * and `run` (MmdMetric at the scenario's bandwidth) and by its ratio to the median of IID_DRAWS sets of N i.i.d.
 * samples; the same again at twice the bandwidth (WIDE), so that no method's lead is an artefact of one kernel.
 * Deterministic apart from the CPU times.
 */
import { blobSample } from '../../src/engine/flow/blob-sampler.js';
import { scrambledHaltonSample } from '../../src/engine/target/halton.js';
import type { Positions } from '../../src/engine/target/geometry.js';
import { MmdMetric } from '../../src/engine/metrics/metrics.js';
import { createRng } from '../../src/engine/random.js';
import { targetSampler } from '../../src/engine/target/sampling.js';
import type { Target } from '../../src/engine/target/target.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { scenarioTarget } from '../../src/scenario/setup.js';
import { iidMmd2 } from '../coverage/run.js';
import { IID_DRAWS, IID_SEED } from '../coverage/suite.js';
import { targetCells } from './cells.js';
import { herdingSample } from './herding.js';
import { svgdSample } from './svgd.js';

/** The second MMD bandwidth, a multiple of the scenario's. */
export const WIDE = 2;

/** The methods compared, in table order. */
export const METHODS = ['iid', 'halton', 'herding', 'svgd', 'blob'] as const;
export type Method = (typeof METHODS)[number];

/** How the table and the plot name the methods. */
export const METHOD_NAMES: Readonly<Record<Method, string>> = {
  iid: 'i.i.d. (one draw)',
  halton: 'scrambled Halton',
  herding: 'kernel herding',
  svgd: 'SVGD',
  blob: 'blob sampler',
};

/** A scenario of the comparison. */
export interface SampleScenario {
  readonly name: string;
  readonly scenario: Scenario;
}

/** One method at one N. */
export interface MethodResult {
  readonly method: Method;
  readonly mmd2: number;
  /** Squared MMD at WIDE x the bandwidth. */
  readonly mmd2Wide: number;
  /** CPU seconds (user + system) of the method, set-up included. */
  readonly cpu: number;
}

/** One scenario at one N. */
export interface SampleCell {
  readonly scenario: string;
  readonly n: number;
  /** Median squared MMD of IID_DRAWS sets of n i.i.d. samples (seed IID_SEED). */
  readonly iidMmd2: number;
  /** The same at WIDE x the bandwidth. */
  readonly iidMmd2Wide: number;
  readonly results: readonly MethodResult[];
}

/** What the comparison runs. */
export interface SampleSuiteOptions {
  readonly scenarios: readonly SampleScenario[];
  readonly counts: readonly number[];
  /** Seed of every randomized method (the i.i.d. draw, the scrambling, the blob sampler's and SVGD's start). Default 1. */
  readonly seed?: number;
  readonly methods?: readonly Method[];
  /** SVGD iterations (default 200). */
  readonly svgdIterations?: number;
  /** Called after each method. */
  readonly onResult?: (cell: { scenario: string; n: number }, r: MethodResult) => void;
}

/** The points of one method (a fresh target each time, so no method reuses another's grids). */
export function sampleWith(method: Method, target: Target, n: number, bandwidth: number, seed: number, svgdIterations?: number): Positions {
  switch (method) {
    case 'iid':
      return targetSampler(target)(n, createRng(seed));
    case 'halton':
      return scrambledHaltonSample(target, n, seed);
    case 'herding':
      return herdingSample(targetCells(target), n, bandwidth);
    case 'svgd':
      return svgdSample(target, targetSampler(target)(n, createRng(seed)), { iterations: svgdIterations });
    case 'blob':
      return blobSample(target, n, { seed });
  }
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs every scenario, N and method; cells in the order scenario, then N. */
export function runSampleSuite(o: SampleSuiteOptions): SampleCell[] {
  const seed = o.seed ?? 1;
  const methods = o.methods ?? METHODS;
  const cells: SampleCell[] = [];
  for (const { name, scenario } of o.scenarios) {
    const bandwidth = scenario.metrics.mmdBandwidth;
    const scoring = scenarioTarget(scenario);
    const mmd = new MmdMetric(scoring, bandwidth);
    const wide = new MmdMetric(scoring, WIDE * bandwidth);
    for (const n of o.counts) {
      const iid = iidMmd2(scoring, mmd, n, IID_DRAWS, IID_SEED);
      const iidWide = iidMmd2(scoring, wide, n, IID_DRAWS, IID_SEED);
      const results = methods.map((method): MethodResult => {
        const target = scenarioTarget(scenario);
        const c0 = cpuSeconds();
        const points = sampleWith(method, target, n, bandwidth, seed, o.svgdIterations);
        const cpu = cpuSeconds() - c0;
        if (points.length !== 2 * n) throw new Error(`${method} returned ${points.length >> 1} points, not ${n}`);
        const r = { method, mmd2: mmd.evaluate(points), mmd2Wide: wide.evaluate(points), cpu };
        o.onResult?.({ scenario: name, n }, r);
        return r;
      });
      cells.push({ scenario: name, n, iidMmd2: iid, iidMmd2Wide: iidWide, results });
    }
  }
  return cells;
}
