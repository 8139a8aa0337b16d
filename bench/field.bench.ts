/**
 * Speed and accuracy of the fast blob field (BlobField: truncated separable Gaussian on a quadrature grid) against
 * the dense O(N M) quadrature (denseBlobField), on the public-s1 target, for N = 100 .. 100,000 robots sampled from
 * the target (seeded), eps = autoEpsilon(domain, N), D = 1.
 *
 * What is measured:
 * - fast: time of one `evaluate` (velocities + energy) at the defaults (DEFAULT_GRID_SPACING and DEFAULT_CUTOFF):
 *   warm-up, then the median of several repetitions;
 * - dense: `denseBlobField` on the SAME grid as the fast field (spacing and margin equal, no truncation, no
 *   separability), so the ratio is the algorithmic speed-up alone. When the full dense run would take more than
 *   ~30 s, the dense evaluation of a subset of n robots is timed and scaled by N / n (its cost, 2 n M kernel
 *   evaluations, is exactly linear in the robot count at a fixed grid);
 * - error: max_i |v_i - v_ref_i| / max_i |v_ref_i| against the reference quadrature, the dense quadrature at
 *   h = eps / 8 with an 8 eps margin (denseBlobField's defaults). Where that is too slow, the reference is the fast
 *   field at gridSpacing 0.125 and cutoff 8: the same grid as the dense reference, truncated at exp(-32) ~ 1e-14,
 *   and shown below to agree with the dense reference to ~1e-13. A second error column keeps only the robots at
 *   least 5 eps from every wall (the jump of rho_bar at the wall dominates the quadrature error).
 *
 * Run: npm run bench   (about 1.5-2 minutes; timings are medians on a possibly shared machine: compare ratios)
 */
import os from 'node:os';
import { BlobField, DEFAULT_CUTOFF, DEFAULT_GRID_SPACING, Target, autoEpsilon, createRng, denseBlobField, targetSampler } from '../src/engine/index.js';
import type { Box, Positions } from '../src/engine/index.js';
import { PUBLIC_S1 } from '../src/engine/target/presets.js';

const DOMAIN: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const COUNTS = [100, 1_000, 10_000, 100_000];
const SEED = 1;
const D = 1;
/** Skip (estimate instead) a full dense run predicted to take longer than this. */
const DENSE_LIMIT_MS = 30_000;
/** Largest N whose reference is computed by the dense quadrature itself. */
const DENSE_REFERENCE_MAX_N = 1_000;
const REFERENCE = { gridSpacing: 0.125, cutoff: 8 } as const;
const INTERIOR = 5; // eps from every wall

const target = new Target(PUBLIC_S1, DOMAIN);
const sample = targetSampler(target);

// ---------------------------------------------------------------------------------------------------------------

interface Timing {
  /** Median milliseconds per call. */
  readonly ms: number;
  readonly reps: number;
}

/** Warm up (at least 3 calls and ~250 ms), then the median of repetitions filling ~budgetMs (5 .. 41 reps). */
function time(fn: () => void, budgetMs = 1500): Timing {
  let t0 = performance.now();
  let warm = 0;
  while (warm < 3 || (performance.now() - t0 < 250 && warm < 200)) {
    fn();
    warm++;
  }
  const est = (performance.now() - t0) / warm;
  const reps = Math.max(5, Math.min(41, Math.floor(budgetMs / Math.max(est, 1e-3))));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return { ms: median(samples), reps };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** max_i |v_i - r_i| / max_i |r_i| over the robots with mask[i] (all when no mask). */
function relativeError(v: Float64Array, ref: Float64Array, mask?: Uint8Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ref.length >> 1; i++) {
    scale = Math.max(scale, Math.hypot(ref[2 * i], ref[2 * i + 1]));
    if (mask && !mask[i]) continue;
    err = Math.max(err, Math.hypot(v[2 * i] - ref[2 * i], v[2 * i + 1] - ref[2 * i + 1]));
  }
  return err / scale;
}

function interiorMask(p: Positions, eps: number): Uint8Array {
  const n = p.length >> 1;
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const d = Math.min(p[2 * i] - DOMAIN.xmin, DOMAIN.xmax - p[2 * i], p[2 * i + 1] - DOMAIN.ymin, DOMAIN.ymax - p[2 * i + 1]);
    m[i] = d >= INTERIOR * eps ? 1 : 0;
  }
  return m;
}

