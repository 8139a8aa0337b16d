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

// The direction being slid along the binding barriers (module state, so that a tick allocates nothing).
let slideX = 0;
let slideY = 0;
/** Removes from (slideX, slideY) its component into the normal (nx, ny), if it has one. */
function slide(nx: number, ny: number): void {
  const into = nx * slideX + ny * slideY;
  if (into < 0) {
    slideX -= into * nx;
    slideY -= into * ny;
  }
}

/**
 * The look-ahead point velocity a unicycle with heading `yaw` is asked for, from the law's velocity (ux, uy) and the
 * guide (gx, gy): forward, the guide's component along the heading; sideways (the turn, w = sideways / look-ahead),
 * the law's speed times the sine of the angle from the heading to the guide's direction, less its components into
 * the normals `barriers` gives for slot k (the barriers of the pass that computed the guide), or to the law's
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
    slideX = gx;
    slideY = gy;
    if (barriers) barriers.bindingNormals(k, slide);
    dx = slideX;
    dy = slideY;
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
