/**
 * The safety layer between the coverage law and the commands: a control barrier function (CBF) filter.
 *
 * Barrier functions on the robots' centres p_i must stay non-negative:
 *   robots   h_ij = |p_i - p_j| - d_pair          (d_pair = 2 r + clearance)
 *   edges    h_ie = |p_i - c_ie| - d_edge         (c_ie: closest point of obstacle edge e; d_edge = r + clearance)
 *   walls    h_iw = (distance into the domain) - d_edge
 * A holonomic robot moves its centre with the commanded u_i, so each barrier gives a half-plane in u_i:
 * grad h . u_i >= -alpha h. A differential-drive robot is commanded through its look-ahead point (u_i is that
 * point's velocity) but its centre moves with v_i e_i only (e_i the heading, v_i = e_i . u_i): the barrier then
 * reads (grad h . e_i)(e_i . u_i) >= -alpha h, again a half-plane in u_i, which restricts the forward speed and
 * never the turning: a robot can always turn in place.
 * For a pair of commanded robots the pair's condition n_ij . (p_i' - p_j') >= -alpha h_ij (n_ij the unit vector
 * from p_j to p_i) is split between them, each solving its own problem:
 *   n_ij . p_i' >= -alpha h_ij / 2 + c_ij,   n_ji . p_j' >= -alpha h_ij / 2 - c_ij,
 * which add up to the pair's condition for any c_ij. With c_ij the pair's mean desired velocity along n_ij, clamped to
 * [-alpha h / 2, alpha h / 2], two robots moving the same way are not slowed (the follower gets the budget the leader
 * frees), and u = 0 stays feasible for both. Then d/dt h >= -alpha h along the motion, so h(t) >= h(0) e^{-alpha t}
 * >= 0: robots that start apart stay apart, and robots outside obstacles stay outside, since entering one means
 * crossing an edge, where h_ie = -d_edge < 0. The per-robot problem min |u - u_law|^2 over half-planes in the plane
 * is solved exactly (the optimum is u_law, its projection on one constraint line, or the intersection of two).
 * While the robots are safe every right-hand side is non-positive, so u = 0 is feasible and scaling a safe command
 * down (speed saturation, which keeps the direction or the curvature) keeps it safe. When robots are already too
 * close (a pose jump, a robot that appeared), the constraints ask for separation at rate alpha |h|; if they cannot
 * all be met, they are relaxed to not closing in any further, and the law's velocity is projected on that.
 * Only barriers that can bind are built: with |u| <= v_max, a pair farther than d_pair + 2 v_max / alpha (an edge
 * farther than d_edge + v_max / alpha) cannot constrain u; and in a crowd only the MAX_NEIGHBOURS nearest robots
 * count (the others are behind them), so the filter costs O(1) per robot.
 * In discrete time (commands held for 1/rate s, poses a little old) the guarantee holds up to O(alpha / rate):
 * keep alpha well below the control rate.
 */
import type { Box } from '../engine/geometry.js';
import type { ObstacleMap } from '../engine/obstacles.js';
import type { Target } from '../engine/target.js';
import { boxArea } from '../engine/geometry.js';
import { makeGrid } from '../engine/grid.js';

/** Safety settings (live controller parameters). */
export interface SafetySettings {
  /** false: the law's velocities go through unfiltered. */
  readonly enabled: boolean;
  /** Radius of a robot's footprint, m. */
  readonly robotRadius: number;
  /** Extra gap kept between two robots' footprints and between a footprint and an obstacle or wall, m. */
  readonly clearance: number;
  /** alpha, 1/s: how fast a robot may close in on a barrier (approach speed <= alpha x remaining gap). */
  readonly gain: number;
}

/** Minimum centre-to-centre distance the settings keep between two robots, m. */
export function minSeparation(s: SafetySettings): number {
  return 2 * s.robotRadius + s.clearance;
}

