import type { Positions } from '../target/geometry.js';
import type { StepResult } from './integrator.js';
import type { LloydCost, MmdMetric } from '../metrics/metrics.js';
import { nearestNeighbourStats } from '../metrics/metrics.js';

/** Anything that advances a swarm in time: FlowIntegrator, MultiScaleStepper, LloydStepper, LangevinStepper. */
export interface Stepper {
  step(positions: Positions, maxDt: number): StepResult;
}

/** Coverage metrics of one configuration. */
export interface CoverageMetrics {
  /** E_eps at the run's nominal eps (the fixed-eps blob energy). */
  readonly energy: number;
  /** Squared MMD to the target (Gaussian kernel, the run's bandwidth). */
  readonly mmd2: number;
  /** Lloyd's locational cost Int min_i |y - x_i|^2 rho_bar(y) dy, m^2. */
  readonly lloydCost: number;
  /** Smallest and mean nearest-neighbour distance, m. */
  readonly nnMin: number;
  readonly nnMean: number;
}

/** One history sample. */
export interface HistorySample extends CoverageMetrics {
  /** Simulated time, s. */
  readonly t: number;
  /** Steps taken so far. */
  readonly steps: number;
  /** The energy the stepper descends (equals `energy` for the fixed-eps flow; Lloyd's cost for Lloyd's law; NaN for Langevin). */
  readonly flowEnergy: number;
  readonly maxSpeed: number;
  readonly meanSpeed: number;
  /** Every robot's position at this time (only with `recordPositions`). */
  readonly positions?: Positions;
}

/** What a coverage run needs. */
export interface CoverageRunOptions {
  readonly stepper: Stepper;
  /** Initial positions (copied, not modified). */
  readonly initial: Positions;
  /** Simulated duration, s. */
  readonly duration: number;
  /** E_eps at the nominal eps, for reporting. */
  readonly energy: (p: Positions) => number;
  readonly mmd: MmdMetric;
  readonly lloyd: LloydCost;
  /**
   * Number of history sample times (geometric in time after t = 0, so the fast start is resolved); a sample is taken at
   * the end of the first step that reaches each time (steps are not shortened for them), so a long step may take the
   * place of several. Default 200.
   */
  readonly historySamples?: number;
  /** Hard cap on steps (a guard; the run ends early with `truncated`). Default 1,000,000. */
  readonly maxSteps?: number;
  /** Keep a copy of the positions in every history sample (for reports). Default false. */
  readonly recordPositions?: boolean;
  /** Called after each step with the simulated time, the history sample taken (if any) and the step's result. */
  readonly onProgress?: (t: number, duration: number, sample: HistorySample | undefined, step: StepResult) => void;
}

/** Result of a coverage run. */
export interface CoverageRunResult {
  readonly finalPositions: Positions;
  readonly history: HistorySample[];
  readonly final: CoverageMetrics;
  readonly steps: number;
  readonly simulatedTime: number;
  readonly truncated: boolean;
}

/** Metrics of one configuration. */
export function measure(p: Positions, energy: (p: Positions) => number, mmd: MmdMetric, lloyd: LloydCost): CoverageMetrics {
  const nn = nearestNeighbourStats(p);
  return { energy: energy(p), mmd2: mmd.evaluate(p), lloydCost: lloyd.evaluate(p), nnMin: nn.min, nnMean: nn.mean };
}

/** Sample times: 0, then geometric from duration * 1e-4 to duration. */
export function sampleTimes(duration: number, samples: number): Float64Array {
  const t = new Float64Array(samples);
  const first = duration * 1e-4;
  for (let k = 1; k < samples; k++) t[k] = first * Math.pow(duration / first, (k - 1) / Math.max(1, samples - 2));
  t[samples - 1] = duration;
  return t;
}

/** Integrates a swarm for `duration` seconds, sampling metrics along the way. Pure: no I/O. */
export function runCoverage(o: CoverageRunOptions): CoverageRunResult {
  const p = Float64Array.from(o.initial);
  const times = sampleTimes(o.duration, o.historySamples ?? 200);
  const maxSteps = o.maxSteps ?? 1_000_000;
  const history: HistorySample[] = [];
  let t = 0;
  let steps = 0;
  let next = 0;
  const record = (r: { energy: number; maxSpeed: number; meanSpeed: number }): HistorySample => {
    const s: HistorySample = {
      t,
      steps,
      flowEnergy: r.energy,
      maxSpeed: r.maxSpeed,
      meanSpeed: r.meanSpeed,
      ...measure(p, o.energy, o.mmd, o.lloyd),
      ...(o.recordPositions ? { positions: Float64Array.from(p) } : {}),
    };
    history.push(s);
    while (next < times.length && times[next] <= t + 1e-12) next++;
    return s;
  };
  let last = o.stepper.step(Float64Array.from(p), 0); // zero-length step: speeds and energy at t = 0
  record(last);
  while (t < o.duration - 1e-12 && steps < maxSteps) {
    // Steps are not shortened to land on the sample times (that cost `run` 150 extra steps at 2,000 robots): a sample
    // is taken at the end of the first step that reaches its time, and records that step's time.
    last = o.stepper.step(p, o.duration - t);
    t += last.dt;
    steps++;
    let sample: HistorySample | undefined;
    if (next < times.length && t >= times[next] - 1e-12) sample = record(last);
    o.onProgress?.(t, o.duration, sample, last);
  }
  if (history[history.length - 1].t < t) record(last);
  const f = history[history.length - 1];
  return {
    finalPositions: p,
    history,
    final: { energy: f.energy, mmd2: f.mmd2, lloydCost: f.lloydCost, nnMin: f.nnMin, nnMean: f.nnMean },
    steps,
    simulatedTime: t,
    truncated: t < o.duration - 1e-12,
  };
}
