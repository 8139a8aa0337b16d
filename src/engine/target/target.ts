import type { Box } from './geometry.js';
import { assertValidBox, boxArea } from './geometry.js';
import type { Grid } from '../field/grid.js';
import { makeGrid, nodeX, nodeY } from '../field/grid.js';
import type { DensityFunction, DensitySpec, Raster } from './density.js';
import { densityFunction } from './density.js';
import { ObstacleMap } from './obstacles.js';
import type { OccupancyRaster, Polygon } from './obstacles.js';

/** Options of a target density. */
export interface TargetOptions {
  /**
   * Floor of rho_bar, as a fraction of the mean density 1/|Omega|. Applied outside the domain (so that mass leaking
   * out of Omega is expensive and robots stay off the walls) and wherever the target is lower inside (obstacles,
   * zero regions), so that 1/rho_bar stays finite. Default 0.04 (0.01 on a 2 m x 2 m box).
   */
  readonly floor?: number;
  /** Obstacles: the target is zero in them (rho_bar at the floor), so that the flow itself keeps robots out. */
  readonly obstacles?: ObstacleMap;
  /**
   * Int_Omega of the unnormalized density when it is already known (a target rebuilt from a snapshot): the
   * normalization and its validation are skipped.
   */
  readonly mass?: number;
  /** Arrays already computed for this target (a snapshot's `cache`), keyed as `onGrid` and `derived` key them. */
  readonly cache?: readonly (readonly [string, unknown])[];
}

/**
 * Everything a target is, as structured-cloneable data: it rebuilds the same target in another thread (a worker
 * builds targets and laws aside from the control loop), with the arrays computed so far.
 */
export interface TargetSnapshot {
  readonly spec: DensitySpec;
  readonly domain: Box;
  readonly floorFraction: number;
  readonly mass: number;
  readonly obstacles: { readonly polygons: readonly Polygon[]; readonly rasters: readonly OccupancyRaster[]; readonly segments: Float64Array };
  readonly cache: [string, unknown][];
}

/** Most arrays a target keeps, in entries and in bytes (least recently used first out; the newest always stays). */
const CACHE_ENTRIES = 48;
const CACHE_BYTES = 512 * 2 ** 20;

/** Bytes held by the typed arrays in a cached value (a TargetOnGrid, an array, a list of arrays). */
function bytesOf(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value === null || typeof value !== 'object' || depth > 3) return 0;
  let sum = 0;
  for (const v of Object.values(value)) sum += bytesOf(v, depth + 1);
  return sum;
}

/** The target sampled on a grid. */
export interface TargetOnGrid {
  readonly grid: Grid;
  /** Target probability density at the inside nodes (integral 1 over the domain), 0 in the margin. */
  readonly density: Float64Array;
  /** rho_bar as the blob field sees it: the density floored, and the floor outside the domain. */
  readonly rhoBar: Float64Array;
  /** The floor value in 1/m^2. */
  readonly floor: number;
}

/** Default floor fraction of the mean density. */
export const DEFAULT_FLOOR = 0.04;

/**
 * A target coverage density on a box domain: a validated density function, normalized over the domain once
 * (exactly for rasters, by Richardson-extrapolated midpoint sums on 128^2 and 256^2 cells otherwise), then
 * sampled on each grid that asks for it.
 */
export class Target {
  readonly domain: Box;
  readonly spec: DensitySpec;
  readonly floorFraction: number;
  /** What robots must not enter (empty when the scenario has no obstacles). */
  readonly obstacles: ObstacleMap;
  private readonly fn: DensityFunction;
  /** onGrid samplings and `derived` arrays, by key, least recently used first. */
  private readonly cache = new Map<string, unknown>();
  private cacheBytes = 0;
  /** Int_Omega of the unnormalized density. */
  readonly mass: number;

