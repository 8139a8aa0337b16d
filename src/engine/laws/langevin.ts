import type { Box, Positions } from '../target/geometry.js';
import { boxArea } from '../target/geometry.js';
import { makeGrid } from '../field/grid.js';
import type { StepResult } from '../flow/integrator.js';
import { reflectInto } from '../flow/integrator.js';
import type { Rng } from '../random.js';
import { createRng } from '../random.js';
import type { Target } from '../target/target.js';

/**
 * Default diffusivity of the Langevin law, m^2/s. Measured through the controller at its default limits (0.22 m/s,
 * 1 m/s^2, 10 Hz) on the five comparison scenarios (`npm run bench:coverage`), N = 25, 100, 400, for D from 5e-4 to
 * 1: the final squared MMD falls as D grows up to 0.02-0.1 and rises beyond (0.05: the best or within 30% of it in
 * 13 of the 15 cases). Its noise, sqrt(4 D / dt) = 1.4 m/s RMS at 10 Hz, is far above the speed limit: under real
 * limits the law is a speed-limited random walk biased up the density, which mixes faster than an unsaturated
 * one (D <= v_max^2 dt / 4 = 1.2e-3 m^2/s) but no longer samples rho_bar exactly.
 */
export const DEFAULT_LANGEVIN_DIFFUSIVITY = 0.05;

/** Options of the log-density gradient. */
export interface LogDensityGradientOptions {
  /** Node spacing, m. Default sqrt(|Omega|) / 200. */
  readonly spacing?: number;
  /** Standard deviation of the Gaussian that smooths rho_bar before the logarithm is taken, m. Default 2 spacing. */
  readonly smoothing?: number;
}

/**
 * grad log rho_s on a grid over the domain, with rho_s = phi_s * rho_bar: the target floored (so that the logarithm
 * is finite: obstacles and zero regions sit at the floor), smoothed by a Gaussian of width s with mirror walls (so
 * that the walls add no drift: reflecting, no-flux walls), then differentiated by central differences and
 * interpolated bilinearly. Smoothing keeps the gradient finite at the steps of a map image or an obstacle's edge
 * (|grad log rho_s| <= ~ log(peak / floor) / s there); the price is that the Langevin dynamics sample rho_s rather
 * than rho_bar, a bias of order s^2 in the variance of the target's features.
 */
export class LogDensityGradient {
  readonly smoothing: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly hx: number;
  private readonly hy: number;
  /** Coordinates of node (0, 0), the centre of the domain's lower-left cell. */
  private readonly x0: number;
  private readonly y0: number;
  private readonly gx: Float64Array;
  private readonly gy: Float64Array;

