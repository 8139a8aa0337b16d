/**
 * Kernel herding (Chen, Welling and Smola 2010) with uniform weights: greedy minimization of the MMD over a candidate
 * set. Point t + 1 maximizes mu(x) - 1/(t + 1) sum_{s <= t} k(x, x_s), with mu(x) = Int k(x, y) rho(y) dy the
 * kernel mean of the target. The kernel is the benchmark metric's own Gaussian (bandwidth sigma), which favours
 * herding: it minimizes the very quantity it is scored on. Candidates: the centres of the target's cells with
 * positive density (about 256 a side); mu by separable quadrature over the same cells; the kernel cut at 6 sigma.
 */
import type { Positions } from '../../src/engine/target/geometry.js';
import { nodeX, nodeY } from '../../src/engine/field/grid.js';
import type { TargetCells } from './cells.js';

/** 1-D Gaussian weights exp(-(t h)^2 / (2 sigma^2)) for |t| <= half. */
function taps(h: number, sigma: number, half: number): Float64Array {
  const w = new Float64Array(2 * half + 1);
  for (let t = -half; t <= half; t++) w[t + half] = Math.exp(-0.5 * ((t * h) / sigma) ** 2);
  return w;
}

/** n herded points of the target for the Gaussian kernel of bandwidth sigma. Deterministic (ties: lowest index). */
export function herdingSample(cells: TargetCells, n: number, sigma: number): Positions {
  const { grid: g, density } = cells;
  const { nx, ny } = g;
  const hx = Math.ceil((6 * sigma) / g.hx);
  const hy = Math.ceil((6 * sigma) / g.hy);
  const kx = taps(g.hx, sigma, hx);
  const ky = taps(g.hy, sigma, hy);
  // mu = k * (rho cellArea), separably: rows, then columns.
  const tmp = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let acc = 0;
      for (let t = Math.max(-hx, -i); t <= Math.min(hx, nx - 1 - i); t++) acc += kx[t + hx] * density[j * nx + i + t];
      tmp[j * nx + i] = acc * g.cellArea;
    }
  }
  const mu = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let acc = 0;
      for (let t = Math.max(-hy, -j); t <= Math.min(hy, ny - 1 - j); t++) acc += ky[t + hy] * tmp[(j + t) * nx + i];
      mu[j * nx + i] = acc;
    }
  }
  const candidate = new Uint8Array(nx * ny);
  for (let k = 0; k < nx * ny; k++) candidate[k] = density[k] > 0 ? 1 : 0;
  // sum_s k(x, x_s) at every candidate, updated within the cut-off of each new point (which sits on a node).
  const s = new Float64Array(nx * ny);
  const p = new Float64Array(2 * n);
  for (let t = 0; t < n; t++) {
    const inv = 1 / (t + 1);
    let best = -1;
    let bestScore = -Infinity;
    for (let k = 0; k < nx * ny; k++) {
      if (!candidate[k]) continue;
      const score = mu[k] - inv * s[k];
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    const bi = best % nx;
    const bj = (best - bi) / nx;
    p[2 * t] = nodeX(g, bi);
    p[2 * t + 1] = nodeY(g, bj);
    for (let j = Math.max(0, bj - hy); j <= Math.min(ny - 1, bj + hy); j++) {
      const wy = ky[j - bj + hy];
      const row = j * nx;
      for (let i = Math.max(0, bi - hx); i <= Math.min(nx - 1, bi + hx); i++) s[row + i] += wy * kx[i - bi + hx];
    }
  }
  return p;
}