  constructor(spec: DensitySpec, domain: Box, options: TargetOptions = {}) {
    assertValidBox(domain);
    this.domain = domain;
    this.spec = spec;
    this.floorFraction = options.floor ?? DEFAULT_FLOOR;
    if (!(this.floorFraction > 0) || !Number.isFinite(this.floorFraction)) {
      throw new Error(`target floor must be a positive fraction of the mean density, got ${this.floorFraction}`);
    }
    this.obstacles = options.obstacles ?? new ObstacleMap();
    const free = densityFunction(spec, domain);
    const obstacles = this.obstacles;
    this.fn = obstacles.empty ? free : (x, y) => (obstacles.contains(x, y) ? 0 : free(x, y));
    for (const [key, value] of options.cache ?? []) this.remember(key, value);
    if (options.mass !== undefined) {
      this.mass = options.mass;
    } else {
      // Validate on a probe grid first, so that a bad target fails at load time with a clear message.
      const side = Math.max(domain.xmax - domain.xmin, domain.ymax - domain.ymin);
      const coarse = this.sumInside(makeGrid(domain, side / 128, 0));
      this.mass = spec.type === 'raster' && this.obstacles.empty ? rasterMass(spec.raster, domain) : (4 * this.sumInside(makeGrid(domain, side / 256, 0)) - coarse) / 3;
    }
    if (!(this.mass > 0) || !Number.isFinite(this.mass)) {
      throw new Error(`target density has no positive finite mass over the domain${this.obstacles.empty ? '' : ' outside the obstacles'}`);
    }
  }

  /** Rebuilds a target from its snapshot (no normalization: the snapshot carries the mass and the arrays). */
  static fromSnapshot(s: TargetSnapshot): Target {
    const obstacles = new ObstacleMap(s.obstacles.polygons, s.obstacles.rasters, s.obstacles.segments);
    return new Target(s.spec, s.domain, { floor: s.floorFraction, obstacles, mass: s.mass, cache: s.cache });
  }

  /** This target as data; `withCache` false leaves out the arrays computed so far. */
  snapshot(withCache = true): TargetSnapshot {
    const o = this.obstacles;
    return {
      spec: this.spec,
      domain: this.domain,
      floorFraction: this.floorFraction,
      mass: this.mass,
      obstacles: { polygons: o.polygons, rasters: o.rasters, segments: o.segments },
      cache: withCache ? [...this.cache] : [],
    };
  }

  /** Adopts arrays computed for this same target elsewhere (a snapshot's cache from another thread). */
  absorb(entries: readonly (readonly [string, unknown])[]): void {
    for (const [key, value] of entries) this.remember(key, value);
  }

  /**
   * An array (or a few) computed once from this target and kept with it, by a key that must name everything it
   * depends on besides the target: the fields' smoothed targets, the metric's convolution, ... Arrays built in a
   * worker arrive in the snapshot, so the control loop's thread does not build them again.
   */
  derived<T>(key: string, build: () => T): T {
    const hit = this.recall(key);
    if (hit !== undefined) return hit as T;
    const value = build();
    this.remember(key, value);
    return value;
  }