/** What one filtering pass did. */
export interface SafetyReport {
  /** Commanded robots whose velocity the filter changed. */
  readonly modified: number;
  /** Commanded robots whose constraints could not all be met (already too close); they recover instead of covering. */
  readonly infeasible: number;
  /** Smallest distance between two control points, m (Infinity with fewer than two). */
  readonly closestPair: number;
  /** Smallest distance from a control point to an obstacle edge within range, m (Infinity when none is near). */
  readonly closestObstacle: number;
}

const TOLERANCE = 1e-9;

/** Robots a robot keeps barriers with: its nearest ones within range (a hexagonal crowd has 6 at the first ring). */
export const MAX_NEIGHBOURS = 12;

/** Component along n of the velocity of robot k's centre under its desired command (its heading for a unicycle). */
function alongNormal(nx: number, ny: number, u: Float64Array, k: number, headings: Float64Array | undefined): number {
  if (!headings) return nx * u[2 * k] + ny * u[2 * k + 1];
  const c = Math.cos(headings[k]);
  const s = Math.sin(headings[k]);
  return (nx * c + ny * s) * (c * u[2 * k] + s * u[2 * k + 1]);
}

/**
 * The CBF filter for a swarm. Holds its buffers between calls: a tick allocates nothing once the swarm size is
 * stable. Obstacles and walls come from the target.
 */
export class SafetyFilter {
  private readonly obstacles: ObstacleMap;
  private readonly domain: Box;
  /** Constraints of the current pass: ax, ay, b per constraint; those of robot i in [first[i], first[i+1]). */
  private cons = new Float64Array(3 * 64);
  private first = new Int32Array(1);
  private count = 0;
  // Bucket grid over the control points.
  private bucketStart = new Int32Array(1);
  private bucketItems = new Int32Array(0);
  private bucketOf = new Int32Array(0);
  /** The law's velocities at entry (the filter overwrites its input robot by robot). */
  private nominal = new Float64Array(0);
  /** Neighbours of the robot being filtered and their distances. */
  private near = new Int32Array(32);
  private nearD = new Float64Array(32);
  /** Candidate barriers with those neighbours: nx, ny, b, distance each. */
  private cand = new Float64Array(4 * 32);
  /** Heading of the robot being filtered (unicycle); NaN for a holonomic robot. */
  private ex = Number.NaN;
  private ey = Number.NaN;

  constructor(target: Target) {
    this.obstacles = target.obstacles;
    this.domain = target.domain;
  }

