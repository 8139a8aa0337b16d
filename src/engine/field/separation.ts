import type { Box, Positions } from '../target/geometry.js';
import { boxArea } from '../target/geometry.js';

/** Options of the short-range separation term. */
export interface SeparationOptions {
  /** Range delta as a fraction of the mean spacing sqrt(|Omega| / N): robots closer than delta repel. */
  readonly fraction: number;
  /** Diffusivity D, m^2/s (the term is part of the same gradient flow as the blob energy). */
  readonly diffusivity: number;
  /**
   * Energy of two robots on top of each other, in units of the blob energy of the same pair at the mean density and a
   * width of 2 delta (the engine's eps at 0.25 x the spacing), m^2 / (16 pi delta^2 rho_mean). Default 4.
   */
  readonly strength?: number;
}

/**
 * A short-range pair repulsion added to the blob energy, so that the flow itself never stacks robots:
 *
 *   E_sep = kappa sum_{i<j} m_i m_j psi(|x_i - x_j| / delta),   psi(r) = (1 - r)^3 for r < 1, 0 beyond,
 *   delta = fraction x sqrt(|Omega| / N),
 *   v_i   = -D grad_{x_i} E_sep / m_i.
 *
 * The blob energy alone has stacked pairs as strict local minima when eps is wide against the local spacing (a dense
 * bump, a large eps): two blobs on top of each other cost little more than two side by side, and a pit in the
 * smoothed density holds both. psi is C^2 and vanishes with its first two derivatives at delta, so robots further
 * apart than delta feel nothing: the equilibrium only changes where the target itself asks for robots closer than
 * delta. Pairs are found with a cell list of side delta: O(N) per evaluation, no allocation after the first.
 */
export class SeparationTerm {
  readonly fraction: number;
  private readonly strength: number;
  private readonly diffusivity: number;
  private readonly domain: Box;
  /** The range, strength and cell list of the current swarm size (set by `resize`). */
  private n = -1;
  private range = 0;
  private kappa = 0;
  private cell = 0;
  private nx = 0;
  private ny = 0;
  private head: Int32Array = new Int32Array(0);
  private next: Int32Array = new Int32Array(0);

  constructor(domain: Box, options: SeparationOptions) {
    const { fraction, diffusivity } = options;
    if (!(fraction > 0 && fraction < 1)) throw new Error(`separation must be a fraction of the mean spacing in (0, 1), got ${fraction}`);
    const strength = options.strength ?? 4;
    if (!(strength >= 0) || !Number.isFinite(strength)) throw new Error(`separation strength must be non-negative, got ${strength}`);
    this.fraction = fraction;
    this.strength = strength;
    this.diffusivity = diffusivity;
    this.domain = domain;
  }

  /** The range (m) for n robots. */
  rangeFor(n: number): number {
    return this.fraction * Math.sqrt(boxArea(this.domain) / Math.max(1, n));
  }

  private resize(n: number, count: number): void {
    if (this.next.length < count) this.next = new Int32Array(count);
    if (n === this.n) return;
    this.n = n;
    this.range = this.rangeFor(n);
    this.kappa = (this.strength * boxArea(this.domain)) / (16 * Math.PI * this.range * this.range);
    const w = this.domain.xmax - this.domain.xmin;
    const h = this.domain.ymax - this.domain.ymin;
    // Cells of side >= range; at most ~4 million of them (a long thin domain gets wider cells).
    this.cell = Math.max(this.range, Math.sqrt((w * h) / 4e6));
    this.nx = Math.max(1, Math.ceil(w / this.cell));
    this.ny = Math.max(1, Math.ceil(h / this.cell));
    this.head = new Int32Array(this.nx * this.ny);
  }

  private bin(p: Positions, total: number): void {
    const n = p.length >> 1;
    this.resize(total, n);
    const { head, next, nx, ny, cell } = this;
    const { xmin, ymin } = this.domain;
    head.fill(-1);
    for (let i = 0; i < n; i++) {
      let ci = Math.floor((p[2 * i] - xmin) / cell);
      let cj = Math.floor((p[2 * i + 1] - ymin) / cell);
      ci = ci < 0 ? 0 : ci >= nx ? nx - 1 : ci;
      cj = cj < 0 ? 0 : cj >= ny ? ny - 1 : cj;
      const c = cj * nx + ci;
      next[i] = head[c];
      head[c] = i;
    }
  }

  /**
   * Adds the term's velocities into `v` when given (interleaved; masses 1/N) and returns its energy. Every pair within
   * the range is visited once, from the lower cell. `total`: the swarm's N (range and masses) when `p` is part of it.
   */
  private accumulate(p: Positions, v: Float64Array | null, total?: number): number {
    const n = p.length >> 1;
    if (n < 2) return 0;
    const all = Math.max(n, total ?? n);
    this.bin(p, all);
    const { head, next, nx, ny, range } = this;
    const m = 1 / all;
    const r2 = range * range;
    const inv = 1 / range;
    // v_i = D kappa m sum_j 3 (1 - r)^2 / delta * (x_i - x_j) / d
    const cv = (this.diffusivity * this.kappa * m * 3) / range;
    let energy = 0;
    for (let cj = 0; cj < ny; cj++) {
      for (let ci = 0; ci < nx; ci++) {
        for (let i = head[cj * nx + ci]; i >= 0; i = next[i]) {
          const xi = p[2 * i];
          const yi = p[2 * i + 1];
          // Neighbour cells: this one (pairs j after i in its list), then E, NW, N, NE.
          for (let k = 0; k < 5; k++) {
            const di = k === 0 ? 0 : k === 1 ? 1 : k - 3;
            const dj = k <= 1 ? 0 : 1;
            const ni = ci + di;
            const nj = cj + dj;
            if (ni < 0 || ni >= nx || nj >= ny) continue;
            for (let j = k === 0 ? next[i] : head[nj * nx + ni]; j >= 0; j = next[j]) {
              const dx = xi - p[2 * j];
              const dy = yi - p[2 * j + 1];
              const d2 = dx * dx + dy * dy;
              if (d2 >= r2) continue;
              const d = Math.sqrt(d2);
              const s = 1 - d * inv;
              energy += s * s * s;
              if (!v) continue;
              // Exactly on top of each other: part along x (lower index to the right), deterministically.
              const ux = d > 0 ? dx / d : i < j ? 1 : -1;
              const uy = d > 0 ? dy / d : 0;
              const f = cv * s * s;
              v[2 * i] += f * ux;
              v[2 * i + 1] += f * uy;
              v[2 * j] -= f * ux;
              v[2 * j + 1] -= f * uy;
            }
          }
        }
      }
    }
    return this.kappa * m * m * energy;
  }

  /**
   * Velocities of the term into `v` (overwritten); returns its energy. `total`: the swarm's size N when `p` holds only
   * part of it (the robots near those whose velocities are wanted), default the robots of `p`.
   */
  evaluate(p: Positions, v: Float64Array, total?: number): number {
    v.fill(0);
    return this.accumulate(p, v, total);
  }

  /** The term's energy. */
  energy(p: Positions): number {
    return this.accumulate(p, null);
  }
}
