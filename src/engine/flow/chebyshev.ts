import type { Box, Positions } from '../target/geometry.js';
import type { Flow, StepResult } from './integrator.js';
import { reflectInto } from './integrator.js';
import { mobility } from './mobility.js';
import type { Metric } from './preconditioner.js';

/** Options of the Runge-Kutta-Chebyshev integrator. */
export interface ChebyshevOptions {
  /** Robots are kept inside this box (a step across a wall is reflected). */
  readonly domain: Box;
  /**
   * Largest displacement per step of all but the fastest 1% of robots, as a fraction of the flow's length. Default
   * 0.5. The fastest robot moves at most four times that.
   */
  readonly stepFraction?: number;
  /** Optional speed limit in m/s, applied per robot keeping the direction. */
  readonly maxSpeed?: number;
  /**
   * Speed scale vmax (m/s) of the mobility M = 1 / (1 + |v| / vmax) (see mobility.ts): every robot moves at M |v| <
   * vmax, still a gradient flow of the same energy. Default Infinity (M = 1: the plain flow).
   */
  readonly mobilitySpeed?: number;
  /**
   * Largest displacement per step (m) of all but the fastest 1% of robots; the fastest moves at most four times that.
   * Default stepFraction x the flow's length. With a mobility the speeds are bounded, and `run` sets this to
   * vmax x maxStep (no displacement bound below the longest step: the step no longer shrinks with eps).
   */
  readonly stepLength?: number;
  /**
   * A metric G (symmetric positive definite) the robots follow, x' = G v: the fine-scale preconditioner
   * (preconditioner.ts) slows the eps-scale modes so that the stage count no longer grows with N. The mobility, if
   * any, is folded into it as a resistance 1 / M per robot. Default none.
   */
  readonly metric?: Metric;
  /** Largest time step, s. Default 0.1. */
  readonly maxStep?: number;
  /** Most stages per step. Default 64. */
  readonly maxStages?: number;
  /** Damping eta of the Chebyshev polynomial (more: stiff modes shrink faster per step, fewer steps fit). Default 0.3. */
  readonly damping?: number;
}

/** What one accepted step did, with the stabilized step's own figures. */
export interface ChebyshevStepResult extends StepResult {
  /** Stages (field evaluations) of the accepted step. */
  readonly stages: number;
  /** Estimated spectral radius of the flow's Jacobian (the fastest mode's rate), 1/s. */
  readonly stiffness: number;
  /** Field evaluations this call made, stages, estimates and rejected attempts included. */
  readonly evaluations: number;
}

/** Safety factor on the estimated spectral radius. */
export const STIFFNESS_MARGIN = 1.25;
/** Default longest step, s. */
export const DEFAULT_MAX_STEP = 0.1;
/** Default damping of the Chebyshev polynomial. */
export const DEFAULT_DAMPING = 0.3;
const MARGIN = STIFFNESS_MARGIN;
/** Attempts per step before a step that cannot lower the energy is taken as a stationary point. */
const MAX_ATTEMPTS = 6;

/**
 * A stabilized explicit integrator for gradient flows: the damped first-order Runge-Kutta-Chebyshev method (van der
 * Houwen and Sommeijer 1980; Verwer et al. 1990). An s-stage step is stable for every mode whose rate lambda satisfies
 * lambda dt <= beta(s) ~ 2 s^2 (eta small), against lambda dt <= 2 for explicit Euler, so the number of field
 * evaluations per simulated second falls from ~lambda to ~sqrt(lambda / dt). The blob flow is stiff: its fastest
 * modes are robots rearranging at the scale of eps, at a rate ~ D / eps^2 that grows like N, while coverage moves at
 * the scale of the domain; Euler had to follow the fast modes, this integrator damps them and takes steps sized for
 * the slow ones.
 *
 * The spectral radius comes from a nonlinear power iteration on finite differences of the velocity (warm-started from
 * the previous step's vector, one iteration per step). dt is the smallest of maxStep, the time asked for, and the time
 * in which the fastest robot moves stepFraction x the flow's length; the stage count is the smallest s with
 * beta(s) >= margin x lambda dt (dt shrinks if that needs more than maxStages). A step that would raise the energy is
 * rejected and retried with a doubled stiffness estimate and half the step (six times at most; then the swarm is at a
 * stationary point to round-off and stays put), so the energy never increases.
 */
