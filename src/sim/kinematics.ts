/**
 * Kinematics of a swarm of planar robots: pure, no I/O, typed arrays only in the hot path.
 *
 * Frames follow REP 103: x forward, y left, yaw counter-clockwise. Commands are body-frame twists, as on
 * `cmd_vel`: (vx, vy, w) for a holonomic robot, (v = vx, w) for a differential-drive robot (vy ignored).
 */
import type { Box } from '../engine/target/geometry.js';
import type { Rng } from '../engine/random.js';

/** How the robots move: holonomic (body-frame vx, vy and yaw rate) or differential drive (unicycle v, w). */
export type DriveKind = 'holonomic' | 'diff_drive';

/** The drive kinds, for parameter choices. */
export const DRIVE_KINDS: readonly DriveKind[] = ['holonomic', 'diff_drive'];

/** Default command timeout, s: robot-side watchdogs (twist_mux, diff_drive_controller) stop a robot after 0.5 s. */
export const DEFAULT_CMD_TIMEOUT = 0.5;

/** Options of a swarm's kinematics. */
export interface KinematicsOptions {
  /** Drive kind of every robot (default holonomic). */
  drive?: DriveKind;
  /** A robot whose last command is older than this (s) stops (default 0.5). */
  cmdTimeout?: number;
  /** Walls: positions are clipped into this box after each step (none by default). */
  walls?: Box;
  /** Initial yaw per robot, rad (default 0). */
  initialYaw?: Float64Array;
  /** Simulated time at the start, s (default 0). */
  startTime?: number;
}

/** sin(h)/h, exact near 0. */
function sinc(h: number): number {
  return Math.abs(h) < 1e-4 ? 1 - (h * h) / 6 : Math.sin(h) / h;
}

/** Wraps an angle into (-pi, pi]. */
export function wrapAngle(a: number): number {
  const r = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
  // r is in [-pi, pi); map -pi to pi.
  return r <= -Math.PI ? r + 2 * Math.PI : r;
}

/**
 * The state of N robots: true poses, the commands in force and the time of each robot's last command.
 * `step(dt)` integrates exactly for piecewise-constant body-frame twists (an arc when the yaw rate is not zero).
 */
export class SwarmKinematics {
  /** Number of robots. */
  readonly count: number;
  /** True x, m, per robot. */
  readonly x: Float64Array;
  /** True y, m, per robot. */
  readonly y: Float64Array;
  /** True yaw, rad in (-pi, pi], per robot. */
  readonly yaw: Float64Array;
  /** Commanded body-frame forward velocity, m/s. */
  readonly cmdVx: Float64Array;
  /** Commanded body-frame leftward velocity, m/s (ignored by differential drive). */
  readonly cmdVy: Float64Array;
  /** Commanded yaw rate, rad/s. */
  readonly cmdW: Float64Array;
  /** Simulated time of each robot's last command, s (-Infinity: never commanded). */
  readonly lastCmd: Float64Array;
  /** Body-frame forward velocity applied at the end of the last step (0 when timed out), m/s. */
  readonly appliedVx: Float64Array;
  /** Body-frame leftward velocity applied at the end of the last step, m/s. */
  readonly appliedVy: Float64Array;
  /** Yaw rate applied at the end of the last step, rad/s. */
  readonly appliedW: Float64Array;
  /** Drive kind; a change applies from the next step. */
  drive: DriveKind;
  /** Command timeout, s; a change applies from the next step. */
  cmdTimeout: number;
  /** Optional walls (positions are clipped into the box). */
  walls: Box | undefined;
  /** Simulated time, s. */
  time: number;

  /** `initial` holds interleaved x, y pairs: [x0, y0, x1, y1, ...]. */
  constructor(initial: Float64Array, options: KinematicsOptions = {}) {
    if (initial.length % 2 !== 0) throw new Error(`initial positions must be x, y pairs, got ${initial.length} numbers`);
    const n = initial.length / 2;
    this.count = n;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.yaw = new Float64Array(n);
    this.cmdVx = new Float64Array(n);
    this.cmdVy = new Float64Array(n);
    this.cmdW = new Float64Array(n);
    this.lastCmd = new Float64Array(n).fill(-Infinity);
    this.appliedVx = new Float64Array(n);
    this.appliedVy = new Float64Array(n);
    this.appliedW = new Float64Array(n);
    const yaw0 = options.initialYaw;
    if (yaw0 && yaw0.length !== n) throw new Error(`initialYaw has ${yaw0.length} entries for ${n} robots`);
    for (let i = 0; i < n; i++) {
      const xi = initial[2 * i];
      const yi = initial[2 * i + 1];
      if (!Number.isFinite(xi) || !Number.isFinite(yi)) throw new Error(`initial position of robot ${i} is not finite`);
      this.x[i] = xi;
      this.y[i] = yi;
      const th = yaw0 ? yaw0[i] : 0;
      if (!Number.isFinite(th)) throw new Error(`initial yaw of robot ${i} is not finite`);
      this.yaw[i] = wrapAngle(th);
    }
    this.drive = options.drive ?? 'holonomic';
    this.cmdTimeout = options.cmdTimeout ?? DEFAULT_CMD_TIMEOUT;
    if (!(this.cmdTimeout > 0)) throw new Error(`cmdTimeout must be positive, got ${this.cmdTimeout}`);
    this.walls = options.walls;
    this.time = options.startTime ?? 0;
    if (this.walls) this.clip();
  }

