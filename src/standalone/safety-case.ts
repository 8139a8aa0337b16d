/**
 * Adversarial safety runs: a swarm driven into a target too tight for it, with parameters drawn from what the
 * controller's schema accepts, through the real controller node and the simulator on one in-process bus. The
 * simulator steps at a multiple of the control rate (so each command acts from its tick, as on a robot that
 * receives it at once) and every pair's distance is checked at every physics step. Shared by the property test and
 * `scripts/safety-sweep.ts`.
 */
import type { Logger } from '../node/interface.js';
import { createRng } from '../engine/random.js';
import { parseScenario } from '../scenario/scenario.js';
import { createStandalone } from './run.js';
import type { StandaloneSession } from './run.js';

/** How the robots start. */
export type SafetyStart = 'grid' | 'coincident' | 'overlap';

/** One run's parameters (controller parameters by their schema names where they are ones). */
export interface SafetyCase {
  readonly seed: number;
  readonly drive: 'holonomic' | 'diff_drive';
  readonly count: number;
  readonly rate: number;
  readonly safety_gain: number;
  readonly max_linear_speed: number;
  readonly max_angular_speed: number;
  readonly max_linear_accel: number;
  readonly max_angular_accel: number;
  readonly lookahead: number;
  readonly cmd_timeout: number;
  readonly robot_radius: number;
  readonly safety_clearance: number;
  /** Simulator pose latency and its jitter, s. */
  readonly pose_delay: number;
  readonly pose_delay_jitter: number;
  readonly start: SafetyStart;
  /** A square obstacle between the start and the target. */
  readonly obstacle: boolean;
  /** Standard deviation of the Gaussian target, m. */
  readonly sigma: number;
  /** Simulated seconds. */
  readonly duration: number;
}

/** What a run measured. */
export interface SafetyOutcome {
  readonly minSeparation: number;
  /** Smallest distance between two robots over the run, m. */
  readonly closestPair: number;
  /**
   * Largest shortfall of a pair below min(minimum separation, its distance at the start), m: a barrier that is met
   * is never broken and a violated one never worsens when this is 0.
   */
  readonly worstPairShortfall: number;
  /**
   * Largest shortfall below the minimum separation of a pair that had it (at the start or since), m: the barrier
   * guarantee (a separation that is met is never lost).
   */
  readonly worstBreach: number;
  /** When and between which robots the worst breach happened (time -1: none). */
  readonly breachAt: { readonly time: number; readonly i: number; readonly j: number };
  /** Largest shortfall of a centre below robot_radius + clearance from an obstacle edge, m (0 without obstacle). */
  readonly worstObstacleShortfall: number;
  /** Physics steps at which some centre was inside the obstacle. */
  readonly insideObstacle: number;
  /** Closest pair at the end, m (after recovery from overlapping starts). */
  readonly finalClosestPair: number;
  /** Mean distance of the robots to the target's centre at the start and at the end, m. */
  readonly startSpread: number;
  readonly endSpread: number;
  /** Controller ticks, and robot-ticks whose command the safety layer took over from the acceleration limiter. */
  readonly ticks: number;
  readonly overrides: number;
}

/** log-uniform in [a, b]. */
function logUniform(u: number, a: number, b: number): number {
  return a * Math.pow(b / a, u);
}

/**
 * A random case within the controller schema's ranges: rate 1..100 Hz, safety_gain 0.01..100 1/s, speeds up to
 * the schema's maxima (20 m/s, 50 rad/s), accelerations 0.05..100 m/s^2, command timeouts 0.05..1 s, pose latency
 * up to 0.3 s with jitter, either drive, and a start on a grid, with a third of the swarm on one point, or packed.
 */