  /**
   * Filters `velocities` in place. `points` holds the centre of every robot with a known pose (interleaved x, y);
   * `movable[i]` is 1 for robots commanded this tick (the others are obstacles that do not move); `velocities` are
   * the law's velocities of the commanded points (centres, or look-ahead points for differential drive), bounded by
   * `maxSpeed` (m/s). `headings` (rad, per robot) marks differential-drive robots; omit it for holonomic ones.
   */
  filter(points: Float64Array, movable: Uint8Array, velocities: Float64Array, s: SafetySettings, maxSpeed: number, headings?: Float64Array): SafetyReport {
    const n = points.length >> 1;
    const dPair = minSeparation(s);
    const dEdge = s.robotRadius + s.clearance;
    const alpha = s.gain;
    const pairRange = dPair + (2 * maxSpeed) / alpha + TOLERANCE;
    const edgeRange = dEdge + maxSpeed / alpha + TOLERANCE;
    this.index(points, pairRange);
    if (this.nominal.length < 2 * n) this.nominal = new Float64Array(2 * n);
    this.nominal.set(velocities.subarray(0, 2 * n));
    const nominal = this.nominal;
    if (this.first.length < n + 1) this.first = new Int32Array(n + 1);
    this.count = 0;
    let closestPair = Infinity;
    let closestObstacle = Infinity;
    let modified = 0;
    let infeasible = 0;
    const { xmin, xmax, ymin, ymax } = this.domain;
    for (let i = 0; i < n; i++) {
      this.first[i] = this.count;
      this.ex = headings ? Math.cos(headings[i]) : Number.NaN;
      this.ey = headings ? Math.sin(headings[i]) : Number.NaN;
      const x = points[2 * i];
      const y = points[2 * i + 1];
      const found = this.collectNeighbours(points, i, x, y, pairRange);
      for (let t = 0; t < found; t++) if (this.near[t] > i && this.nearD[t] < closestPair) closestPair = this.nearD[t];
      if (!movable[i]) continue;
      // Barriers with other robots. One that cannot bind is skipped: the filtered velocity is never faster than the
      // law's (0 is feasible and projections do not expand), so a constraint met by every u with |u| <= |u_law| is
      // inactive. Of the rest, the nearest MAX_NEIGHBOURS count (in a crowd the farther ones are behind them).
      const speed = Math.sqrt(nominal[2 * i] ** 2 + nominal[2 * i + 1] ** 2);
      let kept = 0;
      for (let t = 0; t < found; t++) {
        const j = this.near[t];
        const d = this.nearD[t];
        let nx: number;
        let ny: number;
        let b: number;
        if (d < 1e-12) {
          // Coincident: separate along a direction fixed by the pair's order.
          const angle = (i < j ? 0 : Math.PI) + 0.5;
          [nx, ny, b] = [Math.cos(angle), Math.sin(angle), alpha * dPair * (movable[j] ? 0.5 : 1)];
        } else {
          nx = (x - points[2 * j]) / d;
          ny = (y - points[2 * j + 1]) / d;
          const h = d - dPair;
          if (!movable[j]) {
            b = -alpha * h;
          } else {
            // The pair's mean desired velocity along n_ij decides who leads; clamped so that u = 0 stays feasible.
            const half = 0.5 * alpha * Math.max(h, 0);
            const drift = 0.5 * (alongNormal(nx, ny, nominal, i, headings) + alongNormal(nx, ny, nominal, j, headings));
            b = -0.5 * alpha * h + (drift > half ? half : drift < -half ? -half : drift);
          }
        }
        const reach = headings ? Math.abs(nx * this.ex + ny * this.ey) : 1;
        if (b <= -speed * reach - TOLERANCE) continue;
        this.cand[4 * kept] = nx;
        this.cand[4 * kept + 1] = ny;
        this.cand[4 * kept + 2] = b;
        this.cand[4 * kept + 3] = d;
        kept++;
      }
      for (let t = 0; t < Math.min(kept, MAX_NEIGHBOURS); t++) {
        if (kept > MAX_NEIGHBOURS) this.selectNearest(t, kept);
        this.push(this.cand[4 * t], this.cand[4 * t + 1], this.cand[4 * t + 2]);
      }
      // Obstacle edges: inside an obstacle only the way out to the nearest edge counts.
      const inside = !this.obstacles.empty && this.obstacles.contains(x, y);
      if (inside) {
        let bx = 0;
        let by = 0;
        let best = Infinity;
        this.obstacles.visitEdges(x, y, Infinity, (cx, cy) => {
          const d = Math.hypot(cx - x, cy - y);
          if (d < best) [best, bx, by] = [d, cx, cy];
        });
        closestObstacle = 0;
        if (best > 0 && best < Infinity) this.push((bx - x) / best, (by - y) / best, alpha * (best + dEdge));
      } else {
        this.obstacles.visitEdges(x, y, edgeRange, (cx, cy) => {
          const dx = x - cx;
          const dy = y - cy;
          const d = Math.hypot(dx, dy);
          if (d < closestObstacle) closestObstacle = d;
          if (d > 1e-12) this.push(dx / d, dy / d, -alpha * (d - dEdge));
        });
      }
      // Walls of the domain: half-planes (a robot outside is brought back at rate alpha).
      if (x - xmin < edgeRange) this.push(1, 0, -alpha * (x - xmin - dEdge));
      if (xmax - x < edgeRange) this.push(-1, 0, -alpha * (xmax - x - dEdge));
      if (y - ymin < edgeRange) this.push(0, 1, -alpha * (y - ymin - dEdge));
      if (ymax - y < edgeRange) this.push(0, -1, -alpha * (ymax - y - dEdge));
      const status = this.solve(i, velocities);
      if (status > 0) modified++;
      if (status > 1) infeasible++;
    }
    this.first[n] = this.count;
    return { modified, infeasible, closestPair, closestObstacle };
  }

