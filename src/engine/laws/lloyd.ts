import type { Box, Positions } from '../target/geometry.js';
import { meanSpacing } from '../flow/epsilon.js';
import type { Grid } from '../field/grid.js';
import { makeGrid, nodeX, nodeY } from '../field/grid.js';
import type { StepResult } from '../flow/integrator.js';
import { reflectInto } from '../flow/integrator.js';
import type { ObstacleMap } from '../target/obstacles.js';
import { GeodesicPropagation, targetFreeGrid } from '../target/geodesic.js';
import type { Target } from '../target/target.js';

/**
 * Default gain k of Lloyd's law v = k (c - x), 1/s: half the way to the centroid per tick at the controller's 10 Hz.
 * Measured on the comparison scenarios (`npm run bench:coverage`): k = 1 leaves the swarm far from its centroidal
 * tessellation after 20 s (2-10x the final squared MMD of k = 5); k = 10, a full Lloyd step per tick, is up to 1.9x
 * faster from a clustered start but has no margin for a tick of pose latency.
 */
export const DEFAULT_LLOYD_GAIN = 5;

/**
 * Node spacing of the Voronoi grid for n robots, m: an eighth of the mean spacing sqrt(|Omega| / n) (about 50 nodes
 * per cell), and at least 128 nodes along the longer side of the domain.
 */
export function lloydGridSpacing(domain: Box, n: number): number {
  return Math.min(Math.max(domain.xmax - domain.xmin, domain.ymax - domain.ymin) / 128, meanSpacing(domain, n) / 8);
}

/**
 * Density-weighted Voronoi cells of a swarm on a grid over the domain, their centroids and Lloyd's locational cost
 *
 *   H = Int_Omega min_i |y - x_i|^2 rho_bar(y) dy,      c_i = Int_{V_i} y rho_bar(y) dy / Int_{V_i} rho_bar(y) dy,
 *
 * by midpoint quadrature. The weight of a node is rho_bar (the target floored, as the blob flow sees it) times the
 * cell area in free space inside the domain, and 0 in obstacles and outside: cells are restricted to free space.
 *
 * Every node is assigned to its nearest robot by vector propagation (Danielsson's 8-neighbour two-pass scan): each
 * robot seeds the 3 x 3 nodes around it, then a forward and a backward raster pass let every node take the nearest
 * of the robots owning its already-visited neighbours. O(M) per call whatever the layout (a clustered swarm costs no
 * more than a spread one), no allocation once the swarm size is stable. Not exact: a node next to a Voronoi edge, or
 * far from a clustered swarm where cells are slivers narrower than a node, can go to a neighbour of its nearest robot.
 * Measured against a brute-force search (2 to 400 robots, spread or clustered in a corner): at most 11 of 16,900
 * nodes, H within 1e-6.
 *
 * With obstacles the cells are geodesic: every node goes to the robot nearest through free space (multi-source
 * Dijkstra over the grid links that cross no wall, geodesic.ts, seeded at the 3 x 3 nodes around each robot that it
 * sees), so a cell never reaches across a wall to the room behind it (Euclidean cells did, and their robots pressed
 * against the wall facing the part of their cell behind it). Link chains overestimate straight distances by up to 8%
 * (the 8-neighbour chamfer), so geodesic cells are Voronoi cells up to that anisotropy; open rooms keep the exact
 * Euclidean assignment. A centroid that still falls in an obstacle (a cell wrapping round a pillar) is replaced by the
 * free node of the cell nearest to it (the constrained centroid), so that the law never drives a robot into one.
 */
export class VoronoiCentroids {
  readonly grid: Grid;
  /** Quadrature weight of each node: rho_bar times the cell area in free space inside the domain, 0 elsewhere. */
  readonly weights: Float64Array;
  private readonly obstacles: ObstacleMap;
  private readonly owner: Int32Array;
  private readonly d2: Float64Array;
  private mass = new Float64Array(0);
  private mx = new Float64Array(0);
  private my = new Float64Array(0);
  private best = new Float64Array(0);
  private flagged = new Uint8Array(0);
  /** Geodesic assignment (with obstacles only). */
  private readonly geodesic: GeodesicPropagation | undefined;

