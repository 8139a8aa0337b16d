/**
 * The closest point to u in an intersection of half-planes of the plane: the safety filter's per-robot problem
 * min |x - u|^2 subject to a_k . x >= b_k (constraints k in [from, to) of a flat array ax, ay, b per constraint).
 *
 * Incremental (Seidel's method for a strictly convex objective, in the given order): x is the optimum of the
 * constraints taken so far; a constraint x breaks moves the optimum onto its line (if the optimum of the first k + 1
 * were off that line, it would be the first k's, which breaks it), where the earlier constraints cut an interval of
 * the line and the closest point is u's projection on the line clamped to it. The result is the unique minimizer,
 * exactly, up to round-off; each broken constraint costs one pass over those before it, so a problem whose nearest
 * constraints come first (the filter's order) costs a few passes.
 */

/** Slack on a constraint, m/s: a point within it of the half-plane meets the constraint (round-off of the filter). */
export const HALF_PLANE_TOLERANCE = 1e-9;

/** Lines whose normals make an angle below sqrt(PARALLEL) rad are parallel: their crossing is beyond any speed. */
const PARALLEL = 1e-18;

/** A normal shorter than this (squared, in units of the constraint's) has no line: its constraint is 0 >= b. */
const DEGENERATE = 1e-24;

/**
 * Writes to out[2i], out[2i + 1] the point of the half-planes [from, to) of `c` closest to (ux, uy) and returns true,
 * or returns false when they have no common point (within HALF_PLANE_TOLERANCE); `out` is then unchanged.
 */
export function closestInHalfPlanes(c: Float64Array, from: number, to: number, ux: number, uy: number, out: Float64Array, i: number): boolean {
  const tol = HALF_PLANE_TOLERANCE;
  let x = ux;
  let y = uy;
  for (let k = from; k < to; k++) {
    const ax = c[3 * k];
    const ay = c[3 * k + 1];
    const b = c[3 * k + 2];
    if (ax * x + ay * y >= b - tol) continue;
    const aa = ax * ax + ay * ay;
    if (!(aa > DEGENERATE)) return false; // 0 >= b with b > tol (or a NaN normal)
    // u's projection on the line a . x = b, and the line's direction d = (-ay, ax): points x0 + t d.
    const s0 = (b - (ax * ux + ay * uy)) / aa;
    const x0 = ux + s0 * ax;
    const y0 = uy + s0 * ay;
    let lo = -Infinity;
    let hi = Infinity;
    for (let j = from; j < k; j++) {
      const px = c[3 * j];
      const py = c[3 * j + 1];
      // a_j . (x0 + t d) >= b_j  <=>  t (a_j . d) >= b_j - a_j . x0
      const s = py * ax - px * ay;
      const r = c[3 * j + 2] - (px * x0 + py * y0);
      if (s * s <= PARALLEL * (px * px + py * py) * aa) {
        // Parallel lines (up to round-off): the whole line meets constraint j, or none of it does.
        if (r > tol) return false;
      } else if (s > 0) {
        const t = r / s;
        if (t > lo) lo = t;
      } else {
        const t = r / s;
        if (t < hi) hi = t;
      }
    }
    const t = lo > 0 ? lo : hi < 0 ? hi : 0;
    const nx = x0 - t * ay;
    const ny = y0 + t * ax;
    if (lo > hi) {
      // The interval is empty, or empty by round-off: the point must still meet every constraint taken so far.
      for (let j = from; j < k; j++) if (c[3 * j] * nx + c[3 * j + 1] * ny < c[3 * j + 2] - tol) return false;
    }
    x = nx;
    y = ny;
  }
  out[2 * i] = x;
  out[2 * i + 1] = y;
  return true;
}