  /**
   * The smallest t in [0, 1] such that v + t (safe - v) meets robot i's constraints of the last pass, where v and
   * `safe` are control-point velocities (`safe` met them). Used to keep a rate-limited command safe.
   */
  blendToSafe(i: number, vx: number, vy: number, safeX: number, safeY: number): number {
    let t = 0;
    for (let k = this.first[i]; k < this.first[i + 1]; k++) {
      const ax = this.cons[3 * k];
      const ay = this.cons[3 * k + 1];
      const b = this.cons[3 * k + 2];
      const slack = ax * vx + ay * vy - b;
      if (slack >= -TOLERANCE) continue;
      const gain = ax * (safeX - vx) + ay * (safeY - vy);
      t = Math.max(t, gain > 0 ? Math.min(1, -slack / gain) : 1);
    }
    return t;
  }

  private growNear(): void {
    const j = new Int32Array(this.near.length * 2);
    j.set(this.near);
    const d = new Float64Array(this.nearD.length * 2);
    d.set(this.nearD);
    const c = new Float64Array(this.cand.length * 2);
    c.set(this.cand);
    this.near = j;
    this.nearD = d;
    this.cand = c;
  }

  /** One step of a selection sort of the candidates by distance: the nearest of [t, kept) moves to t. */
  private selectNearest(t: number, kept: number): void {
    const c = this.cand;
    let m = t;
    for (let q = t + 1; q < kept; q++) if (c[4 * q + 3] < c[4 * m + 3]) m = q;
    if (m === t) return;
    for (let f = 0; f < 4; f++) [c[4 * t + f], c[4 * m + f]] = [c[4 * m + f], c[4 * t + f]];
  }

  /**
   * Adds the constraint grad h . p' >= b for the robot being filtered, as a half-plane in its command u: grad h itself
   * for a holonomic robot, (grad h . e) e for a unicycle with heading e (p' = (e . u) e). A unicycle constraint that
   * its forward speed cannot affect (heading across grad h) is dropped.
   */
  private push(ax: number, ay: number, b: number): void {
    if (!Number.isNaN(this.ex)) {
      const k = ax * this.ex + ay * this.ey;
      if (Math.abs(k) < 1e-6) return;
      ax = k * this.ex;
      ay = k * this.ey;
    }
    if (3 * (this.count + 1) > this.cons.length) {
      const grown = new Float64Array(this.cons.length * 2);
      grown.set(this.cons);
      this.cons = grown;
    }
    this.cons[3 * this.count] = ax;
    this.cons[3 * this.count + 1] = ay;
    this.cons[3 * this.count + 2] = b;
    this.count++;
  }

  /** 0: u unchanged, 1: projected, 2: infeasible (recovering). */
  private solve(i: number, u: Float64Array): number {
    const from = this.first[i];
    const to = this.count;
    const c = this.cons;
    const ux = u[2 * i];
    const uy = u[2 * i + 1];
    if (this.feasible(from, to, ux, uy)) return 0;
    if (this.project(from, to, ux, uy, u, i)) return 1;
    // Already inside barriers whose recoveries conflict: separating at rate alpha |h| is relaxed to not closing in
    // (b = 0), which u = 0 meets, and the law's velocity is projected on that (recorded for blendToSafe).
    for (let k = from; k < to; k++) if (c[3 * k + 2] > 0) c[3 * k + 2] = 0;
    if (!this.project(from, to, ux, uy, u, i)) {
      u[2 * i] = 0;
      u[2 * i + 1] = 0;
    }
    return 2;
  }