  constructor(target: Target, spacing: number) {
    this.grid = makeGrid(target.domain, spacing, 0);
    this.geodesic = target.obstacles.empty ? undefined : new GeodesicPropagation(targetFreeGrid(target, spacing));
    const g = this.grid;
    this.obstacles = target.obstacles;
    const n = g.nx * g.ny;
    // The node masses, once per target and spacing.
    this.weights = target.derived(`lloyd:${spacing}`, () => {
      const { density, floor } = target.onGrid(g);
      const weights = new Float64Array(n);
      for (let j = 0; j < g.ny; j++) {
        for (let i = 0; i < g.nx; i++) {
          const k = j * g.nx + i;
          if (!g.inside[k] || (!this.obstacles.empty && this.obstacles.contains(nodeX(g, i), nodeY(g, j)))) continue;
          weights[k] = Math.max(density[k], floor) * g.cellArea;
        }
      }
      return weights;
    });
    this.owner = new Int32Array(n);
    this.d2 = new Float64Array(n);
  }

  /**
   * Assigns the nodes to the robots at `positions` (interleaved), writes each robot's cell centroid into `centroids`
   * (its own position when its cell holds no mass) and, when given, its cell mass into `masses`; returns H (m^2).
   */
  compute(positions: Positions, centroids: Float64Array, masses?: Float64Array): number {
    const n = positions.length >> 1;
    if (n === 0) return 0;
    if (this.mass.length < n) {
      this.mass = new Float64Array(n);
      this.mx = new Float64Array(n);
      this.my = new Float64Array(n);
      this.best = new Float64Array(n);
      this.flagged = new Uint8Array(n);
    }
    if (this.geodesic) this.assignGeodesic(positions);
    else this.assign(positions);
    const { owner, d2, weights, mass, mx, my } = this;
    const g = this.grid;
    mass.fill(0, 0, n);
    mx.fill(0, 0, n);
    my.fill(0, 0, n);
    let cost = 0;
    for (let j = 0; j < g.ny; j++) {
      const y = g.y0 + j * g.hy;
      for (let i = 0; i < g.nx; i++) {
        const k = j * g.nx + i;
        const w = weights[k];
        if (w === 0) continue;
        const o = owner[k];
        if (o < 0) continue; // a free pocket no robot reaches
        mass[o] += w;
        mx[o] += w * (g.x0 + i * g.hx);
        my[o] += w * y;
        cost += w * d2[k];
      }
    }
    let inObstacle = false;
    for (let p = 0; p < n; p++) {
      this.flagged[p] = 0;
      if (mass[p] > 0) {
        centroids[2 * p] = mx[p] / mass[p];
        centroids[2 * p + 1] = my[p] / mass[p];
        if (!this.obstacles.empty && this.obstacles.contains(centroids[2 * p], centroids[2 * p + 1])) {
          this.flagged[p] = 1;
          inObstacle = true;
        }
      } else {
        centroids[2 * p] = positions[2 * p];
        centroids[2 * p + 1] = positions[2 * p + 1];
      }
      if (masses) masses[p] = mass[p];
    }
    if (inObstacle) this.constrain(centroids, n);
    return cost;
  }