export function randomSafetyCase(seed: number, o: { count?: number; duration?: number } = {}): SafetyCase {
  const rng = createRng(seed);
  const u = (): number => rng.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];
  const robotRadius = 0.02 + 0.04 * u();
  return {
    seed,
    drive: pick(['holonomic', 'diff_drive'] as const),
    count: o.count ?? 24,
    rate: pick([1, 2, 5, 10, 20, 50, 100, Math.round(logUniform(u(), 1, 100))]),
    safety_gain: pick([0.5, 2, 15, 100, logUniform(u(), 0.01, 100)]),
    max_linear_speed: pick([0.22, 2, 20, logUniform(u(), 0.05, 20)]),
    max_angular_speed: pick([2.84, 50, logUniform(u(), 0.5, 50)]),
    max_linear_accel: pick([1, 100, logUniform(u(), 0.05, 100)]),
    max_angular_accel: logUniform(u(), 0.5, 500),
    lookahead: logUniform(u(), 0.02, 0.5),
    cmd_timeout: pick([0.5, logUniform(u(), 0.05, 1)]),
    robot_radius: robotRadius,
    safety_clearance: 0.03 * u(),
    pose_delay: pick([0, 0, 0.02, 0.1 * u(), 0.3 * u()]),
    pose_delay_jitter: pick([0, 0, 0.05 * u()]),
    start: pick(['grid', 'grid', 'coincident', 'overlap'] as const),
    obstacle: u() < 0.4,
    sigma: 0.08 + 0.15 * u(),
    duration: o.duration ?? 8,
  };
}

const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });
const DOMAIN = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
/** The obstacle of the cases that have one: a square between the start corner and the target. */
const OBSTACLE: [number, number][] = [[-0.05, -0.05], [0.2, -0.05], [0.2, 0.2], [-0.05, 0.2]];

/** Start positions of a case (interleaved x, y), in the lower-left corner, clear of the obstacle. */
function startPositions(c: SafetyCase): [number, number][] {
  const rng = createRng(c.seed ^ 0x9e3779b9);
  const d = 2 * c.robot_radius + c.safety_clearance;
  const edge = c.robot_radius + c.safety_clearance;
  const spacing = d + 0.01;
  const perRow = Math.ceil(Math.sqrt(c.count));
  const out: [number, number][] = [];
  const x0 = DOMAIN.xmin + edge + 0.02;
  const y0 = DOMAIN.ymin + edge + 0.02;
  for (let k = 0; k < c.count; k++) out.push([x0 + spacing * (k % perRow), y0 + spacing * Math.floor(k / perRow)]);
  if (c.start === 'coincident') {
    const at = out[Math.floor(c.count / 2)];
    for (let k = 0; k < Math.floor(c.count / 3); k++) out[k] = [at[0], at[1]];
  } else if (c.start === 'overlap') {
    const side = 0.5 * d * perRow;
    for (let k = 0; k < c.count; k++) out[k] = [x0 + side * rng.next(), y0 + side * rng.next()];
  }
  return out;
}

