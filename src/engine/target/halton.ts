/**
 * A scrambled low-discrepancy point set mapped to the target: the 2-D Halton sequence (bases 2 and 3) with nested
 * (Owen-type) random digit scrambling, each point then mapped through the target's conditional CDFs on its cells:
 * the inverse CDF of the x marginal, then of y given that column. Exact for a density constant on each cell, like
 * the engine's i.i.d. sampler (targetSampler, same cells), so the two differ only in the uniform numbers they feed it.
 */
import type { Positions } from './geometry.js';
import { boxArea } from './geometry.js';
import { makeGrid, nodeX, nodeY } from '../field/grid.js';
import type { Target } from './target.js';

/** Digits kept per base (2^-32 and 3^-20 resolution; scrambling fills the digits an index does not have). */
const DIGITS: Readonly<Record<number, number>> = { 2: 32, 3: 20 };

/** A 32-bit mixing hash (lowbias32). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Point i of the radical inverse in `base`, Owen-scrambled: digit k is permuted by a random permutation that depends
 * on the seed, the dimension, k and the digits before it (hashed), so that the scrambled point is uniform in [0, 1)
 * and the set keeps its stratification.
 */
export function scrambledRadicalInverse(i: number, base: number, seed: number, dim: number): number {
  const digits = DIGITS[base];
  if (digits === undefined) throw new Error(`unsupported base ${base}`);
  const perm = new Uint8Array(base);
  let h = mix((seed ^ mix(dim + 0x51ed27)) >>> 0);
  let scale = 1 / base;
  let x = 0;
  let rest = i;
  for (let k = 0; k < digits; k++) {
    const d = rest % base;
    rest = (rest - d) / base;
    // A permutation of 0..base-1 drawn from h (Fisher-Yates on successive hashes).
    for (let a = 0; a < base; a++) perm[a] = a;
    let r = h;
    for (let a = base - 1; a > 0; a--) {
      r = mix(r + a);
      const b = r % (a + 1);
      const t = perm[a];
      perm[a] = perm[b];
      perm[b] = t;
    }
    x += perm[d] * scale;
    scale /= base;
    h = mix(h ^ Math.imul(d + 1, 0x9e3779b1));
  }
  return x;
}

/**
 * n points of the scrambled Halton sequence (seeded scrambling), mapped to the target by its conditional CDFs over
 * about `cellsPerSide` cells across sqrt(area) (the cells of targetSampler).
 */
export function scrambledHaltonSample(target: Target, n: number, seed: number, cellsPerSide = 256): Positions {
  const g = makeGrid(target.domain, Math.sqrt(boxArea(target.domain)) / cellsPerSide, 0);
  const { density } = target.onGrid(g);
  // Column masses and each column's CDF over its rows.
  const colCdf = new Float64Array(g.nx + 1);
  const rowCdf = new Float64Array(g.nx * (g.ny + 1));
  for (let i = 0; i < g.nx; i++) {
    let acc = 0;
    for (let j = 0; j < g.ny; j++) {
      acc += density[j * g.nx + i];
      rowCdf[i * (g.ny + 1) + j + 1] = acc;
    }
    colCdf[i + 1] = colCdf[i] + acc;
  }
  const p = new Float64Array(2 * n);
  for (let s = 0; s < n; s++) {
    const i = invert(colCdf, 0, g.nx, scrambledRadicalInverse(s, 2, seed, 0) * colCdf[g.nx]);
    const col = i.cell;
    const base = col * (g.ny + 1);
    const j = invert(rowCdf, base, g.ny, scrambledRadicalInverse(s, 3, seed, 1) * rowCdf[base + g.ny]);
    p[2 * s] = nodeX(g, col) + (i.fraction - 0.5) * g.hx;
    p[2 * s + 1] = nodeY(g, j.cell) + (j.fraction - 0.5) * g.hy;
  }
  return p;
}

/** The cell c (of `cells` after `offset`, CDF values cdf[offset + c .. offset + c + 1]) holding u, and where in it. */
function invert(cdf: Float64Array, offset: number, cells: number, u: number): { cell: number; fraction: number } {
  let lo = 0;
  let hi = cells - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[offset + mid + 1] > u) hi = mid;
    else lo = mid + 1;
  }
  const a = cdf[offset + lo];
  const w = cdf[offset + lo + 1] - a;
  return { cell: lo, fraction: w > 0 ? Math.min(1, Math.max(0, (u - a) / w)) : 0.5 };
}
