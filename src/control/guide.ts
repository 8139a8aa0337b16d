/**
 * How a differential-drive robot moves in a crowd: it steers by the velocity a holonomic robot at its place would get
 * from the safety filter (the guide), not by the law's. The filter's half-planes only bound a unicycle's speed along
 * its heading, so alone they leave it facing its law's direction with a neighbour or a wall in front: it stands where
 * a holonomic robot would slide along the wall or take the free way out of the crowd. The guide is that free way: the
 * robot drives forward at the guide's component along its heading (the unicycle filter still bounds that speed) and
 * turns towards the guide's direction, less any part into a barrier that binds (else at a wall it would keep a
 * heading a little into the wall and creep), at the rate the law's speed gives through the look-ahead point, so that a
 * robot the crowd slows does not also turn slowly. While the guide is nearly zero (boxed in) it turns towards the
 * law's direction instead, ready to go once the robots ahead move off. Only the desired velocity changes: the filter
 * still bounds every command, so the separation is kept as before.
 * Measured on the four-room map, 200 robots, 90 s, with the sidestep at walls only (docs/rooms.md): robots still in
 * the start room after 20 s 138 -> 112 (holonomic 68), MMD^2 1.2x -> 0.36x the i.i.d. one, t90 60 -> 47 s (holonomic
 * 39.5 s).
 */
import type { BarrierView } from './unjam.js';

/**
 * Below this fraction of the law's speed the guide's direction is not trusted (a boxed-in robot's guide is a small
 * remainder of the barriers' budgets); the robot turns towards the law's direction instead. Measured on the four-room
 * map, N = 190 / 200 / 210, MMD^2 / i.i.d. at 90 s (while robots also sidestepped at robots): 0 (always the guide)
 * 0.31 / 0.39 / 0.37, 0.1 0.30 / 0.38 / 0.41, 0.2 0.32 / 0.36 / 0.38, 0.4 0.38 / 0.44 / 0.53.
 */
export const GUIDE_TRUST = 0.2;

// The binding barriers' normals of the robot being steered (module scratch, grown by doubling: a tick allocates
// nothing once it has seen its largest crowd).
let normals = new Float64Array(64);
let normalCount = 0;
function collect(nx: number, ny: number): void {
  if (2 * normalCount + 2 > normals.length) {
    const grown = new Float64Array(2 * normals.length);
    grown.set(normals);
    normals = grown;
  }
  normals[2 * normalCount] = nx;
  normals[2 * normalCount + 1] = ny;
  normalCount++;
}

/** Tolerance of the cone's half-planes (unit normals, so a cosine). */
const CONE_TOLERANCE = 1e-12;

/** True when (x, y) has no component into any collected normal. */
function inCone(x: number, y: number): boolean {
  for (let j = 0; j < normalCount; j++) if (normals[2 * j] * x + normals[2 * j + 1] * y < -CONE_TOLERANCE) return false;
  return true;
}

/**
 * The nearest point to (gx, gy) of the cone {d : n . d >= 0 for every collected normal n}, written to out: the
 * Euclidean projection, so it does not depend on the order the barriers come in. In 2-D the cone is a wedge, a half
 * plane or the origin, and the projection of a point outside it lies on one of its boundary lines: the feasible
 * projection onto a line n . d = 0 nearest to g, or the origin.
 */
export function projectOnCone(gx: number, gy: number, out: Float64Array): void {
  if (inCone(gx, gy)) {
    out[0] = gx;
    out[1] = gy;
    return;
  }
  let bestX = 0;
  let bestY = 0;
  let best = gx * gx + gy * gy;
  for (let j = 0; j < normalCount; j++) {
    const nx = normals[2 * j];
    const ny = normals[2 * j + 1];
    const into = nx * gx + ny * gy;
    if (into >= 0) continue; // g is on this line's free side: the projection onto it is g itself, infeasible
    const px = gx - into * nx;
    const py = gy - into * ny;
    const d = (px - gx) ** 2 + (py - gy) ** 2;
    if (d < best && inCone(px, py)) {
      best = d;
      bestX = px;
      bestY = py;
    }
  }
  out[0] = bestX;
  out[1] = bestY;
}

/** Collects the normals `barriers` gives for slot k; the next projectOnCone uses them. */
export function collectNormals(barriers: BarrierView | undefined, k: number): void {
  normalCount = 0;
  if (barriers) barriers.bindingNormals(k, collect);
}

const slid = new Float64Array(2);

/**
 * The look-ahead point velocity a unicycle with heading `yaw` is asked for, from the law's velocity (ux, uy) and the
 * guide (gx, gy): forward, the guide's component along the heading; sideways (the turn, w = sideways / look-ahead),
 * the law's speed times the sine of the angle from the heading to the guide's direction projected on the cone of
 * directions that go into none of the normals `barriers` gives for slot k (the barriers of the pass that computed the
 * guide; if that cone is only the origin, the guide's own direction), or to the law's
 * direction when the guide is below GUIDE_TRUST of the law's speed. The law itself when the guide is the law (the
 * filter let it through). Scaled into `maxSpeed` as a whole. Writes out[0..1].
 */
export function guidedVelocity(ux: number, uy: number, gx: number, gy: number, yaw: number, maxSpeed: number, out: Float64Array, barriers?: BarrierView, k = 0): void {
  if (gx === ux && gy === uy) {
    // The filter let the law through: nothing to steer by.
    out[0] = ux;
    out[1] = uy;
    return;
  }
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const law = Math.sqrt(ux * ux + uy * uy);
  const guide = Math.sqrt(gx * gx + gy * gy);
  let dx = 0;
  let dy = 0;
  if (guide >= GUIDE_TRUST * law && guide > 0) {
    collectNormals(barriers, k);
    projectOnCone(gx, gy, slid);
    dx = slid[0];
    dy = slid[1];
    const norm = Math.sqrt(dx * dx + dy * dy);
    if (norm > 0) {
      dx /= norm;
      dy /= norm;
    } else {
      dx = gx / guide;
      dy = gy / guide;
    }
  } else if (law > 0) {
    dx = ux / law;
    dy = uy / law;
  }
  const forward = c * gx + s * gy;
  const side = law * (-s * dx + c * dy);
  let px = forward * c - side * s;
  let py = forward * s + side * c;
  const speed = Math.sqrt(px * px + py * py);
  if (speed > maxSpeed) {
    px *= maxSpeed / speed;
    py *= maxSpeed / speed;
  }
  out[0] = px;
  out[1] = py;
}
