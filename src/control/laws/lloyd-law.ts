import type { Positions } from '../../engine/target/geometry.js';
import { VoronoiCentroids, lloydGridSpacing } from '../../engine/laws/lloyd.js';
import type { Target } from '../../engine/target/target.js';
import type { CoverageLaw, LawOutput } from './law.js';

/** How Lloyd's law is tuned. */
export interface LloydLawSettings {
  /** Gain k, 1/s: v = k (centroid - position). */
  readonly gain: number;
}

/**
 * Lloyd's algorithm as a continuous-time coverage law (Cortes, Martinez, Karatas, Bullo 2004): every robot heads
 * for the centroid of its density-weighted Voronoi cell, v_i = k (c_i - x_i). The swarm descends Lloyd's cost H
 * and settles on a centroidal Voronoi tessellation, where in 2-D the robots' density follows rho_bar^(1/2) (Gersho's
 * conjecture; d / (d + 2) in d dimensions), not rho_bar. Cells are cached per robot count.
 */
export class LloydLaw implements CoverageLaw {
  readonly algorithm = 'lloyd';
  readonly target: Target;
  readonly settings: LloydLawSettings;
  private readonly cache = new Map<number, VoronoiCentroids>();
  private centroids = new Float64Array(0);

  constructor(target: Target, settings: LloydLawSettings) {
    if (!(settings.gain > 0) || !Number.isFinite(settings.gain)) throw new Error(`Lloyd gain must be a positive number (1/s), got ${settings.gain}`);
    this.target = target;
    this.settings = settings;
  }

  /** Builds (and caches) the cells' grid for n live robots ahead of the first control tick that needs it. */
  prepare(n: number): void {
    if (n > 0) this.cellsFor(n);
  }

  private cellsFor(n: number): VoronoiCentroids {
    let cells = this.cache.get(n);
    if (cells) return cells;
    cells = new VoronoiCentroids(this.target, lloydGridSpacing(this.target.domain, n));
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(n, cells);
    return cells;
  }

  /** k (c_i - x_i) for every robot; returns Lloyd's cost H of the current cells. */
  evaluate(positions: Positions, velocities: Float64Array): LawOutput {
    const n = positions.length >> 1;
    if (n === 0) return { energy: 0, epsilon: 0 };
    if (this.centroids.length < positions.length) this.centroids = new Float64Array(positions.length);
    const c = this.centroids;
    const cost = this.cellsFor(n).compute(positions, c);
    const k = this.settings.gain;
    for (let i = 0; i < positions.length; i++) velocities[i] = k * (c[i] - positions[i]);
    return { energy: cost, epsilon: 0 };
  }
}