export class ChebyshevIntegrator {
  private readonly flow: Flow;
  private readonly domain: Box;
  private readonly fraction: number;
  private readonly maxSpeed: number;
  private readonly mobilitySpeed: number;
  private readonly reach: number;
  private readonly metric: Metric | undefined;
  private readonly maxStep: number;
  private readonly maxStages: number;
  private readonly damping: number;
  /** Last spectral radius estimate, 1/s (0: none yet). */
  stiffness = 0;
  private power: Float64Array = new Float64Array(0);
  private v0: Float64Array = new Float64Array(0);
  private v: Float64Array = new Float64Array(0);
  private y1: Float64Array = new Float64Array(0);
  private y2: Float64Array = new Float64Array(0);
  private y3: Float64Array = new Float64Array(0);
  private speeds: Float64Array = new Float64Array(0);
  private resistance: Float64Array = new Float64Array(0);
  private stepsSinceEstimate = 0;

  constructor(flow: Flow, options: ChebyshevOptions) {
    this.flow = flow;
    this.domain = options.domain;
    this.fraction = options.stepFraction ?? 0.5;
    this.maxSpeed = options.maxSpeed ?? Infinity;
    this.mobilitySpeed = options.mobilitySpeed ?? Infinity;
    this.reach = options.stepLength ?? this.fraction * flow.length;
    this.metric = options.metric;
    this.maxStep = options.maxStep ?? DEFAULT_MAX_STEP;
    this.maxStages = options.maxStages ?? 64;
    this.damping = options.damping ?? DEFAULT_DAMPING;
    if (!(this.fraction > 0 && this.fraction <= 4)) throw new Error(`stepFraction must be in (0, 4], got ${this.fraction}`);
    if (!(this.maxSpeed > 0)) throw new Error(`maxSpeed must be positive, got ${this.maxSpeed}`);
    if (!(this.mobilitySpeed > 0)) throw new Error(`mobilitySpeed must be positive, got ${this.mobilitySpeed}`);
    if (!(this.reach > 0 && this.reach < Infinity)) throw new Error(`stepLength must be positive and finite, got ${this.reach}`);
    if (!(this.maxStep > 0)) throw new Error(`maxStep must be positive, got ${this.maxStep}`);
    if (!(Number.isInteger(this.maxStages) && this.maxStages >= 1 && this.maxStages <= 1000)) throw new Error(`maxStages must be an integer in [1, 1000], got ${this.maxStages}`);
    if (!(this.damping >= 0 && this.damping <= 10)) throw new Error(`damping must be in [0, 10], got ${this.damping}`);
  }

  /** Velocities at `p` into `out` with the wall projection, the mobility and the speed limit; returns the energy. */
  private velocity(p: Positions, out: Float64Array): number {
    const e = this.flow.evaluate(p, out);
    const { xmin, xmax, ymin, ymax } = this.domain;
    const cap = this.maxSpeed;
    const vm = this.mobilitySpeed;
    const metric = this.metric;
    if (metric) {
      // x' = (R + beta L)^-1 v with R = diag(1 / M(|v_i|)): the mobility folded into the metric (symmetric positive
      // definite, and diagonally dominant, so speeds stay below vmax up to the inner solve's residual).
      const res = this.resistance;
      for (let i = 0; i < out.length; i += 2) res[i >> 1] = vm === Infinity ? 1 : 1 / mobility(Math.sqrt(out[i] * out[i] + out[i + 1] * out[i + 1]), vm);
      metric.apply(out, res);
    }
    for (let i = 0; i < out.length; i += 2) {
      // Projected flow: a robot on a wall keeps only the part of its velocity that does not leave the box.
      if ((p[i] <= xmin && out[i] < 0) || (p[i] >= xmax && out[i] > 0)) out[i] = 0;
      if ((p[i + 1] <= ymin && out[i + 1] < 0) || (p[i + 1] >= ymax && out[i + 1] > 0)) out[i + 1] = 0;
      if (vm !== Infinity && !metric) {
        const m = mobility(Math.sqrt(out[i] * out[i] + out[i + 1] * out[i + 1]), vm);
        out[i] *= m;
        out[i + 1] *= m;
      }
      if (cap !== Infinity) {
        const s = Math.sqrt(out[i] * out[i] + out[i + 1] * out[i + 1]);
        if (s > cap) {
          out[i] *= cap / s;
          out[i + 1] *= cap / s;
        }
      }
    }
    return e;
  }

