/**
 * From a desired planar velocity to a command a real robot can follow: the look-ahead point for differential
 * drive, speed saturation that keeps the direction (holonomic) or the curvature (differential drive), and
 * acceleration limits. Pure functions on numbers; the shaping steps also have forms that write a given record
 * (`...Into`, `saturateInPlace`: the control tick's per-robot path allocates nothing).
 */

/** Speed and acceleration limits of one robot. */
export interface Limits {
  /** m/s */
  readonly maxLinear: number;
  /** rad/s */
  readonly maxAngular: number;
  /** m/s^2 */
  readonly maxLinearAccel: number;
  /** rad/s^2 */
  readonly maxAngularAccel: number;
}

/** A body-frame command: linear (x forward, y left, m/s) and angular (about z, rad/s), as in a Twist. */
export interface BodyCommand {
  vx: number;
  vy: number;
  wz: number;
}

/** Rotates a world-frame planar velocity into the body frame of a robot with heading `yaw`. */
export function worldToBody(ux: number, uy: number, yaw: number): { vx: number; vy: number } {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  return { vx: c * ux + s * uy, vy: -s * ux + c * uy };
}

/**
 * World-frame velocity of the control point of a robot with heading `yaw` under body command `c`: the robot's
 * centre when `lookahead` is 0, else the point `lookahead` ahead of it (p' = R(yaw) (vx, vy + lookahead wz)).
 */
export function controlPointVelocity(c: BodyCommand, yaw: number, lookahead: number): { x: number; y: number } {
  const co = Math.cos(yaw);
  const si = Math.sin(yaw);
  const side = c.vy + lookahead * c.wz;
  return { x: co * c.vx - si * side, y: si * c.vx + co * side };
}

/**
 * Holonomic robot: the world velocity (ux, uy) in the body frame, its speed saturated at maxLinear with the
 * direction kept; no rotation.
 */
export function holonomicCommand(ux: number, uy: number, yaw: number, limits: Limits): BodyCommand {
  return holonomicInto(ux, uy, Math.cos(yaw), Math.sin(yaw), limits, { vx: 0, vy: 0, wz: 0 });
}

/** holonomicCommand written into `out`, for a heading given by its cosine and sine. */
export function holonomicInto(ux: number, uy: number, cos: number, sin: number, limits: Limits, out: BodyCommand): BodyCommand {
  out.vx = cos * ux + sin * uy;
  out.vy = -sin * ux + cos * uy;
  out.wz = 0;
  return saturateInPlace(out, limits);
}

/**
 * Differential drive through the look-ahead point p = x + l (cos th, sin th): v = cos th ux + sin th uy,
 * w = (-sin th ux + cos th uy) / l makes p move exactly with (ux, uy). Then (v, w) is scaled by one factor so that
 * |v| <= maxLinear and |w| <= maxAngular: the curvature v / w, hence the path, is kept.
 */
export function diffDriveCommand(ux: number, uy: number, yaw: number, lookahead: number, limits: Limits): BodyCommand {
  return diffDriveInto(ux, uy, Math.cos(yaw), Math.sin(yaw), lookahead, limits, { vx: 0, vy: 0, wz: 0 });
}

/** diffDriveCommand written into `out`, for a heading given by its cosine and sine. */
export function diffDriveInto(ux: number, uy: number, cos: number, sin: number, lookahead: number, limits: Limits, out: BodyCommand): BodyCommand {
  out.vx = cos * ux + sin * uy;
  out.vy = 0;
  out.wz = (-sin * ux + cos * uy) / lookahead;
  return saturateInPlace(out, limits);
}

/**
 * Limits the change from `previous` to `next` over `dt` seconds to the acceleration limits. The linear part is
 * limited as a vector (direction of the change kept); for a unicycle (vy = 0) the linear and angular changes are
 * scaled by one factor so that the commanded curvature moves smoothly.
 */
export function rateLimit(previous: BodyCommand, next: BodyCommand, dt: number, limits: Limits): BodyCommand {
  if (!(dt > 0)) return { ...previous };
  return rateLimitInto(previous, next, dt, limits, { vx: 0, vy: 0, wz: 0 });
}

/** rateLimit for dt > 0, written into `out` (which may be `next`, not `previous`). */
export function rateLimitInto(previous: BodyCommand, next: BodyCommand, dt: number, limits: Limits, out: BodyCommand): BodyCommand {
  const dvx = next.vx - previous.vx;
  const dvy = next.vy - previous.vy;
  const dw = next.wz - previous.wz;
  const dv = Math.sqrt(dvx ** 2 + dvy ** 2);
  const kv = dv > limits.maxLinearAccel * dt ? (limits.maxLinearAccel * dt) / dv : 1;
  const kw = Math.abs(dw) > limits.maxAngularAccel * dt ? (limits.maxAngularAccel * dt) / Math.abs(dw) : 1;
  const k = Math.min(kv, kw);
  out.vx = previous.vx + k * dvx;
  out.vy = previous.vy + k * dvy;
  out.wz = previous.wz + k * dw;
  return out;
}

/**
 * A command scaled by one factor into the speed limits (direction and curvature kept); unchanged when within them.
 * Scaling towards zero keeps a command that met the safety barriers meeting them.
 */
export function saturate(c: BodyCommand, limits: Limits): BodyCommand {
  const k = saturation(c, limits);
  return k === 1 ? c : { vx: c.vx * k, vy: c.vy * k, wz: c.wz * k };
}

/** saturate, scaling `c` itself. */
export function saturateInPlace(c: BodyCommand, limits: Limits): BodyCommand {
  const k = saturation(c, limits);
  if (k !== 1) {
    c.vx *= k;
    c.vy *= k;
    c.wz *= k;
  }
  return c;
}

/** The factor (<= 1) that brings a command into the speed limits. */
function saturation(c: BodyCommand, limits: Limits): number {
  const v = Math.sqrt(c.vx * c.vx + c.vy * c.vy);
  return Math.min(1, v > limits.maxLinear ? limits.maxLinear / v : 1, Math.abs(c.wz) > limits.maxAngular ? limits.maxAngular / Math.abs(c.wz) : 1);
}

/** True when a command respects the speed limits (with a relative tolerance for round-off). */
export function withinLimits(c: BodyCommand, limits: Limits, tolerance = 1e-9): boolean {
  return Math.sqrt(c.vx ** 2 + c.vy ** 2) <= limits.maxLinear * (1 + tolerance) && Math.abs(c.wz) <= limits.maxAngular * (1 + tolerance);
}