function fastVelocities(p: Positions, eps: number, options: { gridSpacing?: number; cutoff?: number } = {}): Float64Array {
  const field = new BlobField(target, { epsilon: eps, diffusivity: D, ...options });
  const v = new Float64Array(p.length);
  field.evaluate(p, v);
  return v;
}

function subset(p: Positions, n: number): Positions {
  return p.slice(0, 2 * n);
}

const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 1e5 ? 0 : 1)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);
const fmtE = (x: number): string => x.toExponential(1);
const fmtInt = (x: number): string => x.toLocaleString('en-US');
const log = (s = ''): void => console.log(s);

// ---------------------------------------------------------------------------------------------------------------

const cpus = os.cpus();
log('# Blob field benchmark (public-s1 target, D = 1, robots sampled from the target, seed 1)');
log();
log(`node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ` +
  `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at start`);
log('Timings are medians after warm-up on a machine that may be shared: read the ratios, not the last digit.');
log();

// 1. The reference: dense quadrature at h = eps/8, and the fast field on the same grid with cutoff 8.
log('## Reference check');
log();
log('Dense quadrature (h = eps/8, margin 8 eps) against the fast field at gridSpacing 0.125, cutoff 8 (same grid) and');
log('at gridSpacing 0.2, cutoff 8 (a different grid: differs by that grid\'s quadrature error, not a valid stand-in).');
log();
const denseReference = new Map<number, Float64Array>();
for (const n of [100, 1_000]) {
  const eps = autoEpsilon(DOMAIN, n);
  const p = sample(n, createRng(SEED));
  const t0 = performance.now();
  const dense = denseBlobField(target, p, { epsilon: eps, diffusivity: D }).velocities;
  const ms = performance.now() - t0;
  denseReference.set(n, dense);
  const same = relativeError(fastVelocities(p, eps, REFERENCE), dense);
  const other = relativeError(fastVelocities(p, eps, { gridSpacing: 0.2, cutoff: 8 }), dense);
  log(`- N = ${fmtInt(n)}: dense reference ${fmtMs(ms)}; fast(0.125, 8) vs dense ${fmtE(same)}; fast(0.2, 8) vs dense ${fmtE(other)}`);
}
{
  // The reference's own discretization error: Richardson extrapolation in h (midpoint rule, O(h^2) at the wall jump).
  const n = 100;
  const eps = autoEpsilon(DOMAIN, n);
  const p = sample(n, createRng(SEED));
  const a = fastVelocities(p, eps, { gridSpacing: 0.125, cutoff: 8 });
  const b = fastVelocities(p, eps, { gridSpacing: 0.0625, cutoff: 8 });
  const rich = b.map((x, k) => x + (x - a[k]) / 3);
  const mask = interiorMask(p, eps);
  log(`- N = 100: the h = eps/8 reference itself differs from the Richardson-extrapolated (h -> 0) velocities by ` +
    `${fmtE(relativeError(a, rich))} (all robots), ${fmtE(relativeError(a, rich, mask))} (robots >= ${INTERIOR} eps from the walls)`);
}
log();

