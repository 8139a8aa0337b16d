/**
 * One comparison run: a scenario, a swarm size and a law, driven through the coverage controller (the law, then the
 * speed and acceleration limits and the safety filter, exactly as the controller node runs them) against holonomic
 * kinematics, on simulated time. Every law gets the same scenario, start, controller parameters, speed limits and
 * duration; only `algorithm` differs. Deterministic except for the compute times.
 */
import { CoverageController } from '../../src/control/controller.js';
import { controllerSettings, lawSettings } from '../../src/control/controller-node.js';
import type { CoverageLaw, LawOutput } from '../../src/control/laws/law.js';
import { createLaw } from '../../src/control/laws/laws.js';
import { BlobField } from '../../src/engine/field/field.js';
import { autoEpsilon } from '../../src/engine/flow/epsilon.js';
import type { Positions } from '../../src/engine/target/geometry.js';
import { LloydCost, MmdMetric } from '../../src/engine/metrics/metrics.js';
import { createRng } from '../../src/engine/random.js';
import { targetSampler } from '../../src/engine/target/sampling.js';
import type { Target } from '../../src/engine/target/target.js';
import { robotNames } from '../../src/params/common.js';
import { CONTROLLER_SCHEMA, controllerCrossCheck } from '../../src/params/controller.js';
import type { ParamValues } from '../../src/params/schema.js';
import { applyUpdates, defaults } from '../../src/params/schema.js';
import { scenarioControllerParameters } from '../../src/scenario/controller-params.js';
import type { CoverageAlgorithm, Scenario } from '../../src/scenario/scenario.js';
import { initialPositions, scenarioRobots, scenarioTarget } from '../../src/scenario/setup.js';
import { SwarmKinematics } from '../../src/sim/kinematics.js';
import type { MmdSample } from '../closed-loop.js';
import { closedLoop, timeTo90 } from '../closed-loop.js';

/** A scenario of the comparison. */
export interface BenchScenario {
  /** Short label (the file name without .yaml). */
  readonly name: string;
  readonly scenario: Scenario;
}

/** What one run measured. */
export interface LawRun {
  readonly scenario: string;
  readonly robots: number;
  readonly algorithm: CoverageAlgorithm;
  /** Squared MMD to the target at t = 0 and at the end (the scenario's bandwidth). */
  readonly initialMmd2: number;
  readonly mmd2: number;
  /** E_eps of the final swarm at the fixed flow's auto eps for N robots (D = 1): the standalone mode's yardstick. */
  readonly energy: number;
  /** Lloyd's cost H of the final swarm, m^2. */
  readonly lloydCost: number;
  /** Distance travelled, summed over the robots, m. */
  readonly pathLength: number;
  /** First sample time at which MMD^2 <= final + 0.1 (initial - final), s: 90% of the way to the final quality. */
  readonly t90: number;
  /** Mean wall time of a control tick (law, limits, safety filter) and of the law alone, ms; the first tick excluded. */
  readonly tickMs: number;
  readonly lawMs: number;
}

/** The settings every run of a comparison shares. */
export interface RunSettings {
  /** Simulated seconds between metric samples (the resolution of t90). */
  readonly samplePeriod: number;
  /** Simulated duration, s (default: the scenario's sim.duration). */
  readonly duration?: number;
}

/** A law that times its evaluations. */
class TimedLaw implements CoverageLaw {
  readonly algorithm: CoverageAlgorithm;
  readonly target: Target;
  /** Milliseconds per call, in order. */
  readonly ms: number[] = [];
  private readonly law: CoverageLaw;

  constructor(law: CoverageLaw) {
    this.law = law;
    this.algorithm = law.algorithm;
    this.target = law.target;
  }

  evaluate(positions: Positions, velocities: Float64Array, time: number): LawOutput {
    const t0 = performance.now();
    const out = this.law.evaluate(positions, velocities, time);
    this.ms.push(performance.now() - t0);
    return out;
  }
}

/** The scenario with `n` robots (the same start layout rule, the same seed). */
export function withRobots(s: Scenario, n: number): Scenario {
  return { ...s, robots: { ...scenarioRobots(s), count: n } };
}

/**
 * The controller parameter values of a run: defaults, then what the scenario sets (footprint, law settings), then
 * the robot count and the algorithm under test. Throws with the reason when they are refused.
 */
export function runParameters(s: Scenario, algorithm: CoverageAlgorithm): ParamValues {
  const updates = { robot_count: scenarioRobots(s).count, ...scenarioControllerParameters(s), algorithm };
  const merged = applyUpdates(CONTROLLER_SCHEMA, defaults(CONTROLLER_SCHEMA), updates, { live: false, crossCheck: controllerCrossCheck });
  if (!merged.ok) throw new Error(merged.reason);
  return merged.values;
}

/** Median squared MMD of `draws` sets of n i.i.d. samples of the target (seeded): the yardstick of random placement. */
export function iidMmd2(target: Target, mmd: MmdMetric, n: number, draws: number, seed: number): number {
  const sample = targetSampler(target);
  const rng = createRng(seed);
  const values = Array.from({ length: draws }, () => mmd.evaluate(sample(n, rng))).sort((a, b) => a - b);
  return values[draws >> 1];
}

/** Runs one law on one scenario with its robot count (see withRobots). */
export function runLaw(bench: BenchScenario, algorithm: CoverageAlgorithm, settings: RunSettings): LawRun {
  const s = bench.scenario;
  const target = scenarioTarget(s);
  const initial = initialPositions(s, target);
  const n = initial.length >> 1;
  const values = runParameters(s, algorithm);
  const law = new TimedLaw(createLaw(target, lawSettings(values)));
  const controller = new CoverageController(robotNames(values), law, controllerSettings(values));
  const kinematics = new SwarmKinematics(initial, { drive: 'holonomic', walls: s.domain });
  const mmd = new MmdMetric(target, s.metrics.mmdBandwidth);
  const rate = values.rate as number;
  const duration = settings.duration ?? s.sim.duration;
  const ticks = Math.round(duration * rate);
  const sampleEvery = Math.max(1, Math.round(settings.samplePeriod * rate));
  const samples: MmdSample[] = [{ t: 0, mmd2: mmd.evaluate(initial) }];
  const tickMs: number[] = [];
  const before = initial.slice();
  const now = new Float64Array(2 * n);
  let pathLength = 0;
  closedLoop(controller, kinematics, rate, ticks, (k, _r, ms) => {
    tickMs.push(ms);
    kinematics.positions(now);
    for (let i = 0; i < n; i++) pathLength += Math.hypot(now[2 * i] - before[2 * i], now[2 * i + 1] - before[2 * i + 1]);
    before.set(now);
    if ((k + 1) % sampleEvery === 0 || k === ticks - 1) samples.push({ t: (k + 1) / rate, mmd2: mmd.evaluate(now) });
  });
  const final = kinematics.positions();
  const t90 = timeTo90(samples, duration);
  const yardstick = new BlobField(target, { epsilon: autoEpsilon(s.domain, n), diffusivity: 1 });
  return {
    scenario: bench.name,
    robots: n,
    algorithm,
    initialMmd2: samples[0].mmd2,
    mmd2: samples[samples.length - 1].mmd2,
    energy: yardstick.energy(final),
    lloydCost: new LloydCost(target).evaluate(final),
    pathLength,
    t90,
    tickMs: mean(tickMs.slice(1)),
    lawMs: mean(law.ms.slice(1)),
  };
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}