  private ensure(n: number): void {
    if (this.v0.length === n) return;
    for (const k of ['power', 'v0', 'v', 'y1', 'y2', 'y3'] as const) this[k] = new Float64Array(n);
    this.speeds = new Float64Array(n >> 1);
    this.resistance = new Float64Array(n >> 1);
    this.stiffness = 0;
  }

  /**
   * Nonlinear power iteration for the spectral radius of the velocity's Jacobian at `p` (velocity v0 there): `iterations`
   * finite differences along the running vector, perturbing every robot by ~1e-4 of the flow's length. Returns the
   * evaluations used.
   */
  private estimate(p: Positions, iterations: number): number {
    const w = this.power;
    const n = p.length >> 1;
    let norm = 0;
    for (let i = 0; i < w.length; i++) norm += w[i] * w[i];
    if (!(norm > 0)) {
      // First estimate: start from the velocity plus a deterministic alternating pattern (it excites the fast modes).
      for (let i = 0; i < w.length; i++) w[i] = this.v0[i] + (((i >> 1) * 7919 + (i & 1) * 104729) % 17 - 8) * 1e-3;
      norm = 0;
      for (let i = 0; i < w.length; i++) norm += w[i] * w[i];
    }
    const delta = 1e-4 * this.flow.length * Math.sqrt(n);
    const y = this.y3;
    const fv = this.v;
    let lambda = this.stiffness;
    for (let it = 0; it < iterations; it++) {
      const k = delta / Math.sqrt(norm);
      for (let i = 0; i < y.length; i++) y[i] = p[i] + k * w[i];
      this.velocity(y, fv);
      norm = 0;
      for (let i = 0; i < w.length; i++) {
        const d = fv[i] - this.v0[i];
        w[i] = d;
        norm += d * d;
      }
      if (!(norm > 0)) break;
      lambda = Math.sqrt(norm) / delta;
    }
    if (lambda > 0) this.stiffness = lambda;
    return iterations;
  }

