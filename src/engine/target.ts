import type { Box } from './geometry.js';
import { assertValidBox, boxArea } from './geometry.js';
import type { Grid } from './grid.js';
import { makeGrid, nodeX, nodeY } from './grid.js';
import type { DensityFunction, DensitySpec } from './density.js';
import { densityFunction } from './density.js';

/** Options of a target density. */
export interface TargetOptions {
  /**
   * Floor of rho_bar, as a fraction of the mean density 1/|Omega|. Applied outside the domain (so that mass leaking
   * out of Omega is expensive and robots stay off the walls) and wherever the target is lower inside (obstacles,
   * zero regions), so that 1/rho_bar stays finite. Default 0.04 (0.01 on a 2 m x 2 m box).
   */
  readonly floor?: number;
}

/** The target sampled on a grid. */
export interface TargetOnGrid {
  readonly grid: Grid;
  /** Target probability density: sums to 1 over the inside nodes (times the cell area), 0 in the margin. */
  readonly density: Float64Array;
  /** rho_bar as the blob field sees it: the density floored, and the floor outside the domain. */
  readonly rhoBar: Float64Array;
  /** The floor value in 1/m^2. */
  readonly floor: number;
}

/** Default floor fraction of the mean density. */
export const DEFAULT_FLOOR = 0.04;

/**
 * A target coverage density on a box domain: a validated density function, normalized over the domain on each
 * grid it is sampled on (so that the discrete mass is exactly one).
 */
export class Target {
  readonly domain: Box;
  readonly spec: DensitySpec;
  readonly floorFraction: number;
  private readonly fn: DensityFunction;
  private readonly cache = new Map<string, TargetOnGrid>();

  constructor(spec: DensitySpec, domain: Box, options: TargetOptions = {}) {
    assertValidBox(domain);
    this.domain = domain;
    this.spec = spec;
    this.floorFraction = options.floor ?? DEFAULT_FLOOR;
    if (!(this.floorFraction > 0) || !Number.isFinite(this.floorFraction)) {
      throw new Error(`target floor must be a positive fraction of the mean density, got ${this.floorFraction}`);
    }
    this.fn = densityFunction(spec, domain);
    // Validate once on a probe grid so that a bad target fails at load time with a clear message.
    const side = Math.sqrt(boxArea(domain));
    this.onGrid(makeGrid(domain, side / 96, 0));
  }

  /** The unnormalized density at a point (for sampling and plotting). */
  valueAt(x: number, y: number): number {
    return this.fn(x, y);
  }

  /** Samples, validates and normalizes the target on a grid; cached per grid geometry. */
  onGrid(grid: Grid): TargetOnGrid {
    const key = `${grid.nx},${grid.ny},${grid.hx},${grid.hy},${grid.x0},${grid.y0}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const n = grid.nx * grid.ny;
    const density = new Float64Array(n);
    let mass = 0;
    let peak = 0;
    for (let j = 0; j < grid.ny; j++) {
      const y = nodeY(grid, j);
      for (let i = 0; i < grid.nx; i++) {
        const k = j * grid.nx + i;
        if (!grid.inside[k]) continue;
        const x = nodeX(grid, i);
        const v = this.fn(x, y);
        if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`target density is not a number at (x, y) = (${fmt(x)}, ${fmt(y)})`);
        if (!Number.isFinite(v)) throw new Error(`target density is infinite at (x, y) = (${fmt(x)}, ${fmt(y)})`);
        if (v < 0) throw new Error(`target density is negative at (x, y) = (${fmt(x)}, ${fmt(y)}): ${v}`);
        density[k] = v;
        mass += v;
        if (v > peak) peak = v;
      }
    }
    if (!(mass > 0)) throw new Error('target density is zero everywhere in the domain');
    mass *= grid.cellArea;
    if (!Number.isFinite(mass)) throw new Error('target density has an infinite integral over the domain');
    const scale = 1 / mass;
    for (let k = 0; k < n; k++) density[k] *= scale;
    const floor = this.floorFraction / boxArea(this.domain);
    const rhoBar = new Float64Array(n);
    for (let k = 0; k < n; k++) rhoBar[k] = density[k] > floor ? density[k] : floor;
    const out: TargetOnGrid = { grid, density, rhoBar, floor };
    if (this.cache.size > 16) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }
}

function fmt(v: number): string {
  return Number(v.toFixed(4)).toString();
}