  /** Moves every flagged centroid (it lies in an obstacle) onto the free node of its cell nearest to it. */
  private constrain(centroids: Float64Array, n: number): void {
    const { owner, weights, flagged, best, mx, my } = this;
    const g = this.grid;
    best.fill(Infinity, 0, n);
    // mx, my are free again: they hold the nearest free node found so far.
    for (let j = 0; j < g.ny; j++) {
      const y = g.y0 + j * g.hy;
      for (let i = 0; i < g.nx; i++) {
        const k = j * g.nx + i;
        const o = owner[k];
        if (weights[k] === 0 || !flagged[o]) continue;
        const x = g.x0 + i * g.hx;
        const d = (x - centroids[2 * o]) ** 2 + (y - centroids[2 * o + 1]) ** 2;
        if (d < best[o]) {
          best[o] = d;
          mx[o] = x;
          my[o] = y;
        }
      }
    }
    for (let p = 0; p < n; p++) {
      if (!flagged[p]) continue;
      centroids[2 * p] = mx[p];
      centroids[2 * p + 1] = my[p];
    }
  }

  /** Nearest robot through free space of every node (owner, squared geodesic distance d2). */
  private assignGeodesic(positions: Positions): void {
    const prop = this.geodesic!;
    const f = prop.grid;
    const g = this.grid;
    const m = g.margin;
    prop.reset();
    const n = positions.length >> 1;
    for (let p = 0; p < n; p++) {
      const px = positions[2 * p];
      const py = positions[2 * p + 1];
      const ci = Math.round((px - f.x0) / f.hx);
      const cj = Math.round((py - f.y0) / f.hy);
      for (let j = Math.max(0, cj - 1); j <= Math.min(f.ny - 1, cj + 1); j++) {
        for (let i = Math.max(0, ci - 1); i <= Math.min(f.nx - 1, ci + 1); i++) {
          const x = f.x0 + i * f.hx;
          const y = f.y0 + j * f.hy;
          if (this.obstacles.blocks(px, py, x, y)) continue;
          prop.seed(j * f.nx + i, Math.hypot(x - px, y - py), p);
        }
      }
    }
    prop.run();
    this.owner.fill(-1);
    this.d2.fill(Infinity);
    for (let j = 0; j < f.ny; j++) {
      for (let i = 0; i < f.nx; i++) {
        const k = (j + m) * g.nx + i + m;
        const d = prop.dist[j * f.nx + i];
        this.owner[k] = prop.owner[j * f.nx + i];
        this.d2[k] = d * d;
      }
    }
  }

  /** Nearest robot of every node (owner, squared distance d2) by seeding and two raster passes. */
  private assign(positions: Positions): void {
    const g = this.grid;
    const { nx, ny } = g;
    const { owner, d2 } = this;
    owner.fill(-1);
    d2.fill(Infinity);
    const n = positions.length >> 1;
    for (let p = 0; p < n; p++) {
      const px = positions[2 * p];
      const py = positions[2 * p + 1];
      // The 3 x 3 nodes around the nearest one: two robots closer than a node both keep their seeds.
      const ci = Math.round((px - g.x0) / g.hx);
      const cj = Math.round((py - g.y0) / g.hy);
      for (let j = Math.max(0, cj - 1); j <= Math.min(ny - 1, cj + 1); j++) {
        for (let i = Math.max(0, ci - 1); i <= Math.min(nx - 1, ci + 1); i++) this.offer(j * nx + i, i, j, p, positions);
      }
    }
    // Forward pass: from below and the left, then from the right within the row.
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (i > 0) this.offer(k, i, j, owner[k - 1], positions);
        if (j > 0) {
          const b = k - nx;
          if (i > 0) this.offer(k, i, j, owner[b - 1], positions);
          this.offer(k, i, j, owner[b], positions);
          if (i < nx - 1) this.offer(k, i, j, owner[b + 1], positions);
        }
      }
      for (let i = nx - 2; i >= 0; i--) this.offer(j * nx + i, i, j, owner[j * nx + i + 1], positions);
    }
    // Backward pass: from above and the right, then from the left within the row.
    for (let j = ny - 1; j >= 0; j--) {
      for (let i = nx - 1; i >= 0; i--) {
        const k = j * nx + i;
        if (i < nx - 1) this.offer(k, i, j, owner[k + 1], positions);
        if (j < ny - 1) {
          const a = k + nx;
          if (i < nx - 1) this.offer(k, i, j, owner[a + 1], positions);
          this.offer(k, i, j, owner[a], positions);
          if (i > 0) this.offer(k, i, j, owner[a - 1], positions);
        }
      }
      for (let i = 1; i < nx; i++) this.offer(j * nx + i, i, j, owner[j * nx + i - 1], positions);
    }
  }

  /** Node k = (i, j) takes robot o when o is nearer than its current owner. */
  private offer(k: number, i: number, j: number, o: number, positions: Positions): void {
    if (o < 0 || o === this.owner[k]) return;
    const g = this.grid;
    const dx = g.x0 + i * g.hx - positions[2 * o];
    const dy = g.y0 + j * g.hy - positions[2 * o + 1];
    const d = dx * dx + dy * dy;
    if (d < this.d2[k]) {
      this.d2[k] = d;
      this.owner[k] = o;
    }
  }
}