  /** True when (ux, uy) meets constraints [from, to). */
  private feasible(from: number, to: number, ux: number, uy: number): boolean {
    const c = this.cons;
    for (let k = from; k < to; k++) if (c[3 * k] * ux + c[3 * k + 1] * uy < c[3 * k + 2] - TOLERANCE) return false;
    return true;
  }

  /**
   * The closest point to (ux, uy) in the intersection of the half-planes [from, to), written to out[2i..]; false
   * when the intersection is empty. Exact in 2-D: the candidates are the projections onto each line and the
   * intersections of pairs of lines whose KKT multipliers are non-negative.
   */
  private project(from: number, to: number, ux: number, uy: number, out: Float64Array, i: number): boolean {
    const c = this.cons;
    let bestX = 0;
    let bestY = 0;
    let bestD = Infinity;
    const consider = (x: number, y: number): void => {
      const d = (x - ux) ** 2 + (y - uy) ** 2;
      if (d < bestD && this.feasible(from, to, x, y)) [bestX, bestY, bestD] = [x, y, d];
    };
    for (let k = from; k < to; k++) {
      const ax = c[3 * k];
      const ay = c[3 * k + 1];
      const gap = (c[3 * k + 2] - (ax * ux + ay * uy)) / (ax * ax + ay * ay);
      if (gap > 0) consider(ux + gap * ax, uy + gap * ay);
    }
    for (let k = from; k < to; k++) {
      for (let m = k + 1; m < to; m++) {
        const det = c[3 * k] * c[3 * m + 1] - c[3 * k + 1] * c[3 * m];
        if (Math.abs(det) < 1e-9 * Math.sqrt((c[3 * k] ** 2 + c[3 * k + 1] ** 2) * (c[3 * m] ** 2 + c[3 * m + 1] ** 2))) continue;
        const bk = c[3 * k + 2];
        const bm = c[3 * m + 2];
        const x = (bk * c[3 * m + 1] - c[3 * k + 1] * bm) / det;
        const y = (c[3 * k] * bm - bk * c[3 * m]) / det;
        // KKT: the optimum at this vertex has u - u_law = lk a_k + lm a_m with both multipliers >= 0.
        const lk = ((x - ux) * c[3 * m + 1] - (y - uy) * c[3 * m]) / det;
        const lm = (c[3 * k] * (y - uy) - c[3 * k + 1] * (x - ux)) / det;
        if (lk >= -TOLERANCE && lm >= -TOLERANCE) consider(x, y);
      }
    }
    if (bestD === Infinity) return false;
    out[2 * i] = bestX;
    out[2 * i + 1] = bestY;
    return true;
  }