  /**
   * Sets robot `i`'s command (body-frame twist) received at time `t` (default: now). The caller checks that the
   * values are finite.
   */
  command(i: number, vx: number, vy: number, w: number, t: number = this.time): void {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`robot index ${i} out of range [0, ${this.count})`);
    this.cmdVx[i] = vx;
    this.cmdVy[i] = vy;
    this.cmdW[i] = w;
    this.lastCmd[i] = t;
  }

  /**
   * Stops robot `i` at once and forgets its command, as if it had never been commanded: it stands where it is
   * (applied velocities zero) until its next command, whatever cmdTimeout becomes.
   */
  halt(i: number): void {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`robot index ${i} out of range [0, ${this.count})`);
    this.cmdVx[i] = 0;
    this.cmdVy[i] = 0;
    this.cmdW[i] = 0;
    this.lastCmd[i] = -Infinity;
    this.appliedVx[i] = 0;
    this.appliedVy[i] = 0;
    this.appliedW[i] = 0;
  }

  /** Zeroes every command (the robots stop at the next step). */
  stopAll(): void {
    this.cmdVx.fill(0);
    this.cmdVy.fill(0);
    this.cmdW.fill(0);
  }

  /**
   * Advances the swarm by `dt` seconds. Each robot moves under its command for the part of the step before the
   * command times out (lastCmd + cmdTimeout), then stands still. Integration is exact for a constant body-frame
   * twist: displacement = dt sinc(w dt / 2) R(yaw + w dt / 2) (vx, vy).
   */
  step(dt: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt)) throw new Error(`step dt must be a finite non-negative number, got ${dt}`);
    const t0 = this.time;
    const holonomic = this.drive === 'holonomic';
    const timeout = this.cmdTimeout;
    const { x, y, yaw, cmdVx, cmdVy, cmdW, lastCmd, appliedVx, appliedVy, appliedW } = this;
    for (let i = 0; i < this.count; i++) {
      const expires = lastCmd[i] + timeout;
      // Time under command within this step.
      let tau = expires - t0;
      if (tau > dt) tau = dt;
      const vx = cmdVx[i];
      const vy = holonomic ? cmdVy[i] : 0;
      const w = cmdW[i];
      if (tau > 0 && (vx !== 0 || vy !== 0 || w !== 0)) {
        const th = yaw[i];
        const dth = w * tau;
        const mid = th + dth / 2;
        const s = tau * sinc(dth / 2);
        const c = Math.cos(mid);
        const sn = Math.sin(mid);
        x[i] += s * (c * vx - sn * vy);
        y[i] += s * (sn * vx + c * vy);
        yaw[i] = wrapAngle(th + dth);
      }
      const live = expires > t0 + dt;
      appliedVx[i] = live ? vx : 0;
      appliedVy[i] = live ? vy : 0;
      appliedW[i] = live ? w : 0;
    }
    this.time = t0 + dt;
    if (this.walls) this.clip();
  }

  /** True when robot `i`'s last command is still in force at the current time. */
  commanded(i: number): boolean {
    return this.lastCmd[i] + this.cmdTimeout > this.time;
  }

  /** True positions, interleaved x, y (written into `out` when given). */
  positions(out: Float64Array = new Float64Array(2 * this.count)): Float64Array {
    for (let i = 0; i < this.count; i++) {
      out[2 * i] = this.x[i];
      out[2 * i + 1] = this.y[i];
    }
    return out;
  }

  /** True yaws, rad (a copy). */
  yaws(): Float64Array {
    return this.yaw.slice();
  }

  private clip(): void {
    const b = this.walls!;
    const { x, y } = this;
    for (let i = 0; i < this.count; i++) {
      if (x[i] < b.xmin) x[i] = b.xmin;
      else if (x[i] > b.xmax) x[i] = b.xmax;
      if (y[i] < b.ymin) y[i] = b.ymin;
      else if (y[i] > b.ymax) y[i] = b.ymax;
    }
  }
}

/** Measured poses of a swarm (true pose plus noise), one entry per robot. */
export interface PoseBuffers {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly yaw: Float64Array;
}

/** Allocates pose buffers for `n` robots. */
export function createPoseBuffers(n: number): PoseBuffers {
  return { x: new Float64Array(n), y: new Float64Array(n), yaw: new Float64Array(n) };
}

/**
 * Writes the measured poses into `out`: the true state plus independent Gaussian noise (std `poseStd` m on x and
 * y, `yawStd` rad on yaw, wrapped). The true state is not touched. Three normals are drawn per robot whatever
 * the stds, so a seeded run's noise sequence does not depend on live changes of the stds; zero std gives the
 * true pose exactly.
 */
export function measurePoses(k: SwarmKinematics, rng: Rng, poseStd: number, yawStd: number, out: PoseBuffers): PoseBuffers {
  for (let i = 0; i < k.count; i++) {
    const nx = rng.normal();
    const ny = rng.normal();
    const nth = rng.normal();
    out.x[i] = poseStd > 0 ? k.x[i] + poseStd * nx : k.x[i];
    out.y[i] = poseStd > 0 ? k.y[i] + poseStd * ny : k.y[i];
    out.yaw[i] = yawStd > 0 ? wrapAngle(k.yaw[i] + yawStd * nth) : k.yaw[i];
  }
  return out;
}

/**
 * `count` robots on a line, facing +x: along the horizontal mid-line of `domain` (evenly spread, away from the
 * walls) when given, else at x = 0, spacing, 2 spacing, ... on y = 0. Interleaved x, y.
 */
export function lineLayout(count: number, domain?: Box, spacing = 0.5): Float64Array {
  if (!Number.isInteger(count) || count < 0) throw new Error(`robot count must be a non-negative integer, got ${count}`);
  const p = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    if (domain) {
      p[2 * i] = domain.xmin + ((i + 0.5) / count) * (domain.xmax - domain.xmin);
      p[2 * i + 1] = (domain.ymin + domain.ymax) / 2;
    } else {
      p[2 * i] = i * spacing;
      p[2 * i + 1] = 0;
    }
  }
  return p;
}
