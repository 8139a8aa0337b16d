import type { Box, Positions } from '../target/geometry.js';
import { mobility } from './mobility.js';

/**
 * A gradient flow the integrator can advance: velocities and the energy they descend.
 * `evaluate` fills `velocities` and returns the energy at `positions`; `energy` returns it alone.
 */
export interface Flow {
  /** Characteristic length (m) that bounds a step: no robot moves more than a fraction of it. */
  readonly length: number;
  evaluate(positions: Positions, velocities: Float64Array): number;
  energy(positions: Positions): number;
}

/** Options of the adaptive integrator. */
export interface IntegratorOptions {
  /** Robots are kept inside this box. */
  readonly domain: Box;
  /** Largest displacement per step, as a fraction of the flow's length. Default 0.1. */
  readonly stepFraction?: number;
  /** Optional speed limit in m/s, applied per robot keeping the direction. */
  readonly maxSpeed?: number;
  /** Speed scale (m/s) of the mobility M = 1 / (1 + |v| / vmax) (mobility.ts). Default Infinity (none). */
  readonly mobilitySpeed?: number;
  /** Largest time step in seconds. Default 0.05. */
  readonly maxStep?: number;
}

/** What one accepted step did. */
export interface StepResult {
  /** Time advanced, s. */
  readonly dt: number;
  /** Energy after the step. */
  readonly energy: number;
  /** Largest commanded speed (after the speed limit) at the start of the step, m/s. */
  readonly maxSpeed: number;
  /** Mean commanded speed at the start of the step, m/s. */
  readonly meanSpeed: number;
}

/**
 * Explicit Euler for a gradient flow with an adaptive step: dt keeps every displacement below a fraction of the
 * flow's length, and a step that would raise the energy is halved until it does not (so the energy is
 * non-increasing along every run, up to round-off). A robot pushed across a wall is reflected back inside: unlike
 * clipping, reflection never maps two robots onto the same point (two robots clipped into one corner would move as
 * one forever, since the flow is deterministic).
 */
export class FlowIntegrator {
  private readonly flow: Flow;
  private readonly domain: Box;
  private readonly fraction: number;
  private readonly maxSpeed: number;
  private readonly mobilitySpeed: number;
  private readonly maxStep: number;
  private velocities: Float64Array = new Float64Array(0);
  private trial: Float64Array = new Float64Array(0);

  constructor(flow: Flow, options: IntegratorOptions) {
    this.flow = flow;
    this.domain = options.domain;
    this.fraction = options.stepFraction ?? 0.1;
    this.maxSpeed = options.maxSpeed ?? Infinity;
    this.mobilitySpeed = options.mobilitySpeed ?? Infinity;
    this.maxStep = options.maxStep ?? 0.05;
    if (!(this.fraction > 0 && this.fraction <= 1)) throw new Error(`stepFraction must be in (0, 1], got ${this.fraction}`);
    if (!(this.maxSpeed > 0)) throw new Error(`maxSpeed must be positive, got ${this.maxSpeed}`);
    if (!(this.mobilitySpeed > 0)) throw new Error(`mobilitySpeed must be positive, got ${this.mobilitySpeed}`);
    if (!(this.maxStep > 0)) throw new Error(`maxStep must be positive, got ${this.maxStep}`);
  }

  /** Advances `positions` in place by at most `maxDt` seconds. */
  step(positions: Positions, maxDt: number): StepResult {
    if (this.velocities.length !== positions.length) {
      this.velocities = new Float64Array(positions.length);
      this.trial = new Float64Array(positions.length);
    }
    const v = this.velocities;
    const e0 = this.flow.evaluate(positions, v);
    const n = positions.length >> 1;
    let vmax = 0;
    let vsum = 0;
    const { xmin, xmax, ymin, ymax } = this.domain;
    for (let i = 0; i < n; i++) {
      // Projected gradient flow: a robot on a wall keeps only the part of its velocity that does not leave the box.
      const px = positions[2 * i];
      const py = positions[2 * i + 1];
      if ((px <= xmin && v[2 * i] < 0) || (px >= xmax && v[2 * i] > 0)) v[2 * i] = 0;
      if ((py <= ymin && v[2 * i + 1] < 0) || (py >= ymax && v[2 * i + 1] > 0)) v[2 * i + 1] = 0;
      let s = Math.hypot(v[2 * i], v[2 * i + 1]);
      if (this.mobilitySpeed !== Infinity) {
        const m = mobility(s, this.mobilitySpeed);
        v[2 * i] *= m;
        v[2 * i + 1] *= m;
        s *= m;
      }
      if (s > this.maxSpeed) {
        const k = this.maxSpeed / s;
        v[2 * i] *= k;
        v[2 * i + 1] *= k;
        s = this.maxSpeed;
      }
      if (s > vmax) vmax = s;
      vsum += s;
    }
    let dt = Math.min(maxDt, this.maxStep);
    if (vmax > 0) dt = Math.min(dt, (this.fraction * this.flow.length) / vmax);
    const x = this.trial;
    let e1 = e0;
    for (let attempt = 0; attempt < 30; attempt++) {
      for (let i = 0; i < n; i++) {
        const px = positions[2 * i] + dt * v[2 * i];
        const py = positions[2 * i + 1] + dt * v[2 * i + 1];
        x[2 * i] = reflectInto(px, xmin, xmax);
        x[2 * i + 1] = reflectInto(py, ymin, ymax);
      }
      e1 = this.flow.energy(x);
      if (e1 <= e0 + 1e-13 * Math.abs(e0)) break;
      dt *= 0.5;
    }
    if (e1 > e0 + 1e-13 * Math.abs(e0)) {
      // At a stationary point to round-off: stay put.
      return { dt: Math.min(maxDt, this.maxStep), energy: e0, maxSpeed: vmax, meanSpeed: n ? vsum / n : 0 };
    }
    positions.set(x);
    return { dt, energy: e1, maxSpeed: vmax, meanSpeed: n ? vsum / n : 0 };
  }
}

/** Reflects a coordinate back into [lo, hi] across the wall it crossed (clipped if it overshoots the far wall). */
export function reflectInto(v: number, lo: number, hi: number): number {
  if (v < lo) v = 2 * lo - v;
  else if (v > hi) v = 2 * hi - v;
  return v < lo ? lo : v > hi ? hi : v;
}