  constructor(target: Target, options: LogDensityGradientOptions = {}) {
    const d = target.domain;
    const spacing = options.spacing ?? Math.sqrt(boxArea(d)) / 200;
    this.smoothing = options.smoothing ?? 2 * spacing;
    if (!(spacing > 0) || !(this.smoothing > 0)) throw new Error(`spacing and smoothing must be positive, got ${spacing} and ${this.smoothing}`);
    const g = makeGrid(d, spacing, 0);
    const m = g.margin;
    const nx = g.nx - 2 * m;
    const ny = g.ny - 2 * m;
    this.nx = nx;
    this.ny = ny;
    this.hx = g.hx;
    this.hy = g.hy;
    this.x0 = d.xmin + 0.5 * g.hx;
    this.y0 = d.ymin + 0.5 * g.hy;
    // The gradient tables, once per target, spacing and smoothing.
    [this.gx, this.gy] = target.derived(`logGradient:${spacing}:${this.smoothing}`, () => {
      const { density, floor } = target.onGrid(g);
      const rho = new Float64Array(nx * ny);
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) rho[j * nx + i] = Math.max(density[(j + m) * g.nx + i + m], floor);
      const tmp = new Float64Array(nx * ny);
      smoothMirrored(rho, tmp, nx, ny, 1, nx, gaussianTaps(this.hx, this.smoothing));
      smoothMirrored(tmp, rho, ny, nx, nx, 1, gaussianTaps(this.hy, this.smoothing));
      for (let k = 0; k < rho.length; k++) rho[k] = Math.log(rho[k]);
      const gx = new Float64Array(nx * ny);
      const gy = new Float64Array(nx * ny);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          // Mirror walls: the node beyond a wall is the wall node itself.
          const l = rho[j * nx + mirror(i - 1, nx)];
          const r = rho[j * nx + mirror(i + 1, nx)];
          const b = rho[mirror(j - 1, ny) * nx + i];
          const t = rho[mirror(j + 1, ny) * nx + i];
          gx[j * nx + i] = (r - l) / (2 * this.hx);
          gy[j * nx + i] = (t - b) / (2 * this.hy);
        }
      }
      return [gx, gy] as const;
    });
  }

  /** Writes grad log rho_s (1/m) at each position into `out` (interleaved); positions are clamped into the domain. */
  evaluate(positions: Positions, out: Float64Array): void {
    const { nx, ny, gx, gy } = this;
    for (let p = 0; p < positions.length; p += 2) {
      let fx = (positions[p] - this.x0) / this.hx;
      let fy = (positions[p + 1] - this.y0) / this.hy;
      fx = fx < 0 ? 0 : fx > nx - 1 ? nx - 1 : fx;
      fy = fy < 0 ? 0 : fy > ny - 1 ? ny - 1 : fy;
      const i = Math.min(Math.floor(fx), Math.max(nx - 2, 0));
      const j = Math.min(Math.floor(fy), Math.max(ny - 2, 0));
      const tx = fx - i;
      const ty = fy - j;
      const i1 = Math.min(i + 1, nx - 1);
      const j1 = Math.min(j + 1, ny - 1);
      const k00 = j * nx + i;
      const k10 = j * nx + i1;
      const k01 = j1 * nx + i;
      const k11 = j1 * nx + i1;
      const w00 = (1 - tx) * (1 - ty);
      const w10 = tx * (1 - ty);
      const w01 = (1 - tx) * ty;
      const w11 = tx * ty;
      out[p] = w00 * gx[k00] + w10 * gx[k10] + w01 * gx[k01] + w11 * gx[k11];
      out[p + 1] = w00 * gy[k00] + w10 * gy[k10] + w01 * gy[k01] + w11 * gy[k11];
    }
  }
}

/** Options of the Langevin dynamics. */
export interface LangevinOptions {
  /** Diffusivity D, m^2/s. */
  readonly diffusivity: number;
  /** Seed of the Brownian increments. */
  readonly seed: number;
  readonly gradient?: LogDensityGradientOptions;
}

/**
 * Overdamped Langevin dynamics towards the target, dX = D grad log rho_bar dt + sqrt(2 D) dB, whose stationary
 * distribution is rho_bar (rho_s, see LogDensityGradient): each robot is an independent random walker biased up the
 * log density. As a velocity held for a control period dt:
 *
 *   v_i = D grad log rho_s(x_i) + sqrt(2 D / dt) xi_i,      xi_i ~ N(0, I_2) i.i.d., from one seeded stream,
 *
 * so that the displacement over the period is one Euler-Maruyama step. The noise speed grows as dt^(-1/2): a speed
 * limit v_max caps it, and for an unbiased stationary distribution sqrt(4 D / dt) (its RMS) should stay below v_max.
 */
export class LangevinDynamics {
  readonly diffusivity: number;
  readonly gradient: LogDensityGradient;
  private readonly rng: Rng;

  constructor(target: Target, options: LangevinOptions) {
    if (!(options.diffusivity > 0) || !Number.isFinite(options.diffusivity)) throw new Error(`Langevin diffusivity must be a positive number (m^2/s), got ${options.diffusivity}`);
    this.diffusivity = options.diffusivity;
    this.gradient = new LogDensityGradient(target, options.gradient);
    this.rng = createRng(options.seed);
  }

  /** Fills `velocities` (interleaved, m/s) for a command held `period` seconds; period 0 gives the drift alone. */
  velocities(positions: Positions, velocities: Float64Array, period: number): void {
    const D = this.diffusivity;
    this.gradient.evaluate(positions, velocities);
    const noise = period > 0 ? Math.sqrt((2 * D) / period) : 0;
    for (let k = 0; k < positions.length; k++) {
      velocities[k] *= D;
      if (noise > 0) velocities[k] += noise * this.rng.normal();
    }
  }
}