  /** Buckets of side `cell` over the points (reusing buffers). */
  private index(points: Float64Array, cell: number): void {
    const n = points.length >> 1;
    this.cell = cell;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, points[2 * i]);
      x1 = Math.max(x1, points[2 * i]);
      y0 = Math.min(y0, points[2 * i + 1]);
      y1 = Math.max(y1, points[2 * i + 1]);
    }
    if (n === 0) x0 = y0 = x1 = y1 = 0;
    // At most ~4 buckets per robot, whatever the spread (a robot far away must not blow the grid up).
    const limit = Math.max(1, Math.ceil(2 * Math.sqrt(n)));
    this.cell = Math.max(cell, (x1 - x0) / limit, (y1 - y0) / limit);
    this.gx = Math.floor((x1 - x0) / this.cell) + 1;
    this.gy = Math.floor((y1 - y0) / this.cell) + 1;
    this.ox = x0;
    this.oy = y0;
    const buckets = this.gx * this.gy;
    if (this.bucketStart.length < buckets + 1) this.bucketStart = new Int32Array(buckets + 1);
    if (this.bucketItems.length < n) {
      this.bucketItems = new Int32Array(n);
      this.bucketOf = new Int32Array(n);
    }
    const start = this.bucketStart;
    start.fill(0, 0, buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = this.bucketIndex(points[2 * i], points[2 * i + 1]);
      this.bucketOf[i] = b;
      start[b + 1]++;
    }
    for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
    for (let i = 0; i < n; i++) this.bucketItems[start[this.bucketOf[i]]++] = i;
    // start[b] now holds the end of bucket b; shift back.
    for (let b = buckets; b > 0; b--) start[b] = start[b - 1];
    start[0] = 0;
  }

  private cell = 1;
  private gx = 1;
  private gy = 1;
  private ox = 0;
  private oy = 0;

  private bucketIndex(x: number, y: number): number {
    const i = Math.min(this.gx - 1, Math.max(0, Math.floor((x - this.ox) / this.cell)));
    const j = Math.min(this.gy - 1, Math.max(0, Math.floor((y - this.oy) / this.cell)));
    return j * this.gx + i;
  }

  /** Fills near/nearD with the robots other than i within `range` of (x, y); returns their number. */
  private collectNeighbours(points: Float64Array, i: number, x: number, y: number, range: number): number {
    const i0 = Math.max(0, Math.floor((x - range - this.ox) / this.cell));
    const i1 = Math.min(this.gx - 1, Math.floor((x + range - this.ox) / this.cell));
    const j0 = Math.max(0, Math.floor((y - range - this.oy) / this.cell));
    const j1 = Math.min(this.gy - 1, Math.floor((y + range - this.oy) / this.cell));
    const r2 = range * range;
    let found = 0;
    for (let bj = j0; bj <= j1; bj++) {
      for (let bi = i0; bi <= i1; bi++) {
        const b = bj * this.gx + bi;
        for (let t = this.bucketStart[b]; t < this.bucketStart[b + 1]; t++) {
          const j = this.bucketItems[t];
          if (j === i) continue;
          const d2 = (points[2 * j] - x) ** 2 + (points[2 * j + 1] - y) ** 2;
          if (d2 > r2) continue;
          if (found === this.near.length) this.growNear();
          this.near[found] = j;
          this.nearD[found++] = Math.sqrt(d2);
        }
      }
    }
    return found;
  }
}

/** How tightly a target packs the swarm, against the minimum separation. */
export interface CrowdingCheck {
  /** Spacing of a hexagonal packing at the target's densest point for n robots, m. */
  readonly peakSpacing: number;
  /** Fraction of the target's mass where that spacing is below the minimum separation. */
  readonly tightMass: number;
  readonly minSeparation: number;
  /** True when the target can be met: the spacing at the peak is at least the minimum separation. */
  readonly feasible: boolean;
}

/**
 * Checks whether n robots kept `minSep` apart can follow the target: where the target asks for n rho robots per
 * m^2, hexagonal packing gives a spacing sqrt(2 / (sqrt(3) n rho)); below minSep, the safety layer wins and the
 * robots spread wider than the target there. Sampled on a 128-cell grid.
 */
export function crowdingCheck(target: Target, n: number, minSep: number): CrowdingCheck {
  const grid = makeGrid(target.domain, Math.sqrt(boxArea(target.domain)) / 128, 0);
  const { density } = target.onGrid(grid);
  const spacing = (rho: number): number => (rho > 0 ? Math.sqrt(2 / (Math.sqrt(3) * n * rho)) : Infinity);
  let peak = 0;
  let tight = 0;
  let total = 0;
  for (let k = 0; k < density.length; k++) {
    const rho = density[k];
    total += rho;
    if (rho > peak) peak = rho;
    if (spacing(rho) < minSep) tight += rho;
  }
  const peakSpacing = spacing(peak);
  return { peakSpacing, tightMass: total > 0 ? tight / total : 0, minSeparation: minSep, feasible: !(peakSpacing < minSep) };
}
