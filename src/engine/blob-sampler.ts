import { MultiScaleStepper, multiScaleEpsilon } from './bandwidth.js';
import { boxArea } from './geometry.js';
import type { Positions } from './geometry.js';
import { scrambledHaltonSample } from './halton.js';
import { createRng } from './random.js';
import { targetSampler } from './sampling.js';
import type { Target } from './target.js';

/** Default flow time of the blob sampler in units of |Omega| / D (measured: docs/sample-bench.md, Reading). */
export const SAMPLE_TIME = 0.1;

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
 * coarse scales 2 eps and 4 eps, with their default weights and decay, and the separation term) for `time` |Omega| / D.
 * The coarse terms correct the mid-scale density errors (too many points in one region, too few in the next) that the
 * fine term alone leaves, because a fine kernel does not reach across the gaps of thin regions; the fine term and the
 * separation term even out the spacing. Same seed and N, same points, bit for bit.
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
  const stepper = new MultiScaleStepper(target, { epsilon: multiScaleEpsilon(d, n), diffusivity: 1 }, { domain: d });
  let t = 0;
  while (t < duration - 1e-12) {
    t += stepper.step(p, duration - t).dt;
    options.onProgress?.(t / duration);
  }
  return p;
}
