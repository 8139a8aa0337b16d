/**
 * What the room comparison measures besides the squared MMD: the distance of the robots from the target's
 * high-density region through free space, robots in obstacles, and the closest pair. Pure.
 */
import type { FreeGrid } from '../../src/engine/target/geodesic.js';
import { GeodesicPropagation, buildFreeGrid, nearestNode } from '../../src/engine/target/geodesic.js';
import type { Positions } from '../../src/engine/target/geometry.js';
import type { Target } from '../../src/engine/target/target.js';

/** Fraction of the target's mass in its high-density region (the densest part of the free space holding it). */
export const HIGH_DENSITY_MASS = 0.5;

/**
 * Geodesic distance (through free space, on a grid of `spacing`) from every point to the target's high-density
 * region: the smallest set of grid cells holding HIGH_DENSITY_MASS of the target's mass.
 */
export class HighDensityDistance {
  readonly grid: FreeGrid;
  private readonly dist: Float64Array;

  constructor(target: Target, spacing: number) {
    const g = buildFreeGrid(target.domain, target.obstacles, spacing);
    this.grid = g;
    const n = g.nx * g.ny;
    const density = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      if (!g.free[k]) continue;
      const i = k % g.nx;
      density[k] = target.valueAt(g.x0 + i * g.hx, g.y0 + ((k - i) / g.nx) * g.hy);
      total += density[k];
    }
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => density[b] - density[a]);
    const prop = new GeodesicPropagation(g);
    let acc = 0;
    for (const k of order) {
      if (acc >= HIGH_DENSITY_MASS * total || density[k] === 0) break;
      acc += density[k];
      prop.seed(k, 0, 0);
    }
    prop.run();
    this.dist = prop.dist;
  }

  /** Distance of (x, y) to the region, m (through the nearest grid node; 0 inside the region). */
  at(x: number, y: number): number {
    const g = this.grid;
    const k = nearestNode(g, x, y);
    const i = k % g.nx;
    const d = this.dist[k];
    if (d === 0) return 0;
    return d + Math.hypot(x - (g.x0 + i * g.hx), y - (g.y0 + ((k - i) / g.nx) * g.hy));
  }

  /** Median over the robots of their distance to the region, m. */
  median(p: Positions): number {
    const n = p.length >> 1;
    const d = Array.from({ length: n }, (_, i) => this.at(p[2 * i], p[2 * i + 1])).sort((a, b) => a - b);
    return n === 0 ? Number.NaN : n % 2 ? d[n >> 1] : 0.5 * (d[(n >> 1) - 1] + d[n >> 1]);
  }
}

/** Robots whose centre lies in an obstacle or outside the domain. */
export function robotsInObstacles(target: Target, p: Positions): number {
  const { xmin, xmax, ymin, ymax } = target.domain;
  let count = 0;
  for (let i = 0; i < p.length; i += 2) {
    const x = p[i];
    const y = p[i + 1];
    if (x < xmin || x > xmax || y < ymin || y > ymax || target.obstacles.contains(x, y)) count++;
  }
  return count;
}
