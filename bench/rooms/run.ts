/**
 * One room run: a scenario, a swarm size, a drive and a law, through the coverage controller (the law, the speed and
 * acceleration limits, the safety filter, as the controller node runs them) against holonomic or differential-drive
 * kinematics on simulated time. Deterministic except for the compute times.
 */
import { CoverageController } from '../../src/control/controller.js';
import { controllerSettings, lawSettings } from '../../src/control/controller-node.js';
import { createLaw } from '../../src/control/laws/laws.js';
import { minSeparation } from '../../src/control/safety/safety.js';
import { MmdMetric, nearestNeighbourStats } from '../../src/engine/metrics/metrics.js';
import { robotNames } from '../../src/params/common.js';
import { CONTROLLER_SCHEMA, controllerCrossCheck } from '../../src/params/controller.js';
import type { ParamValues } from '../../src/params/schema.js';
import { applyUpdates, defaults } from '../../src/params/schema.js';
import { scenarioControllerParameters } from '../../src/scenario/controller-params.js';
import type { CoverageAlgorithm, Scenario } from '../../src/scenario/scenario.js';
import { initialPositions, scenarioRobots, scenarioTarget } from '../../src/scenario/setup.js';
import type { DriveKind } from '../../src/sim/kinematics.js';
import { SwarmKinematics } from '../../src/sim/kinematics.js';
import type { MmdSample } from '../closed-loop.js';
import { closedLoop, timeTo90 } from '../closed-loop.js';
import { HighDensityDistance, robotsInObstacles } from './metrics.js';

/** What one room run measured. */
export interface RoomRun {
  readonly scenario: string;
  readonly robots: number;
  readonly drive: DriveKind;
  readonly algorithm: CoverageAlgorithm;
  readonly initialMmd2: number;
  /** Squared MMD to the target (restricted to free space) at the end. */
  readonly mmd2: number;
  /** First sample time with MMD^2 <= final + 0.1 (initial - final), s. */
  readonly t90: number;
  /** Median geodesic distance of the robots to the target's high-density region at the end, m. */
  readonly medianDistance: number;
  /** Robot-samples (every tick) with a centre in an obstacle or outside the domain. */
  readonly inObstacle: number;
  /** Smallest centre distance between two robots over the run, m, and the separation the safety layer keeps. */
  readonly closestPair: number;
  readonly minSeparation: number;
  /** Mean fraction of the live robots whose command was cut by a speed limit. */
  readonly saturated: number;
  /** Mean wall time of a control tick, ms (the first excluded). */
  readonly tickMs: number;
  /** Start and final positions, and every robot's position once a second (for the pictures). */
  readonly initial: Float64Array;
  readonly final: Float64Array;
  readonly trail: Float64Array[];
}

/** The settings every run shares. */
export interface RoomSettings {
  /** Simulated seconds between MMD samples (the resolution of t90). */
  readonly samplePeriod: number;
  /** Simulated duration, s (default: the scenario's). */
  readonly duration?: number;
  /** Differential drive: steer by the guide (src/control/guide.ts; default true), or by the law's velocity. */
  readonly guide?: boolean;
}

/** The scenario with n robots. */
export function withCount(s: Scenario, n: number): Scenario {
  return { ...s, robots: { ...scenarioRobots(s), count: n } };
}

/** Controller parameters of a run: defaults, the scenario's, then the count, drive and law under test. */
export function roomParameters(s: Scenario, algorithm: CoverageAlgorithm, drive: DriveKind): ParamValues {
  const updates = { robot_count: scenarioRobots(s).count, ...scenarioControllerParameters(s), algorithm, drive };
  const merged = applyUpdates(CONTROLLER_SCHEMA, defaults(CONTROLLER_SCHEMA), updates, { live: false, crossCheck: controllerCrossCheck });
  if (!merged.ok) throw new Error(merged.reason);
  return merged.values;
}

/** Runs one law with one drive on one scenario (its robot count). */
export function runRoom(name: string, s: Scenario, algorithm: CoverageAlgorithm, drive: DriveKind, settings: RoomSettings, hdr?: HighDensityDistance): RoomRun {
  const target = scenarioTarget(s);
  const initial = initialPositions(s, target);
  const n = initial.length >> 1;
  const values = roomParameters(s, algorithm, drive);
  const law = createLaw(target, lawSettings(values));
  const cs = { ...controllerSettings(values), guide: settings.guide ?? true };
  const controller = new CoverageController(robotNames(values), law, cs);
  const kinematics = new SwarmKinematics(initial, { drive, walls: s.domain });
  const mmd = new MmdMetric(target, s.metrics.mmdBandwidth);
  const distance = hdr ?? new HighDensityDistance(target, 0.05);
  const rate = values.rate as number;
  const duration = settings.duration ?? s.sim.duration;
  const ticks = Math.round(duration * rate);
  const sampleEvery = Math.max(1, Math.round(settings.samplePeriod * rate));
  const samples: MmdSample[] = [{ t: 0, mmd2: mmd.evaluate(initial) }];
  const trail: Float64Array[] = [initial.slice()];
  let inObstacle = robotsInObstacles(target, initial);
  let closest = nearestNeighbourStats(initial).min;
  let saturated = 0;
  let tickMs = 0;
  const p = new Float64Array(2 * n);
  closedLoop(controller, kinematics, rate, ticks, (k, r, ms) => {
    if (k > 0) tickMs += ms;
    saturated += r.live ? r.saturated / r.live : 0;
    kinematics.positions(p);
    inObstacle += robotsInObstacles(target, p);
    closest = Math.min(closest, nearestNeighbourStats(p).min);
    if ((k + 1) % sampleEvery === 0 || k === ticks - 1) samples.push({ t: (k + 1) / rate, mmd2: mmd.evaluate(p) });
    if ((k + 1) % rate === 0) trail.push(p.slice());
  });
  return {
    scenario: name,
    robots: n,
    drive,
    algorithm,
    initialMmd2: samples[0].mmd2,
    mmd2: samples[samples.length - 1].mmd2,
    t90: timeTo90(samples, duration),
    medianDistance: distance.median(p),
    inObstacle,
    closestPair: closest,
    minSeparation: minSeparation(cs.safety),
    saturated: saturated / ticks,
    tickMs: tickMs / Math.max(1, ticks - 1),
    initial,
    final: p.slice(),
    trail,
  };
}
