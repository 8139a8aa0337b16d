import type { Positions } from './geometry.js';
import type { Grid } from './grid.js';
import { makeGrid } from './grid.js';
import type { Target, TargetOnGrid } from './target.js';

/** Numerical options of the blob field. */
export interface BlobFieldOptions {
  /** Mollifier width eps in metres (standard deviation of the Gaussian phi_eps). */
  readonly epsilon: number;
  /** Diffusivity D in m^2/s. */
  readonly diffusivity: number;
  /** Quadrature grid spacing as a fraction of eps. Default 0.4 (README, Accuracy: below 1e-3 next to walls, ~1e-5 inside). */
  readonly gridSpacing?: number;
  /** Kernel cut-off radius as a multiple of eps. Default 5. */
  readonly cutoff?: number;
  /**
   * Largest per-robot width that `evaluate` may be given (variable bandwidth); sizes the grid margin.
   * Default: epsilon.
   */
  readonly maxEpsilon?: number;
  /** Width of the smooth decay of rho_bar beyond the walls, m (see Target.onGrid). Default DEFAULT_WALL_WIDTH eps. */
  readonly wallWidth?: number;
}

/** Default quadrature spacing (fraction of eps) and cut-off (multiple of eps). */
export const DEFAULT_GRID_SPACING = 0.4;
export const DEFAULT_CUTOFF = 5;
/** Default wall decay width as a multiple of eps. */
export const DEFAULT_WALL_WIDTH = 0.5;

const TWO_PI = 2 * Math.PI;

/**
 * The blob velocity field and regularized energy for a target, evaluated by grid quadrature with a truncated,
 * separable Gaussian: cost O(N (2R/h)^2 + M), memory O(M), no allocation per evaluation.
 *
 *   f(y)   = sum_j m_j phi_eps_j(y - x_j)
 *   E      = 1/2 Int f(y)^2 / rho_bar(y) dy
 *   v_i    = (D / eps_i^2) Int (x_i - y) phi_eps_i(x_i - y) f(y) / rho_bar(y) dy = -D grad_{x_i} E / m_i
 */
export class BlobField {
  readonly epsilon: number;
  readonly diffusivity: number;
  readonly cutoff: number;
  readonly maxEpsilon: number;
  /** Width of the smooth decay of rho_bar to the floor outside the domain, m. */
  readonly wallWidth: number;
  readonly grid: Grid;
  readonly target: TargetOnGrid;
  /** Blob density f on the grid after the last evaluation. */
  readonly f: Float64Array;
  private readonly invRhoBar: Float64Array;
  private readonly u: Float64Array;
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;

