import { resolve } from 'node:path';
import { BlobField } from '../../engine/field/field.js';
import { blobFlow } from '../../engine/flow/flow.js';
import type { StepResult } from '../../engine/flow/integrator.js';
import { ChebyshevIntegrator, DEFAULT_DAMPING, DEFAULT_MAX_STEP, STIFFNESS_MARGIN, stagesFor } from '../../engine/flow/chebyshev.js';
import { LloydCost, MmdMetric } from '../../engine/metrics/metrics.js';
import type { CoverageRunResult, HistorySample, Stepper } from '../../engine/flow/simulation.js';
import { runCoverage } from '../../engine/flow/simulation.js';
import { fromPositions } from '../../engine/target/geometry.js';
import type { CoverageAlgorithm, FlowMethod, Scenario } from '../../scenario/scenario.js';
import { MultiScaleStepper } from '../../engine/field/bandwidth.js';
import { LloydStepper } from '../../engine/laws/lloyd.js';
import { LangevinStepper } from '../../engine/laws/langevin.js';
import { initialPositions, scenarioEpsilon, scenarioTarget } from '../../scenario/setup.js';
import { meanSpacing } from '../../engine/flow/epsilon.js';
import { runFlowOptions } from '../../engine/flow/run-flow.js';
import { PointIndex } from '../../engine/field/neighbours.js';
import { createRng } from '../../engine/random.js';
import { targetSampler } from '../../engine/target/sampling.js';
import type { Target } from '../../engine/target/target.js';

/** A scenario made ready to run: target, widths, stepper, metrics. */
export interface PreparedRun {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly algorithm: CoverageAlgorithm;
  /** The blob flow's method (what the blob law runs; the other laws report the fixed flow's energy). */
  readonly method: FlowMethod;
  readonly epsilon: number;
  /**
   * The fine-scale energy reported in the history: E_eps of the multiscale method's finest term, or of the fixed flow
   * at the scenario's width (for the fixed method and for the laws other than the blob flow).
   */
  readonly energy: (p: Float64Array) => number;
  readonly stepper: Stepper;
  readonly mmd: MmdMetric;
  readonly lloyd: LloydCost;
  readonly initial: Float64Array;
  /** Longest step of the blob flow's stabilized integrator, s (undefined for Lloyd's and Langevin laws). */
  readonly maxStep?: number;
  /** Stages the stabilized integrator needs for a step dt at stiffness lambda (undefined for the other laws). */
  readonly stagesAt?: (lambda: number, dt: number) => number;
}

/** Builds everything a run needs from a validated scenario (the law: `algorithm`, the scenario's by default). */
export function prepareRun(scenario: Scenario, method: FlowMethod = scenario.blob.method, algorithm: CoverageAlgorithm = scenario.law.algorithm): PreparedRun {
  const target = scenarioTarget(scenario);
  const multiscale = algorithm === 'blob' && method === 'multiscale';
  const epsilon = scenarioEpsilon(scenario, undefined, multiscale ? 'multiscale' : 'fixed');
  const diffusivity = scenario.blob.diffusivity;
  const options = { domain: scenario.domain, maxSpeed: scenario.sim.maxSpeed };
  const law = scenario.law;
  // The blob flows run with the speed-bounding mobility and the fine-scale preconditioner (run-flow.ts).
  const blobOptions = { ...options, ...runFlowOptions(scenario.domain, epsilon, diffusivity) };
  let stepper: Stepper;
  let energy: (p: Float64Array) => number;
  if (multiscale) {
    const ms = new MultiScaleStepper(target, { epsilon, diffusivity }, blobOptions);
    stepper = ms;
    energy = (p) => ms.fineEnergy(p);
  } else {
    const field = new BlobField(target, { epsilon, diffusivity });
    energy = (p) => field.energy(p);
    if (algorithm === 'lloyd') stepper = new LloydStepper(target, { gain: law.lloydGain, ...options });
    else if (algorithm === 'langevin') stepper = new LangevinStepper(target, { diffusivity: law.langevinDiffusivity, seed: law.langevinSeed, ...options });
    else stepper = new ChebyshevIntegrator(blobFlow(field), blobOptions);
  }
  return {
    scenario,
    algorithm,
    method,
    target,
    epsilon,
    energy,
    stepper,
    mmd: new MmdMetric(target, scenario.metrics.mmdBandwidth),
    lloyd: new LloydCost(target),
    initial: initialPositions(scenario, target),
    ...(algorithm === 'blob' ? { maxStep: DEFAULT_MAX_STEP, stagesAt: (lambda: number, dt: number) => stagesFor(STIFFNESS_MARGIN * lambda * dt, DEFAULT_DAMPING) } : {}),
  };
}

/**
 * The work budget of a run, in robot-steps: a run stops (and reports `truncated`) after min(1,000,000,
 * MAX_ROBOT_STEPS / N) steps, so that no scenario runs without end (about an hour at 3 microseconds per robot-step).
 */
export const MAX_ROBOT_STEPS = 1e9;

/** The most steps a run of `n` robots takes. */
export function runStepBudget(n: number): number {
  return Math.max(1, Math.min(1_000_000, Math.floor(MAX_ROBOT_STEPS / Math.max(1, n))));
}

