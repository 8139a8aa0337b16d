import type { SafetySettings, SampledData } from './safety.js';
import { appliedGain, minSeparation } from './safety.js';

/**
 * The farthest, centre to centre, that a robot can be a barrier of another in the safety filter, m: the
 * separation, both latency discs (at most `rMax` each), and the gap at which the barrier allows a closing speed of
 * 2 `maxSpeed` (g h >= v and, with braking, sqrt(a h) >= v). The filter scans no farther (its pair range).
 */
export function barrierRange(s: SafetySettings, sampled: SampledData, maxSpeed: number, rMax: number): number {
  const g = appliedGain(s, sampled);
  const v = 2 * maxSpeed;
  const bind = Math.max(v / g, Number.isFinite(sampled.brake) ? (v * v) / sampled.brake : 0);
  return (minSeparation(s) + 2 * rMax + bind) * (1 + 1e-6) + 1e-6;
}

/**
 * Marks the robots within some distance of the robots an instance commands (a superset: those in a cell of the
 * grid of side >= the distance next to a cell holding a commanded robot, so at most 2 sqrt(2) x the distance away).
 * The grid covers the commanded robots' bounding box only, so its cost follows them, not the swarm. Buffers are
 * reused.
 */
export class NearbySelection {
  private marks = new Uint8Array(0);

  /**
   * Sets `out[i]` to 1 for every robot i with `known[i]` that is commanded (`owned[i]`) or within `radius` of a
   * known commanded one, 0 for the others; `x`, `y` are the robots' positions.
   */
  select(x: Float64Array, y: Float64Array, known: Uint8Array, owned: Uint8Array, radius: number, out: Uint8Array): void {
    const n = known.length;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!known[i] || !owned[i]) continue;
      count++;
      if (x[i] < x0) x0 = x[i];
      if (x[i] > x1) x1 = x[i];
      if (y[i] < y0) y0 = y[i];
      if (y[i] > y1) y1 = y[i];
    }
    if (count === 0 || !(radius < Infinity)) {
      for (let i = 0; i < n; i++) out[i] = known[i] && (count === 0 ? owned[i] : 1) ? 1 : 0;
      return;
    }
    // At most about 4 cells per commanded robot, and never a side below the radius (then one ring of cells suffices).
    const cell = Math.max(radius, Math.sqrt(((x1 - x0) * (y1 - y0)) / (4 * count)), 1e-9);
    const ox = x0 - cell;
    const oy = y0 - cell;
    const nx = Math.floor((x1 - x0) / cell) + 3;
    const ny = Math.floor((y1 - y0) / cell) + 3;
    if (this.marks.length < nx * ny) this.marks = new Uint8Array(nx * ny);
    const marks = this.marks;
    marks.fill(0, 0, nx * ny);
    for (let i = 0; i < n; i++) {
      if (!known[i] || !owned[i]) continue;
      const a = Math.floor((x[i] - ox) / cell);
      const b = Math.floor((y[i] - oy) / cell);
      for (let bb = b - 1; bb <= b + 1; bb++) for (let aa = a - 1; aa <= a + 1; aa++) marks[bb * nx + aa] = 1;
    }
    for (let i = 0; i < n; i++) {
      if (!known[i]) {
        out[i] = 0;
        continue;
      }
      if (owned[i]) {
        out[i] = 1;
        continue;
      }
      const a = Math.floor((x[i] - ox) / cell);
      const b = Math.floor((y[i] - oy) / cell);
      out[i] = a >= 0 && a < nx && b >= 0 && b < ny && marks[b * nx + a] ? 1 : 0;
    }
  }
}
