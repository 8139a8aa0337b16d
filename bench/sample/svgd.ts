/**
 * Stein variational gradient descent (Liu and Wang 2016), as in the authors' reference code: RBF kernel
 * k(x, z) = exp(-|x - z|^2 / h) with the median bandwidth h = med^2 / log N (med the median pairwise distance,
 * recomputed every iteration), phi(x_i) = 1/N sum_j [k(x_j, x_i) grad log p(x_j) + grad_{x_j} k(x_j, x_i)], and
 * AdaGrad-with-momentum steps (alpha 0.9). p is the floored target rho_bar (the blob flow's, smoothly decaying
 * to the floor beyond the walls), grad log p by central differences on a grid of sqrt(area) / 128, bilinear in
 * between. Started from the same seeded i.i.d. draw as the blob sampler; the step decays linearly to zero over the
 * iterations and points are clamped to the domain. O(N^2) per iteration.
 */
import type { Positions } from '../../src/engine/target/geometry.js';
import { boxArea } from '../../src/engine/target/geometry.js';
import { makeGrid } from '../../src/engine/field/grid.js';
import type { Target } from '../../src/engine/target/target.js';

/** Settings of the SVGD run. */
export interface SvgdOptions {
  /** Iterations. Default 200. */
  readonly iterations?: number;
  /** First step, as a fraction of the mean spacing sqrt(area / N). Default 0.1. */
  readonly step?: number;
}

/** grad log rho_bar at any point: central differences on a grid, bilinear interpolation. */
function gradLogField(target: Target): (x: number, y: number, out: Float64Array) => void {
  const d = target.domain;
  const h = Math.sqrt(boxArea(d)) / 128;
  const g = makeGrid(d, h, 4 * h);
  const { rhoBar } = target.onGrid(g, 2 * h);
  const { nx, ny } = g;
  const gx = new Float64Array(nx * ny);
  const gy = new Float64Array(nx * ny);
  const log = rhoBar.map(Math.log);
  for (let j = 1; j < ny - 1; j++) {
    for (let i = 1; i < nx - 1; i++) {
      const k = j * nx + i;
      gx[k] = (log[k + 1] - log[k - 1]) / (2 * g.hx);
      gy[k] = (log[k + nx] - log[k - nx]) / (2 * g.hy);
    }
  }
  return (x, y, out) => {
    const fx = Math.min(nx - 2.000001, Math.max(0, (x - g.x0) / g.hx));
    const fy = Math.min(ny - 2.000001, Math.max(0, (y - g.y0) / g.hy));
    const i = Math.floor(fx);
    const j = Math.floor(fy);
    const a = fx - i;
    const b = fy - j;
    const k = j * nx + i;
    const w00 = (1 - a) * (1 - b);
    const w10 = a * (1 - b);
    const w01 = (1 - a) * b;
    const w11 = a * b;
    out[0] = w00 * gx[k] + w10 * gx[k + 1] + w01 * gx[k + nx] + w11 * gx[k + nx + 1];
    out[1] = w00 * gy[k] + w10 * gy[k + 1] + w01 * gy[k + nx] + w11 * gy[k + nx + 1];
  };
}

/** The k-th smallest value of a (reorders a): Hoare quickselect. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Moves `start` (N points, not modified) by SVGD towards the target; returns the new points. */
export function svgdSample(target: Target, start: Positions, options: SvgdOptions = {}): Positions {
  const n = start.length >> 1;
  const p = Float64Array.from(start);
  if (n < 2) return p;
  const d = target.domain;
  const iterations = options.iterations ?? 200;
  const step0 = (options.step ?? 0.1) * Math.sqrt(boxArea(d) / n);
  const gradLog = gradLogField(target);
  const gl = new Float64Array(2 * n);
  const phi = new Float64Array(2 * n);
  const hist = new Float64Array(2 * n);
  const pairs = new Float64Array((n * (n - 1)) / 2);
  const tmp = new Float64Array(2);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      gradLog(p[2 * i], p[2 * i + 1], tmp);
      gl[2 * i] = tmp[0];
      gl[2 * i + 1] = tmp[1];
    }
    let m = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[m++] = (p[2 * i] - p[2 * j]) ** 2 + (p[2 * i + 1] - p[2 * j + 1]) ** 2;
    // Median of the pairwise squared distances (the upper middle for an even count), then h = med^2 / log N.
    const h = Math.max(select(pairs, pairs.length >> 1), 1e-12) / Math.log(n);
    const c = -1 / h;
    phi.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = p[2 * i];
      const yi = p[2 * i + 1];
      phi[2 * i] += gl[2 * i];
      phi[2 * i + 1] += gl[2 * i + 1];
      for (let j = i + 1; j < n; j++) {
        const dx = xi - p[2 * j];
        const dy = yi - p[2 * j + 1];
        const k = Math.exp(c * (dx * dx + dy * dy));
        // grad_{x_j} k(x_j, x_i) = (2 / h) (x_i - x_j) k: pushes x_i away from x_j, and x_j away from x_i.
        const rx = (2 / h) * dx * k;
        const ry = (2 / h) * dy * k;
        phi[2 * i] += k * gl[2 * j] + rx;
        phi[2 * i + 1] += k * gl[2 * j + 1] + ry;
        phi[2 * j] += k * gl[2 * i] - rx;
        phi[2 * j + 1] += k * gl[2 * i + 1] - ry;
      }
    }
    const step = step0 * (1 - it / iterations);
    for (let q = 0; q < 2 * n; q++) {
      const grad = phi[q] / n;
      hist[q] = it === 0 ? grad * grad : 0.9 * hist[q] + 0.1 * grad * grad;
      p[q] += (step * grad) / (1e-6 + Math.sqrt(hist[q]));
    }
    for (let i = 0; i < n; i++) {
      p[2 * i] = Math.min(d.xmax, Math.max(d.xmin, p[2 * i]));
      p[2 * i + 1] = Math.min(d.ymax, Math.max(d.ymin, p[2 * i + 1]));
    }
  }
  return p;
}