/** Runs a prepared scenario for its duration (at most `runStepBudget` steps). */
export function executeRun(
  run: PreparedRun,
  onProgress?: (t: number, duration: number, s: HistorySample | undefined, step: StepResult) => void,
  recordPositions = false,
): CoverageRunResult {
  return runCoverage({
    stepper: run.stepper,
    initial: run.initial,
    duration: run.scenario.sim.duration,
    energy: run.energy,
    mmd: run.mmd,
    lloyd: run.lloyd,
    historySamples: run.scenario.sim.historySamples,
    maxSteps: runStepBudget(run.initial.length / 2),
    recordPositions,
    onProgress,
  });
}

/** How a run's law reads in titles: "multiscale blob flow", "Lloyd's law (k = 5 1/s)", "Langevin law (D = 0.05 m^2/s)". */
export function lawLabel(run: PreparedRun): string {
  if (run.algorithm === 'lloyd') return `Lloyd's law (k = ${run.scenario.law.lloydGain} 1/s)`;
  if (run.algorithm === 'langevin') return `Langevin law (D = ${run.scenario.law.langevinDiffusivity} m^2/s)`;
  return `${run.method} blob flow`;
}

/** The JSON document `blob-coverage run` writes. */
export function resultDocument(run: PreparedRun, r: CoverageRunResult): Record<string, unknown> {
  return {
    scenario: { name: run.scenario.name ?? null, robots: run.initial.length / 2, domain: run.scenario.domain },
    algorithm: run.algorithm,
    epsilon: run.epsilon,
    diffusivity: run.scenario.blob.diffusivity,
    method: run.algorithm === 'blob' ? run.method : null,
    ...(run.algorithm === 'lloyd' ? { lloyd_gain: run.scenario.law.lloydGain } : {}),
    ...(run.algorithm === 'langevin' ? { langevin_diffusivity: run.scenario.law.langevinDiffusivity, langevin_seed: run.scenario.law.langevinSeed } : {}),
    mmd_bandwidth: run.mmd.bandwidth,
    steps: r.steps,
    simulated_time: r.simulatedTime,
    truncated: r.truncated,
    initial_positions: fromPositions(run.initial),
    final_positions: fromPositions(r.finalPositions),
    metrics: {
      energy: r.final.energy,
      mmd2: r.final.mmd2,
      lloyd_cost: r.final.lloydCost,
      nn_min: r.final.nnMin,
      nn_mean: r.final.nnMean,
    },
    history: r.history.map((h) => ({
      t: h.t,
      steps: h.steps,
      energy: h.energy,
      flow_energy: h.flowEnergy,
      mmd2: h.mmd2,
      lloyd_cost: h.lloydCost,
      nn_min: h.nnMin,
      nn_mean: h.nnMean,
      max_speed: h.maxSpeed,
      mean_speed: h.meanSpeed,
    })),
  };
}

/** A robot is in a close pair when its nearest neighbour is nearer than this fraction of the mean spacing sqrt(area / N). */
export const CLOSE_PAIR_FRACTION = 0.2;

/** Robots whose nearest neighbour is closer than CLOSE_PAIR_FRACTION x the mean spacing, and the closest distance, m. */
export function closePairs(p: Float64Array, spacing: number): { robots: number; closest: number } {
  if (p.length < 4) return { robots: 0, closest: Infinity };
  const nn = new PointIndex(p).nearestNeighbourDistances();
  let robots = 0;
  let closest = Infinity;
  for (const d of nn) {
    if (d < CLOSE_PAIR_FRACTION * spacing) robots++;
    if (d < closest) closest = d;
  }
  return { robots, closest };
}

/**
 * Median squared MMD of `draws` sets of N i.i.d. samples of the target (seeded): the coverage benchmark's yardstick,
 * with the same estimator (MmdMetric against the target as given, floor excluded).
 */
export function iidMedianMmd2(run: Pick<PreparedRun, 'target' | 'mmd'>, n: number, draws = 21, seed = 7): number {
  const sample = targetSampler(run.target);
  const rng = createRng(seed);
  const v = Array.from({ length: draws }, () => run.mmd.evaluate(sample(n, rng))).sort((a, b) => a - b);
  return v[draws >> 1];
}

/** The one-line summary `run` prints: MMD (and against i.i.d. samples), energy, spacing, and any close pairs, flagged. */
export function summaryLine(run: PreparedRun, r: CoverageRunResult, seconds: number, out?: string): string {
  const n = run.initial.length / 2;
  const f = r.final;
  const first = r.history[0];
  const h = meanSpacing(run.scenario.domain, n);
  const iid = iidMedianMmd2(run, n);
  const close = closePairs(r.finalPositions, h);
  const pairs =
    close.robots > 0
      ? `; CLOSE PAIRS: ${close.robots} robots within ${CLOSE_PAIR_FRACTION} x the mean spacing (${(CLOSE_PAIR_FRACTION * h).toPrecision(2)} m) of a neighbour, closest ${close.closest.toExponential(1)} m`
      : `; no close pairs (closest ${(close.closest / h).toFixed(2)} x the mean spacing ${h.toPrecision(2)} m)`;
  return (
    `${n} robots, ${lawLabel(run)}, eps ${run.epsilon.toFixed(4)} m, ${r.steps} steps in ${seconds.toFixed(2)} s: ` +
    `MMD^2 ${first.mmd2.toExponential(3)} -> ${f.mmd2.toExponential(3)} (${(f.mmd2 / iid).toPrecision(2)} x that of ${n} i.i.d. target samples), ` +
    `energy ${first.energy.toFixed(4)} -> ${f.energy.toFixed(4)}, nearest neighbour mean ${f.nnMean.toFixed(4)} m${pairs}${out ? `; wrote ${resolve(out)}` : ''}`
  );
}
