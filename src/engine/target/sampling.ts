import type { Box, Positions } from './geometry.js';
import { boxArea } from './geometry.js';
import { makeGrid, nodeX, nodeY } from '../field/grid.js';
import type { Rng } from '../random.js';
import type { Target } from './target.js';

/** N positions uniform in a box. */
export function uniformInBox(n: number, box: Box, rng: Rng): Positions {
  const p = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    p[2 * i] = box.xmin + (box.xmax - box.xmin) * rng.next();
    p[2 * i + 1] = box.ymin + (box.ymax - box.ymin) * rng.next();
  }
  return p;
}

/**
 * N positions on a lattice filling a box: columns and rows in proportion to its sides, row by row from the lower
 * left, each at the centre of its cell (so the spacing is the cell size).
 */
export function gridInBox(n: number, box: Box): Positions {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  const cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt((n * w) / h))));
  const rows = Math.ceil(n / cols);
  const p = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    p[2 * k] = box.xmin + ((k % cols) + 0.5) * (w / cols);
    p[2 * k + 1] = box.ymin + (Math.floor(k / cols) + 0.5) * (h / rows);
  }
  return p;
}

/**
 * A sampler of i.i.d. points from the target: inverse CDF over the cells of a fine grid (about 256 cells a side),
 * uniform within a cell. Exact for piecewise-constant targets, second order otherwise.
 */
export function targetSampler(target: Target, cellsPerSide = 256): (n: number, rng: Rng) => Positions {
  const grid = makeGrid(target.domain, Math.sqrt(boxArea(target.domain)) / cellsPerSide, 0);
  const { density } = target.onGrid(grid);
  const cdf = new Float64Array(density.length);
  let acc = 0;
  for (let k = 0; k < density.length; k++) {
    acc += density[k];
    cdf[k] = acc;
  }
  return (n, rng) => {
    const p = new Float64Array(2 * n);
    for (let s = 0; s < n; s++) {
      const u = rng.next() * acc;
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      const i = lo % grid.nx;
      const j = (lo - i) / grid.nx;
      p[2 * s] = nodeX(grid, i) + (rng.next() - 0.5) * grid.hx;
      p[2 * s + 1] = nodeY(grid, j) + (rng.next() - 0.5) * grid.hy;
    }
    return p;
  };
}