  constructor(target: Target, options: BlobFieldOptions) {
    const { epsilon, diffusivity } = options;
    if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`epsilon must be a positive number of metres, got ${epsilon}`);
    if (!(diffusivity >= 0) || !Number.isFinite(diffusivity)) throw new Error(`diffusivity must be a non-negative number, got ${diffusivity}`);
    const spacing = options.gridSpacing ?? DEFAULT_GRID_SPACING;
    if (!(spacing > 0 && spacing <= 2)) throw new Error(`gridSpacing must be in (0, 2] (a fraction of epsilon), got ${spacing}`);
    this.cutoff = options.cutoff ?? DEFAULT_CUTOFF;
    if (!(this.cutoff >= 1 && this.cutoff <= 12)) throw new Error(`cutoff must be in [1, 12] (multiples of epsilon), got ${this.cutoff}`);
    this.maxEpsilon = Math.max(epsilon, options.maxEpsilon ?? epsilon);
    this.epsilon = epsilon;
    this.diffusivity = diffusivity;
    this.grid = makeGrid(target.domain, spacing * epsilon, this.cutoff * this.maxEpsilon);
    this.wallWidth = options.wallWidth ?? DEFAULT_WALL_WIDTH * epsilon;
    this.target = target.onGrid(this.grid, this.wallWidth);
    const n = this.grid.nx * this.grid.ny;
    this.f = new Float64Array(n);
    this.u = new Float64Array(n);
    this.invRhoBar = new Float64Array(n);
    for (let k = 0; k < n; k++) this.invRhoBar[k] = 1 / this.target.rhoBar[k];
    const maxStencil = Math.ceil((2 * this.cutoff * this.maxEpsilon) / Math.min(this.grid.hx, this.grid.hy)) + 2;
    this.wx = new Float64Array(maxStencil);
    this.wy = new Float64Array(maxStencil);
    this.dx = new Float64Array(maxStencil);
    this.dy = new Float64Array(maxStencil);
  }

  /** Number of quadrature nodes. */
  get nodes(): number {
    return this.grid.nx * this.grid.ny;
  }

  /**
   * Computes the blob velocity of every robot into `velocities` (interleaved like positions) and returns E_eps.
   * `masses` defaults to 1/N each; `epsilons` (per robot, clipped to [epsilon, maxEpsilon]) defaults to epsilon.
   */
  evaluate(positions: Positions, velocities: Float64Array, masses?: Float64Array, epsilons?: Float64Array): number {
    const energy = this.deposit(positions, masses, epsilons);
    this.gather(positions, velocities, epsilons);
    return energy;
  }

  /** E_eps of a configuration, without velocities (half the cost of `evaluate`). */
  energy(positions: Positions, masses?: Float64Array, epsilons?: Float64Array): number {
    return this.deposit(positions, masses, epsilons);
  }

  private widthOf(epsilons: Float64Array | undefined, i: number): number {
    if (!epsilons) return this.epsilon;
    const e = epsilons[i];
    return e > this.maxEpsilon ? this.maxEpsilon : e > this.epsilon ? e : this.epsilon;
  }

  /** Fills wx/dx for the columns within the cut-off of px; returns the first column * 2^20 + the count (0: none). */
  private stencilX(px: number, e: number): number {
    const g = this.grid;
    return gaussianStencil(px, g.x0, g.hx, g.nx, e, this.cutoff * e, this.wx, this.dx);
  }

  /** Fills wy/dy for the rows within the cut-off of py, packed like stencilX. */
  private stencilY(py: number, e: number): number {
    const g = this.grid;
    return gaussianStencil(py, g.y0, g.hy, g.ny, e, this.cutoff * e, this.wy, this.dy);
  }

  /** Particles to grid (f), then u = w f / rho_bar; returns E_eps. */
  private deposit(positions: Positions, masses?: Float64Array, epsilons?: Float64Array): number {
    const n = positions.length >> 1;
    const f = this.f;
    const nx = this.grid.nx;
    const wx = this.wx;
    const wy = this.wy;
    f.fill(0);
    const m0 = n > 0 ? 1 / n : 0;
    for (let p = 0; p < n; p++) {
      const m = masses ? masses[p] : m0;
      if (m === 0) continue;
      const e = this.widthOf(epsilons, p);
      const sx = this.stencilX(positions[2 * p], e);
      const sy = this.stencilY(positions[2 * p + 1], e);
      if (sx === 0 || sy === 0) continue;
      const i0 = Math.floor(sx / 1048576);
      const cx = sx - i0 * 1048576;
      const j0 = Math.floor(sy / 1048576);
      const cy = sy - j0 * 1048576;
      const c = m / (TWO_PI * e * e);
      for (let b = 0; b < cy; b++) {
        const s = c * wy[b];
        const row = (j0 + b) * nx + i0;
        let a = 0;
        for (; a + 1 < cx; a += 2) {
          const k = row + a;
          f[k] += s * wx[a];
          f[k + 1] += s * wx[a + 1];
        }
        if (a < cx) f[row + a] += s * wx[a];
      }
    }
    const u = this.u;
    const inv = this.invRhoBar;
    const w = this.grid.cellArea;
    let energy = 0;
    for (let k = 0; k < f.length; k++) {
      const fk = f[k];
      if (fk === 0) {
        u[k] = 0;
        continue;
      }
      const t = fk * inv[k];
      energy += fk * t;
      u[k] = w * t;
    }
    return 0.5 * w * energy;
  }

  /** Grid to particles: v_i = (D / eps_i^2) sum_k u_k phi(x_i - y_k) (x_i - y_k). */
  private gather(positions: Positions, velocities: Float64Array, epsilons?: Float64Array): void {
    const n = positions.length >> 1;
    const u = this.u;
    const nx = this.grid.nx;
    const wx = this.wx;
    const wy = this.wy;
    const dx = this.dx;
    const dy = this.dy;
    for (let p = 0; p < n; p++) {
      const e = this.widthOf(epsilons, p);
      const sxp = this.stencilX(positions[2 * p], e);
      const syp = this.stencilY(positions[2 * p + 1], e);
      if (sxp === 0 || syp === 0) {
        velocities[2 * p] = 0;
        velocities[2 * p + 1] = 0;
        continue;
      }
      const i0 = Math.floor(sxp / 1048576);
      const cx = sxp - i0 * 1048576;
      const j0 = Math.floor(syp / 1048576);
      const cy = syp - j0 * 1048576;
      let vx = 0;
      let vy = 0;
      for (let b = 0; b < cy; b++) {
        const row = (j0 + b) * nx + i0;
        // Two independent accumulator pairs: the additions are latency-bound otherwise.
        let s0 = 0;
        let s1 = 0;
        let t0 = 0;
        let t1 = 0;
        let a = 0;
        for (; a + 1 < cx; a += 2) {
          const ta = u[row + a] * wx[a];
          const tb = u[row + a + 1] * wx[a + 1];
          s0 += ta;
          s1 += ta * dx[a];
          t0 += tb;
          t1 += tb * dx[a + 1];
        }
        if (a < cx) {
          const ta = u[row + a] * wx[a];
          s0 += ta;
          s1 += ta * dx[a];
        }
        s0 += t0;
        s1 += t1;
        vx += wy[b] * s1;
        vy += wy[b] * dy[b] * s0;
      }
      const c = this.diffusivity / (e * e) / (TWO_PI * e * e);
      velocities[2 * p] = c * vx;
      velocities[2 * p + 1] = c * vy;
    }
  }
}

