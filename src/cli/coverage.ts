import { BlobField } from '../engine/field.js';
import { blobFlow } from '../engine/flow.js';
import { FlowIntegrator } from '../engine/integrator.js';
import { LloydCost, MmdMetric } from '../engine/metrics.js';
import type { CoverageRunResult, HistorySample, Stepper } from '../engine/simulation.js';
import { runCoverage } from '../engine/simulation.js';
import { fromPositions } from '../engine/geometry.js';
import type { FlowMethod, Scenario } from '../scenario/scenario.js';
import { MultiScaleStepper } from '../engine/bandwidth.js';
import { initialPositions, scenarioEpsilon, scenarioTarget } from '../scenario/setup.js';
import type { Target } from '../engine/target.js';

/** A scenario made ready to run: target, widths, stepper, metrics. */
export interface PreparedRun {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly method: FlowMethod;
  readonly epsilon: number;
  /** The fine-scale energy reported in the history (E_eps of the method's finest term). */
  readonly energy: (p: Float64Array) => number;
  readonly stepper: Stepper;
  readonly mmd: MmdMetric;
  readonly lloyd: LloydCost;
  readonly initial: Float64Array;
}

/** Builds everything a run needs from a validated scenario. */
export function prepareRun(scenario: Scenario, method: FlowMethod = scenario.blob.method): PreparedRun {
  const target = scenarioTarget(scenario);
  const epsilon = scenarioEpsilon(scenario, undefined, method);
  const diffusivity = scenario.blob.diffusivity;
  const options = { domain: scenario.domain, maxSpeed: scenario.sim.maxSpeed };
  let stepper: Stepper;
  let energy: (p: Float64Array) => number;
  if (method === 'multiscale') {
    const ms = new MultiScaleStepper(target, { epsilon, diffusivity }, options);
    stepper = ms;
    energy = (p) => ms.fineEnergy(p);
  } else {
    const field = new BlobField(target, { epsilon, diffusivity });
    stepper = new FlowIntegrator(blobFlow(field), options);
    energy = (p) => field.energy(p);
  }
  return {
    scenario,
    method,
    target,
    epsilon,
    energy,
    stepper,
    mmd: new MmdMetric(target, scenario.metrics.mmdBandwidth),
    lloyd: new LloydCost(target),
    initial: initialPositions(scenario, target),
  };
}

/** Runs a prepared scenario for its duration. */
export function executeRun(
  run: PreparedRun,
  onProgress?: (t: number, duration: number, s: HistorySample | undefined) => void,
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
    recordPositions,
    onProgress,
  });
}

/** The JSON document `blob-coverage run` writes. */
export function resultDocument(run: PreparedRun, r: CoverageRunResult): Record<string, unknown> {
  return {
    scenario: { name: run.scenario.name ?? null, robots: run.initial.length / 2, domain: run.scenario.domain },
    epsilon: run.epsilon,
    diffusivity: run.scenario.blob.diffusivity,
    method: run.method,
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