// 2. The table.
interface Row {
  n: number;
  eps: number;
  nx: number;
  ny: number;
  fast: Timing;
  dense: number;
  denseNote: string;
  err: number;
  errInterior: number;
  interior: number;
  reference: string;
}
const rows: Row[] = [];
for (const n of COUNTS) {
  const eps = autoEpsilon(DOMAIN, n);
  const p = sample(n, createRng(SEED));
  const field = new BlobField(target, { epsilon: eps, diffusivity: D });
  const v = new Float64Array(2 * n);
  const fast = time(() => field.evaluate(p, v), n >= 100_000 ? 2500 : 1500);
  field.evaluate(p, v);

  // Dense on the same grid: estimate from a subset, run in full when affordable.
  const sameGrid = { epsilon: eps, diffusivity: D, spacing: field.grid.hx, margin: field.cutoff };
  const probeN = Math.min(n, 20);
  let t0 = performance.now();
  denseBlobField(target, subset(p, probeN), sameGrid);
  let probeMs = performance.now() - t0;
  let estimate = (probeMs * n) / probeN;
  let dense: number;
  let denseNote: string;
  if (estimate <= DENSE_LIMIT_MS) {
    dense = estimate < 2000 ? time(() => denseBlobField(target, p, sameGrid), 3000).ms : (() => {
      t0 = performance.now();
      denseBlobField(target, p, sameGrid);
      return performance.now() - t0;
    })();
    denseNote = 'measured';
  } else {
    // Time a larger subset (~2 s) for a steadier estimate, then scale linearly.
    const m = Math.max(probeN, Math.min(n, Math.round((2000 * probeN) / probeMs)));
    t0 = performance.now();
    denseBlobField(target, subset(p, m), sameGrid);
    probeMs = performance.now() - t0;
    estimate = (probeMs * n) / m;
    dense = estimate;
    denseNote = `est. from ${fmtInt(m)} robots x N/${fmtInt(m)}`;
  }

  let ref = denseReference.get(n);
  let reference = 'dense, h = eps/8';
  if (!ref || n > DENSE_REFERENCE_MAX_N) {
    // The dense grid (eps/8) stops fitting in memory near N = 100,000 at the auto eps: fall back to eps/5, which the
    // reference check above puts within ~4e-5 of dense.
    const side = 2 + 2 * REFERENCE.cutoff * eps;
    const fits = (side / (REFERENCE.gridSpacing * eps)) ** 2 < 60e6;
    ref = fastVelocities(p, eps, fits ? REFERENCE : { gridSpacing: 0.2, cutoff: 8 });
    reference = fits ? 'fast(0.125, 8) = dense grid' : 'fast(0.2, 8), ~4e-5 from dense';
  }
  const mask = interiorMask(p, eps);
  let interior = 0;
  for (const x of mask) interior += x;
  rows.push({
    n,
    eps,
    nx: field.grid.nx,
    ny: field.grid.ny,
    fast,
    dense,
    denseNote,
    err: relativeError(v, ref),
    errInterior: relativeError(v, ref, mask),
    interior,
    reference,
  });
  console.error(`  [N = ${fmtInt(n)} done]`);
}

log(`## Fast field at the defaults (gridSpacing ${DEFAULT_GRID_SPACING} eps, cutoff ${DEFAULT_CUTOFF} eps) vs dense O(N M)`);
log();
log('| N | eps (m) | grid M = nx x ny | fast / evaluation | us / robot | dense O(N M), same grid | speed-up | rel. error (all) | rel. error (>= 5 eps from walls) | reference |');
log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  log(`| ${fmtInt(r.n)} | ${r.eps.toPrecision(3)} | ${r.nx} x ${r.ny} = ${fmtInt(r.nx * r.ny)} | ${fmtMs(r.fast.ms)} | ${((1000 * r.fast.ms) / r.n).toFixed(2)} | ` +
    `${fmtMs(r.dense)}${r.denseNote === 'measured' ? '' : ` (${r.denseNote})`} | ${fmtInt(Math.round(r.dense / r.fast.ms))}x | ${fmtE(r.err)} | ` +
    `${fmtE(r.errInterior)} (${fmtInt(r.interior)} robots) | ${r.reference} |`);
}
log();
log('Fast: median of 5-41 evaluations after warm-up. Dense: `denseBlobField` with the fast field\'s grid (spacing and');
log('margin), i.e. the same quadrature without truncation or separability. Relative error: max |v - v_ref| / max |v_ref|');
log('against the h = eps/8 dense quadrature (see "Reference check").');
log();

// 3. Accuracy sweep at N = 1000.
{
  const n = 1_000;
  const eps = autoEpsilon(DOMAIN, n);
  const p = sample(n, createRng(SEED));
  const ref = denseReference.get(n) ?? fastVelocities(p, eps, REFERENCE);
  const mask = interiorMask(p, eps);
  log(`## Accuracy sweep, N = ${fmtInt(n)}, eps = ${eps.toPrecision(3)} m (reference: dense, h = eps/8)`);
  log();
  log('Relative error, all robots / robots >= 5 eps from the walls, and median time per evaluation:');
  log();
  const spacings = [1, 0.75, 0.5, 0.4, 0.33];
  const cutoffs = [3, 4, 5, 6];
  log(`| gridSpacing \\ cutoff | ${cutoffs.map((c) => `${c} eps`).join(' | ')} |`);
  log(`|---|${cutoffs.map(() => '---:').join('|')}|`);
  for (const s of spacings) {
    const cells: string[] = [];
    for (const c of cutoffs) {
      const field = new BlobField(target, { epsilon: eps, diffusivity: D, gridSpacing: s, cutoff: c });
      const v = new Float64Array(2 * n);
      const t = time(() => field.evaluate(p, v), 800);
      field.evaluate(p, v);
      cells.push(`${fmtE(relativeError(v, ref))} / ${fmtE(relativeError(v, ref, mask))}, ${fmtMs(t.ms)}`);
    }
    log(`| ${s} eps | ${cells.join(' | ')} |`);
  }
  log();
}
