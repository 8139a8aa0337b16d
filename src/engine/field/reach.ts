import type { Box, Positions } from '../target/geometry.js';

/** Cells a side of the reach radius: the marks overshoot it by at most 2 sqrt(2) / CELLS_PER_RADIUS of it. */
const CELLS_PER_RADIUS = 4;

/**
 * Masses for a deposit that serves only some robots: 1/N for each robot within `radius` of one of the robots marked
 * in `only` (a superset: robots in a cell of side radius / 4 that comes within `radius` of a cell holding a marked
 * robot, so at most 1.71 radius away), 0 for the others; N is the whole swarm. A kernel of cut-off R deposits nothing
 * within R of a robot from robots farther than 2 R away (nor from their mirror images across a wall, which are
 * farther still), so with radius 2 R the grid around each marked robot, hence its velocity, is exactly that of the
 * whole swarm, term for term in the same order. Reuses `out` and `cells` when big enough; returns both. `total`: the
 * swarm's size N when `p` holds only part of it (default: the robots of `p`).
 */
export function reachMasses(p: Positions, only: Uint8Array, radius: number, domain: Box, out: Float64Array, cells: Uint8Array, total?: number): { masses: Float64Array; cells: Uint8Array } {
  const n = p.length >> 1;
  const masses = out.length >= n ? out : new Float64Array(n);
  const w = domain.xmax - domain.xmin;
  const h = domain.ymax - domain.ymin;
  // At most about 4 cells per robot (and never a side of 0), whatever the radius.
  const side = Math.max(radius / CELLS_PER_RADIUS, Math.sqrt((w * h) / Math.max(1, 4 * n)));
  const nx = Math.max(1, Math.ceil(w / side));
  const ny = Math.max(1, Math.ceil(h / side));
  const marks = cells.length >= 2 * nx * ny ? cells : new Uint8Array(2 * nx * ny);
  marks.fill(0, 0, 2 * nx * ny);
  const cellOf = (x: number, y: number): number => {
    let i = Math.floor((x - domain.xmin) / side);
    let j = Math.floor((y - domain.ymin) / side);
    i = i >= 0 ? (i < nx ? i : nx - 1) : 0;
    j = j >= 0 ? (j < ny ? j : ny - 1) : 0;
    return j * nx + i;
  };
  // Cells holding a marked robot (second half of `marks`), then every cell within reach of one (first half).
  const home = nx * ny;
  for (let q = 0; q < n; q++) if (only[q]) marks[home + cellOf(p[2 * q], p[2 * q + 1])] = 1;
  const d = Math.ceil(radius / side) + 1;
  const r2 = (radius / side) ** 2;
  for (let c = 0; c < home; c++) {
    if (!marks[home + c]) continue;
    const i = c % nx;
    const j = (c - i) / nx;
    for (let b = Math.max(0, j - d); b <= Math.min(ny - 1, j + d); b++) {
      const gy = Math.max(0, Math.abs(b - j) - 1);
      for (let a = Math.max(0, i - d); a <= Math.min(nx - 1, i + d); a++) {
        const gx = Math.max(0, Math.abs(a - i) - 1);
        // The two cells' closest points are (gx, gy) cell sides apart.
        if (gx * gx + gy * gy <= r2) marks[b * nx + a] = 1;
      }
    }
  }
  const m = (total ?? n) > 0 ? 1 / (total ?? n) : 0;
  for (let q = 0; q < n; q++) masses[q] = marks[cellOf(p[2 * q], p[2 * q + 1])] ? m : 0;
  return { masses, cells: marks };
}