/**
 * 1-D Gaussian weights exp(-d^2 / 2 e^2) and offsets d = p - node over the nodes origin + k h (0 <= k < nodes) within
 * `reach` of p; returns the first node * 2^20 + the count, or 0 when no node is in reach.
 *
 * Gaussian recurrence along the equally spaced nodes: with d_(c+1) = d_c - h, w_(c+1) = w_c r_c,
 * r_c = exp(inv (h^2 - 2 h d_c)), r_(c+1) = r_c q, q = exp(2 inv h^2): two exponentials per 32 nodes (plus q)
 * instead of one per node. Restarting every 32 nodes bounds the drift, which grows as the square of the run length,
 * to ~1e-14 relative.
 */
function gaussianStencil(p: number, origin: number, h: number, nodes: number, e: number, reach: number, w: Float64Array, d: Float64Array): number {
  let k0 = Math.ceil((p - reach - origin) / h);
  let k1 = Math.floor((p + reach - origin) / h);
  if (k0 < 0) k0 = 0;
  if (k1 > nodes - 1) k1 = nodes - 1;
  const count = k1 - k0 + 1;
  if (count <= 0) return 0;
  const inv = -0.5 / (e * e);
  const q = Math.exp(2 * inv * h * h);
  let wc = 0;
  let ratio = 0;
  for (let c = 0; c < count; c++) {
    const dc = p - (origin + (k0 + c) * h);
    if ((c & 31) === 0) {
      wc = Math.exp(inv * dc * dc);
      ratio = Math.exp(inv * (h * h - 2 * h * dc));
    }
    d[c] = dc;
    w[c] = wc;
    wc *= ratio;
    ratio *= q;
  }
  return k0 * 1048576 + count;
}