/** Options of the Langevin dynamics as a run's stepper. */
export interface LangevinStepperOptions extends LangevinOptions {
  /** Robots are kept inside this box (reflected at the walls). */
  readonly domain: Box;
  /** Optional speed limit, m/s, per robot keeping the direction. */
  readonly maxSpeed?: number;
  /** Largest time step, s. Default 0.05. */
  readonly maxStep?: number;
}

/**
 * The Langevin dynamics integrated by Euler-Maruyama for `blob-coverage run`, walls reflecting. There is no energy
 * that one sample of the swarm descends (the relative entropy of the swarm's law to the target decreases, not a
 * function of the positions): the step's energy is NaN.
 */
export class LangevinStepper {
  private readonly dynamics: LangevinDynamics;
  private readonly domain: Box;
  private readonly maxSpeed: number;
  private readonly maxStep: number;
  private velocities = new Float64Array(0);

  constructor(target: Target, options: LangevinStepperOptions) {
    this.dynamics = new LangevinDynamics(target, options);
    this.domain = options.domain;
    this.maxSpeed = options.maxSpeed ?? Infinity;
    this.maxStep = options.maxStep ?? 0.05;
  }

  /** Advances `positions` in place by min(maxDt, maxStep) seconds (a zero step measures the drift and moves nothing). */
  step(positions: Positions, maxDt: number): StepResult {
    if (this.velocities.length !== positions.length) this.velocities = new Float64Array(positions.length);
    const v = this.velocities;
    const dt = Math.max(0, Math.min(maxDt, this.maxStep));
    this.dynamics.velocities(positions, v, dt);
    const n = positions.length >> 1;
    const { xmin, xmax, ymin, ymax } = this.domain;
    let vmax = 0;
    let vsum = 0;
    for (let i = 0; i < n; i++) {
      let s = Math.hypot(v[2 * i], v[2 * i + 1]);
      if (s > this.maxSpeed) {
        v[2 * i] *= this.maxSpeed / s;
        v[2 * i + 1] *= this.maxSpeed / s;
        s = this.maxSpeed;
      }
      vmax = Math.max(vmax, s);
      vsum += s;
      positions[2 * i] = reflectInto(positions[2 * i] + dt * v[2 * i], xmin, xmax);
      positions[2 * i + 1] = reflectInto(positions[2 * i + 1] + dt * v[2 * i + 1], ymin, ymax);
    }
    return { dt, energy: Number.NaN, maxSpeed: vmax, meanSpeed: n ? vsum / n : 0 };
  }
}

/** Mirror index into [0, n): the node beyond a wall is its image inside (cell-centred nodes, walls half a cell out). */
function mirror(i: number, n: number): number {
  if (i < 0) i = -1 - i;
  if (i >= n) i = 2 * n - 1 - i;
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Normalized discrete Gaussian taps (sum 1) of width s on spacing h, out to 4 s. */
function gaussianTaps(h: number, s: number): Float64Array {
  const half = Math.max(1, Math.ceil((4 * s) / h));
  const taps = new Float64Array(2 * half + 1);
  let sum = 0;
  for (let t = -half; t <= half; t++) {
    taps[t + half] = Math.exp(-0.5 * ((t * h) / s) ** 2);
    sum += taps[t + half];
  }
  for (let t = 0; t < taps.length; t++) taps[t] /= sum;
  return taps;
}

/**
 * One separable smoothing pass with mirror walls: `lines` lines of `length` nodes each, node a of line b at
 * b * lineStride + a * step.
 */
function smoothMirrored(src: Float64Array, dst: Float64Array, length: number, lines: number, step: number, lineStride: number, taps: Float64Array): void {
  const half = (taps.length - 1) >> 1;
  for (let b = 0; b < lines; b++) {
    const base = b * lineStride;
    for (let a = 0; a < length; a++) {
      let acc = 0;
      for (let t = -half; t <= half; t++) acc += taps[t + half] * src[base + mirror(a + t, length) * step];
      dst[base + a * step] = acc;
    }
  }
}
