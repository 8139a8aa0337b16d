import { MultiScaleStepper, multiScaleEpsilon } from '../field/bandwidth.js';
import { boxArea } from '../target/geometry.js';
import { makeGrid, nodeX, nodeY } from '../field/grid.js';
import type { Positions } from '../target/geometry.js';
import { scrambledHaltonSample } from '../target/halton.js';
import { createRng } from '../random.js';
import { targetSampler } from '../target/sampling.js';
import type { Target } from '../target/target.js';

/** Default flow time of the blob sampler in units of |Omega| / D (measured: docs/sample-bench.md, Reading). */
export const SAMPLE_TIME = 0.1;

/**
 * Coarse scales of the sampler's flow (multiples of the fine eps) and their initial weights: `run`'s two (4 eps, 2 eps;
 * 20, 5) and one more at 8 eps (weight 20), which reaches across the thin regions of sparse targets (measured with
 * `npm run study:sampler`: sparse target, N = 1,600, MMD^2 over the i.i.d. median 0.0040 -> 0.0017 at twice the bench
 * bandwidth; the other bundled targets the same or better, the floor map 7% worse at the bandwidth).
 */
export const SAMPLE_SCALES: readonly number[] = [8, 4, 2];
/** Initial weights of SAMPLE_SCALES, in the same order. */
export const SAMPLE_WEIGHTS: readonly number[] = [20, 20, 5];

/** Options of the blob sampler. */
export interface BlobSampleOptions {
  /** Seed of the starting point set (the Halton scrambling, or the i.i.d. draw). Default 1. */
  readonly seed?: number;
  /** Flow time in units of |Omega| / D (D = 1 m^2/s). Default SAMPLE_TIME (0.4 s on a 2 m x 2 m domain). */
  readonly time?: number;
  /**
   * Starting point set: 'halton' (default; the scrambled Halton sequence through the target's conditional CDFs) or
   * 'iid' (seeded i.i.d. draws; the sampler of earlier versions, kept for comparison).
   */
  readonly start?: 'halton' | 'iid';
  /** Called after each step with the fraction done. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Deterministic samples of a target by the blob method: a scrambled low-discrepancy start (seeded), then the
 * multi-scale blob flow of `run` (MultiScaleStepper: the smoothed chi-squared energies at the engine's eps and at the
 * coarse scales SAMPLE_SCALES, with run's decay of the coarse weights, and the separation term) for `time` |Omega| / D.
 * The coarse terms correct the mid-scale density errors (too many points in one region, too few in the next) that the
 * fine term alone leaves, because a fine kernel does not reach across the gaps of thin regions; the fine term and the
 * separation term even out the spacing. Last, the few points left where the target is zero are moved onto its support
 * (moveOntoSupport). Same seed and N, same points, bit for bit.
 */
export function blobSample(target: Target, n: number, options: BlobSampleOptions = {}): Positions {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`the number of samples must be a positive integer, got ${n}`);
  const time = options.time ?? SAMPLE_TIME;
  if (!(time >= 0) || !Number.isFinite(time)) throw new Error(`time must be a non-negative number, got ${time}`);
  const start = options.start ?? 'halton';
  if (start !== 'halton' && start !== 'iid') throw new Error(`start must be 'halton' or 'iid', got ${String(start)}`);
  const d = target.domain;
  const seed = options.seed ?? 1;
  const p = start === 'halton' ? scrambledHaltonSample(target, n, seed) : targetSampler(target)(n, createRng(seed));
  if (n < 2 || time === 0) return p;
  const duration = time * boxArea(d);
  const eps = multiScaleEpsilon(d, n);
  const scales = SAMPLE_SCALES.map((s) => s * eps);
  const stepper = new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1, scales, weights: SAMPLE_WEIGHTS }, { domain: d });
  let t = 0;
  while (t < duration - 1e-12) {
    t += stepper.step(p, duration - t).dt;
    options.onProgress?.(t / duration);
  }
  moveOntoSupport(target, p);
  return p;
}

/**
 * Moves every point where the target density is zero (a wall of a map, an obstacle: the flow sees the floored target,
 * smoothed at its width, and may leave a few points there) to the nearest point of the nearest cell with positive
 * density, on the cells of targetSampler (about 256 a side). Measured: 0-2 of 400 points in the obstacle room, 5-12
 * of 100-1,600 on the floor map's walls and furniture. Returns how many points moved.
 */
export function moveOntoSupport(target: Target, p: Positions, cellsPerSide = 256): number {
  const n = p.length >> 1;
  let moved = 0;
  let cells: { g: ReturnType<typeof makeGrid>; density: Float64Array } | undefined;
  for (let q = 0; q < n; q++) {
    const x = p[2 * q];
    const y = p[2 * q + 1];
    if (target.valueAt(x, y) > 0) continue;
    if (!cells) {
      const g = makeGrid(target.domain, Math.sqrt(boxArea(target.domain)) / cellsPerSide, 0);
      cells = { g, density: target.onGrid(g).density };
    }
    const { g, density } = cells;
    const ci = Math.min(g.nx - 1, Math.max(0, Math.round((x - g.x0) / g.hx)));
    const cj = Math.min(g.ny - 1, Math.max(0, Math.round((y - g.y0) / g.hy)));
    // Rings of cells around the point's cell, until the ring is further than the best found.
    let best = Infinity;
    let bx = x;
    let by = y;
    const rings = Math.max(g.nx, g.ny);
    for (let r = 1; r <= rings; r++) {
      if ((r - 1) * Math.min(g.hx, g.hy) > Math.sqrt(best)) break;
      for (let j = cj - r; j <= cj + r; j++) {
        if (j < 0 || j >= g.ny) continue;
        const step = j === cj - r || j === cj + r ? 1 : 2 * r;
        for (let i = ci - r; i <= ci + r; i += step) {
          if (i < 0 || i >= g.nx || !(density[j * g.nx + i] > 0)) continue;
          // The point of the cell (shrunk by 1%) nearest to (x, y).
          const cx = nodeX(g, i);
          const cy = nodeY(g, j);
          const px = Math.min(cx + 0.49 * g.hx, Math.max(cx - 0.49 * g.hx, x));
          const py = Math.min(cy + 0.49 * g.hy, Math.max(cy - 0.49 * g.hy, y));
          const d2 = (px - x) ** 2 + (py - y) ** 2;
          if (d2 < best && target.valueAt(px, py) > 0) {
            best = d2;
            bx = px;
            by = py;
          }
        }
      }
    }
    if (best < Infinity) {
      p[2 * q] = bx;
      p[2 * q + 1] = by;
      moved++;
    }
  }
  return moved;
}