  /** Advances `positions` in place by at most `maxDt` seconds. */
  step(positions: Positions, maxDt: number): ChebyshevStepResult {
    this.ensure(positions.length);
    const n = positions.length >> 1;
    const v0 = this.v0;
    this.metric?.prepare(positions);
    const e0 = this.velocity(positions, v0);
    let evaluations = 1;
    let vmax = 0;
    let vsum = 0;
    const speeds = this.speeds;
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt(v0[2 * i] * v0[2 * i] + v0[2 * i + 1] * v0[2 * i + 1]);
      speeds[i] = s;
      if (s > vmax) vmax = s;
      vsum += s;
    }
    const meanSpeed = n ? vsum / n : 0;
    if (maxDt <= 0 || vmax === 0) return { dt: Math.max(0, Math.min(maxDt, this.maxStep)), energy: e0, maxSpeed: vmax, meanSpeed, stages: 0, stiffness: this.stiffness, evaluations };
    // One power iteration per step keeps the estimate current; ten at the first step.
    evaluations += this.estimate(positions, this.stiffness > 0 ? 1 : 10);
    this.stepsSinceEstimate = 0;
    // Accuracy: the bulk of the swarm moves at most stepFraction x the length per step. A lone robot in a near-empty
    // region can be much faster than the rest while its velocity changes only on the target's scale (its neighbours
    // are far): it may move up to four times as far, so that one straggler does not set everybody's step.
    speeds.sort();
    const v99 = speeds[Math.min(n - 1, Math.floor(0.99 * n))];
    const reach = this.reach;
    let dt = Math.min(maxDt, this.maxStep, (4 * reach) / vmax, v99 > 0 ? reach / v99 : Infinity);
    let lambda = MARGIN * this.stiffness;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let s = stagesFor(lambda * dt, this.damping);
      if (s > this.maxStages) {
        s = this.maxStages;
        dt = Math.min(dt, stabilityBound(s, this.damping) / lambda);
      }
      this.chebyshevStep(positions, dt, s);
      evaluations += s - 1;
      const e1 = this.flow.energy(this.y1);
      evaluations += 0.5;
      if (e1 <= e0 + 1e-13 * Math.abs(e0)) {
        positions.set(this.y1);
        return { dt, energy: e1, maxSpeed: vmax, meanSpeed, stages: s, stiffness: this.stiffness, evaluations };
      }
      // The estimate was too low, or the step too long for the nonlinearity: a shorter step with a safer stiffness
      // (the stage count stays about the same, so a stuck step costs no more than a few ordinary ones).
      lambda *= 2;
      dt *= 0.5;
    }
    // At a stationary point to round-off (every energy change is below 1e-13 of it): stay put.
    return { dt: Math.min(maxDt, this.maxStep), energy: e0, maxSpeed: vmax, meanSpeed, stages: 0, stiffness: this.stiffness, evaluations };
  }

  /** One s-stage damped RKC1 step of length dt from `positions` (velocity v0 there) into y1. */
  private chebyshevStep(positions: Positions, dt: number, s: number): void {
    const w0 = 1 + this.damping / (s * s);
    const { t: ts, dt: dts } = chebyshev(s, w0);
    const w1 = ts / dts;
    const { xmin, xmax, ymin, ymax } = this.domain;
    // Y_{j-2}, Y_{j-1}, Y_j rotate through prev, cur, next.
    let prev = this.y2;
    let cur = this.y1;
    let next = this.y3;
    prev.set(positions);
    const mu1 = w1 / w0;
    for (let i = 0; i < cur.length; i += 2) {
      cur[i] = reflectInto(positions[i] + mu1 * dt * this.v0[i], xmin, xmax);
      cur[i + 1] = reflectInto(positions[i + 1] + mu1 * dt * this.v0[i + 1], ymin, ymax);
    }
    // b_j = 1 / T_j(w0)
    let tjm2 = 1;
    let tjm1 = w0;
    const v = this.v;
    for (let j = 2; j <= s; j++) {
      const tj = 2 * w0 * tjm1 - tjm2;
      const mu = (2 * w0 * tjm1) / tj; // 2 w0 b_j / b_{j-1}
      const nu = -tjm2 / tj; // -b_j / b_{j-2}
      const mut = (2 * w1 * tjm1) / tj; // 2 w1 b_j / b_{j-1}
      this.velocity(cur, v);
      for (let i = 0; i < next.length; i += 2) {
        next[i] = reflectInto(mu * cur[i] + nu * prev[i] + mut * dt * v[i], xmin, xmax);
        next[i + 1] = reflectInto(mu * cur[i + 1] + nu * prev[i + 1] + mut * dt * v[i + 1], ymin, ymax);
      }
      const t = prev;
      prev = cur;
      cur = next;
      next = t;
      tjm2 = tjm1;
      tjm1 = tj;
    }
    if (cur !== this.y1) this.y1.set(cur);
  }
}

/** T_s(w0) and T_s'(w0) by the three-term recurrences. */
export function chebyshev(s: number, w0: number): { t: number; dt: number } {
  let t0 = 1;
  let t1 = w0;
  let d0 = 0;
  let d1 = 1;
  if (s === 0) return { t: 1, dt: 0 };
  for (let j = 2; j <= s; j++) {
    const t2 = 2 * w0 * t1 - t0;
    const d2 = 2 * t1 + 2 * w0 * d1 - d0;
    t0 = t1;
    t1 = t2;
    d0 = d1;
    d1 = d2;
  }
  return { t: t1, dt: d1 };
}

/** beta(s): the s-stage damped RKC1 step is stable for lambda dt in [0, beta(s)]. */
export function stabilityBound(s: number, damping: number): number {
  const w0 = 1 + damping / (s * s);
  const { t, dt } = chebyshev(s, w0);
  return ((1 + w0) * dt) / t;
}

/** The fewest stages whose stability interval holds `z` = lambda dt. */
export function stagesFor(z: number, damping: number): number {
  let s = Math.max(1, Math.ceil(Math.sqrt(z / 2)));
  while (stabilityBound(s, damping) < z) s++;
  return s;
}