/** Options of Lloyd's law as a run's stepper. */
export interface LloydStepperOptions {
  /** Gain k, 1/s. */
  readonly gain: number;
  /** Robots are kept inside this box. */
  readonly domain: Box;
  /** Optional speed limit, m/s, per robot keeping the direction. */
  readonly maxSpeed?: number;
  /** Largest time step, s. Default 0.05 (and never above 1/k, where the step would overshoot the centroid). */
  readonly maxStep?: number;
}

/**
 * Lloyd's continuous-time law x_i' = k (c_i - x_i) (Cortes et al.) integrated by explicit Euler for `blob-coverage
 * run`. With k dt <= 1 each step moves every robot towards its centroid without passing it, which cannot raise H for
 * the current cells, and the reassignment to the nearest robot cannot raise it either: H never increases.
 */
export class LloydStepper {
  readonly gain: number;
  private readonly target: Target;
  private readonly domain: Box;
  private readonly maxSpeed: number;
  private readonly maxStep: number;
  private cells: VoronoiCentroids | undefined;
  private centroids = new Float64Array(0);

  constructor(target: Target, options: LloydStepperOptions) {
    if (!(options.gain > 0) || !Number.isFinite(options.gain)) throw new Error(`Lloyd gain must be a positive number (1/s), got ${options.gain}`);
    this.gain = options.gain;
    this.target = target;
    this.domain = options.domain;
    this.maxSpeed = options.maxSpeed ?? Infinity;
    this.maxStep = Math.min(options.maxStep ?? 0.05, 1 / this.gain);
  }

  /** Advances `positions` in place by at most `maxDt` seconds; the energy returned is H after the step. */
  step(positions: Positions, maxDt: number): StepResult {
    const n = positions.length >> 1;
    if (!this.cells || this.centroids.length !== positions.length) {
      this.cells = new VoronoiCentroids(this.target, lloydGridSpacing(this.domain, n));
      this.centroids = new Float64Array(positions.length);
    }
    const c = this.centroids;
    this.cells.compute(positions, c);
    const dt = Math.min(maxDt, this.maxStep);
    let vmax = 0;
    let vsum = 0;
    const { xmin, xmax, ymin, ymax } = this.domain;
    for (let i = 0; i < n; i++) {
      let vx = this.gain * (c[2 * i] - positions[2 * i]);
      let vy = this.gain * (c[2 * i + 1] - positions[2 * i + 1]);
      let s = Math.hypot(vx, vy);
      if (s > this.maxSpeed) {
        vx *= this.maxSpeed / s;
        vy *= this.maxSpeed / s;
        s = this.maxSpeed;
      }
      vmax = Math.max(vmax, s);
      vsum += s;
      positions[2 * i] = reflectInto(positions[2 * i] + dt * vx, xmin, xmax);
      positions[2 * i + 1] = reflectInto(positions[2 * i + 1] + dt * vy, ymin, ymax);
    }
    const energy = this.cells.compute(positions, c);
    return { dt, energy, maxSpeed: vmax, meanSpeed: n ? vsum / n : 0 };
  }
}