/** Runs one case and measures it (see SafetyOutcome); `onStep` sees the session after every physics step. */
export function runSafetyCase(c: SafetyCase, onStep?: (s: StandaloneSession, time: number) => void): SafetyOutcome {
  const positions = startPositions(c);
  const rng = createRng(c.seed ^ 0x85ebca6b);
  const centre: [number, number] = [0.4 + 0.3 * (rng.next() - 0.5), 0.4 + 0.3 * (rng.next() - 0.5)];
  const target = { type: 'mixture', components: [{ type: 'gaussian', mean: centre, sigma: c.sigma }] };
  const obstacles = c.obstacle ? { polygons: [OBSTACLE] } : undefined;
  const scenario = parseScenario(
    { domain: DOMAIN, target, ...(obstacles ? { obstacles } : {}), robots: { count: c.count, radius: c.robot_radius, clearance: c.safety_clearance, initial: { type: 'positions', positions } } },
    () => {
      throw new Error('no maps');
    },
  );
  const yaw = new Float64Array(c.count).map(() => 2 * Math.PI * rng.next());
  // The simulator steps at a multiple of the control rate, and ticks first at equal times: a command acts from its
  // tick on, as on a robot that receives it at once.
  const simRate = c.rate * Math.ceil(50 / c.rate);
  const s = createStandalone({
    scenario,
    scenarioPath: '',
    drive: c.drive,
    logger: quiet,
    initialYaw: yaw,
    simulator: { rate: simRate, cmd_timeout: c.cmd_timeout, pose_delay: c.pose_delay, pose_delay_jitter: c.pose_delay_jitter, seed: c.seed },
    controller: {
      target: JSON.stringify({ domain: DOMAIN, target, ...(obstacles ? { obstacles } : {}) }),
      rate: c.rate,
      safety_gain: c.safety_gain,
      max_linear_speed: c.max_linear_speed,
      max_angular_speed: c.max_angular_speed,
      max_linear_accel: c.max_linear_accel,
      max_angular_accel: c.max_angular_accel,
      lookahead: c.lookahead,
      cmd_timeout: c.cmd_timeout,
    },
  });
  let ticks = 0;
  let overrides = 0;
  s.controller.onTick = (r) => {
    ticks++;
    overrides += r.safetyOverrides;
  };
  const n = c.count;
  const d = 2 * c.robot_radius + c.safety_clearance;
  const dEdge = c.robot_radius + c.safety_clearance;
  const floor = new Float64Array((n * (n - 1)) / 2);
  const pairMin = new Float64Array(floor.length).fill(Infinity);
  // 1 once a pair has been at least the minimum separation apart (up to round-off).
  const met = new Uint8Array(floor.length);
  let worstBreach = 0;
  let breachAt = { time: -1, i: -1, j: -1 };
  const p0 = s.sim.positions();
  for (let i = 0, k = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      floor[k] = Math.min(d, Math.hypot(p0[2 * i] - p0[2 * j], p0[2 * i + 1] - p0[2 * j + 1]));
      met[k] = floor[k] >= d - 1e-9 ? 1 : 0;
    }
  }
  const obstacleMap = s.target.obstacles;
  let worstObstacle = 0;
  let inside = 0;
  let closest = Infinity;
  let finalClosest = Infinity;
  const spread = (p: Float64Array): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.hypot(p[2 * i] - centre[0], p[2 * i + 1] - centre[1]);
    return sum / n;
  };
  const steps = Math.round(c.duration * simRate);
  for (let step = 1; step <= steps; step++) {
    s.clock.advanceTo(step / simRate);
    onStep?.(s, step / simRate);
    const p = s.sim.positions();
    finalClosest = Infinity;
    for (let i = 0, k = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++, k++) {
        const dist = Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]);
        if (dist < pairMin[k]) pairMin[k] = dist;
        if (met[k] && d - dist > worstBreach) [worstBreach, breachAt] = [d - dist, { time: step / simRate, i, j }];
        if (dist >= d - 1e-9) met[k] = 1;
        if (dist < finalClosest) finalClosest = dist;
      }
      if (c.obstacle) {
        if (obstacleMap.contains(p[2 * i], p[2 * i + 1])) inside++;
        worstObstacle = Math.max(worstObstacle, dEdge - obstacleMap.distanceToEdge(p[2 * i], p[2 * i + 1], 2 * dEdge));
      }
    }
    closest = Math.min(closest, finalClosest);
  }
  let worstPair = 0;
  for (let k = 0; k < floor.length; k++) worstPair = Math.max(worstPair, floor[k] - pairMin[k]);
  return {
    minSeparation: d,
    closestPair: closest,
    worstPairShortfall: worstPair,
    worstBreach,
    breachAt,
    worstObstacleShortfall: worstObstacle,
    insideObstacle: inside,
    finalClosestPair: finalClosest,
    startSpread: spread(p0),
    endSpread: spread(s.sim.positions()),
    ticks,
    overrides,
  };
}
