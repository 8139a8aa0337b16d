import type { Positions } from '../target/geometry.js';
import { makeGrid, nodeX, nodeY } from './grid.js';
import type { Target } from '../target/target.js';

/** Options of the dense reference evaluation. */
export interface DenseOptions {
  readonly epsilon: number;
  readonly diffusivity: number;
  /** Grid spacing in metres. Default eps / 8. */
  readonly spacing?: number;
  /** How far the grid extends beyond the domain, in multiples of eps. Default 8 (no truncation in practice). */
  readonly margin?: number;
  /** Wall decay width, m (see Target.onGrid). Default eps/2, as BlobField. */
  readonly wallWidth?: number;
}

/**
 * The blob velocities and energy by dense quadrature, O(N M) with no kernel truncation: the reference the fast
 * field is measured against. Not for control loops.
 */
export function denseBlobField(target: Target, positions: Positions, options: DenseOptions): { velocities: Float64Array; energy: number } {
  const { epsilon: e, diffusivity: D } = options;
  const grid = makeGrid(target.domain, options.spacing ?? e / 8, (options.margin ?? 8) * e);
  const { rhoBar } = target.onGrid(grid, options.wallWidth ?? 0.5 * e);
  const n = positions.length >> 1;
  const m = 1 / n;
  const c = 1 / (2 * Math.PI * e * e);
  const inv = -0.5 / (e * e);
  const M = grid.nx * grid.ny;
  const g = new Float64Array(M);
  let energy = 0;
  for (let j = 0; j < grid.ny; j++) {
    const y = nodeY(grid, j);
    for (let i = 0; i < grid.nx; i++) {
      const x = nodeX(grid, i);
      let f = 0;
      for (let p = 0; p < n; p++) {
        const dx = x - positions[2 * p];
        const dy = y - positions[2 * p + 1];
        f += m * c * Math.exp(inv * (dx * dx + dy * dy));
      }
      const k = j * grid.nx + i;
      g[k] = f / rhoBar[k];
      energy += 0.5 * grid.cellArea * f * g[k];
    }
  }
  const velocities = new Float64Array(2 * n);
  for (let p = 0; p < n; p++) {
    const px = positions[2 * p];
    const py = positions[2 * p + 1];
    let vx = 0;
    let vy = 0;
    for (let j = 0; j < grid.ny; j++) {
      const dy = py - nodeY(grid, j);
      for (let i = 0; i < grid.nx; i++) {
        const dx = px - nodeX(grid, i);
        const w = c * Math.exp(inv * (dx * dx + dy * dy)) * g[j * grid.nx + i];
        vx += w * dx;
        vy += w * dy;
      }
    }
    velocities[2 * p] = ((D / (e * e)) * grid.cellArea) * vx;
    velocities[2 * p + 1] = ((D / (e * e)) * grid.cellArea) * vy;
  }
  return { velocities, energy };
}