  private recall(key: string): unknown {
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private remember(key: string, value: unknown): void {
    if (this.cache.has(key)) this.forget(key);
    this.cache.set(key, value);
    this.cacheBytes += bytesOf(value);
    while (this.cache.size > 1 && (this.cache.size > CACHE_ENTRIES || this.cacheBytes > CACHE_BYTES)) this.forget(this.cache.keys().next().value as string);
  }

  private forget(key: string): void {
    this.cacheBytes -= bytesOf(this.cache.get(key));
    this.cache.delete(key);
  }

  /** Midpoint-rule integral over the domain on a grid, validating every value (throws naming the place). */
  private sumInside(grid: Grid): number {
    let sum = 0;
    for (let j = 0; j < grid.ny; j++) {
      const y = nodeY(grid, j);
      for (let i = 0; i < grid.nx; i++) {
        if (!grid.inside[j * grid.nx + i]) continue;
        const x = nodeX(grid, i);
        sum += checkValue(this.fn(x, y), x, y);
      }
    }
    if (!(sum > 0)) throw new Error('target density is zero everywhere in the domain' + (this.obstacles?.empty === false ? ' outside the obstacles' : ''));
    sum *= grid.cellArea;
    if (!Number.isFinite(sum)) throw new Error('target density has an infinite integral over the domain');
    return sum;
  }

  /** The unnormalized density at a point (for sampling and plotting). */
  valueAt(x: number, y: number): number {
    return this.fn(x, y);
  }

  /**
   * Samples, validates and normalizes the target on a grid; cached per grid geometry.
   *
   * Outside the domain rho_bar decays smoothly from its value at the nearest boundary point to the floor,
   * rho_bar(y) = floor + (rho_bar(pi(y)) - floor) exp(-d(y)^2 / (2 w^2)), with pi(y) the nearest point of the box,
   * d(y) the distance to it and w = `wallWidth`. A step at the wall would make the quadrature converge only as
   * h^2 with a large constant (2e-2 of the largest speed at h = eps/2, measured); the smooth decay keeps the
   * integrand smooth, and leaking mass still pays 1/floor a few w beyond the wall. With wallWidth 0, a step.
   */
  onGrid(grid: Grid, wallWidth = 0): TargetOnGrid {
    const key = `grid:${grid.nx},${grid.ny},${grid.hx},${grid.hy},${grid.x0},${grid.y0},${wallWidth}`;
    const hit = this.recall(key);
    if (hit) return hit as TargetOnGrid;
    const n = grid.nx * grid.ny;
    const density = new Float64Array(n);
    for (let j = 0; j < grid.ny; j++) {
      const y = nodeY(grid, j);
      for (let i = 0; i < grid.nx; i++) {
        const k = j * grid.nx + i;
        if (!grid.inside[k]) continue;
        const x = nodeX(grid, i);
        density[k] = checkValue(this.fn(x, y), x, y);
      }
    }
    const scale = 1 / this.mass;
    for (let k = 0; k < n; k++) density[k] *= scale;
    const floor = this.floorFraction / boxArea(this.domain);
    const rhoBar = new Float64Array(n);
    for (let k = 0; k < n; k++) rhoBar[k] = density[k] > floor ? density[k] : floor;
    if (wallWidth > 0) {
      const { xmin, xmax, ymin, ymax } = this.domain;
      const inv = -0.5 / (wallWidth * wallWidth);
      for (let j = 0; j < grid.ny; j++) {
        const y = nodeY(grid, j);
        const py = y < ymin ? ymin : y > ymax ? ymax : y;
        for (let i = 0; i < grid.nx; i++) {
          const k = j * grid.nx + i;
          if (grid.inside[k]) continue;
          const x = nodeX(grid, i);
          const px = x < xmin ? xmin : x > xmax ? xmax : x;
          const d2 = (x - px) ** 2 + (y - py) ** 2;
          const decay = Math.exp(inv * d2);
          if (decay < 1e-300) continue;
          const edge = Math.max(floor, this.fn(px, py) * scale);
          rhoBar[k] = floor + (edge - floor) * decay;
        }
      }
    }
    const out: TargetOnGrid = { grid, density, rhoBar, floor };
    this.remember(key, out);
    return out;
  }
}

function checkValue(v: number, x: number, y: number): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`target density is not a number at (x, y) = (${fmt(x)}, ${fmt(y)})`);
  if (!Number.isFinite(v)) throw new Error(`target density is infinite at (x, y) = (${fmt(x)}, ${fmt(y)})`);
  if (v < 0) throw new Error(`target density is negative at (x, y) = (${fmt(x)}, ${fmt(y)}): ${v}`);
  return v;
}

/** Exact integral of a raster's intensity over the part of the image inside the box (pixel overlap areas). */
function rasterMass(r: Raster, b: Box): number {
  const [ox, oy] = r.origin;
  const res = r.resolution;
  let sum = 0;
  for (let row = 0; row < r.height; row++) {
    const y0 = oy + (r.height - 1 - row) * res;
    const fy = Math.max(0, Math.min(y0 + res, b.ymax) - Math.max(y0, b.ymin));
    if (fy === 0) continue;
    for (let c = 0; c < r.width; c++) {
      const x0 = ox + c * res;
      const fx = Math.max(0, Math.min(x0 + res, b.xmax) - Math.max(x0, b.xmin));
      if (fx > 0) sum += r.values[row * r.width + c] * fx * fy;
    }
  }
  return sum;
}

function fmt(v: number): string {
  return Number(v.toFixed(4)).toString();
}
