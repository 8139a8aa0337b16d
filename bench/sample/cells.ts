/**
 * The target as a table of cells for the samplers that need one (the scrambled sequence's conditional CDFs, the
 * herding candidates): the same grid as the engine's i.i.d. sampler (about 256 cells a side, cell centres), the
 * normalized target density at each cell, zero outside the domain and in obstacles.
 */
import { boxArea } from '../../src/engine/target/geometry.js';
import type { Grid } from '../../src/engine/field/grid.js';
import { makeGrid } from '../../src/engine/field/grid.js';
import type { Target } from '../../src/engine/target/target.js';

/** A target on its cells. */
export interface TargetCells {
  readonly grid: Grid;
  /** Probability density at each node (row-major, j nx + i); sums to 1 / cellArea. */
  readonly density: Float64Array;
}

/** The target on the i.i.d. sampler's grid (`cellsPerSide` cells across sqrt(area)). */
export function targetCells(target: Target, cellsPerSide = 256): TargetCells {
  const grid = makeGrid(target.domain, Math.sqrt(boxArea(target.domain)) / cellsPerSide, 0);
  return { grid, density: target.onGrid(grid).density };
}
