/**
 * The blob field of a scale with the heat kernel of the free space in place of the Gaussian: mass spreads only along
 * grid links that cross no wall (no flux through obstacles), so robots interact, and feel the target, through free
 * space. Used by the multiscale flow wherever a target has obstacles (bandwidth.ts); open rooms keep the Gaussian.
 */
import type { FreeGrid } from '../target/geodesic.js';
import { targetFreeGrid } from '../target/geodesic.js';
import type { Positions } from '../target/geometry.js';
import { boxArea } from '../target/geometry.js';
import type { Target } from '../target/target.js';

/** Options of a heat-kernel field. */
export interface HeatKernelOptions {
  /** Kernel width (m): the heat kernel at time eps^2 / 2, a Gaussian of standard deviation eps away from walls. */
  readonly epsilon: number;
  /** Diffusivity D, m^2/s. */
  readonly diffusivity: number;
  /** Compare with the target smoothed by the same kernel (as NeumannBlobField's smoothTarget). Default true. */
  readonly smoothTarget?: boolean;
  /** Grid spacing as a fraction of eps. Default HEAT_GRID_SPACING. */
  readonly gridSpacing?: number;
  /** Largest grid spacing, m (a wide kernel still resolves doors and corridors). Default: none. */
  readonly maxSpacing?: number;
}

/**
 * Default grid spacing, a fraction of eps: 1/2 (10 diffusion passes per kernel application). The passes' variance is
 * exactly 2 eps^2 whatever the spacing (a random walk's); the bilinear deposit adds at most h^2 / 4 per axis (6% at 1/2,
 * heat-kernel.test.ts). 1/3 cost 5x more (2.3x the nodes, 2.3x the passes) for a pull that differed by a few %.
 */
export const HEAT_GRID_SPACING = 1 / 2;

/** Largest lambda_x + lambda_y of an explicit pass (stable and positive below 0.5; 0.4 keeps the diagonal >= 0.2). */
const PASS_LIMIT = 0.4;

/**
 * The heat kernel of the free space on a grid, K = P^k with P one explicit diffusion pass over the free grid's open
 * links (P symmetric: K is self-adjoint, conserves mass, keeps it positive), and the blob energy and velocities with
 * it:
 *
 *   f   = K S rho_N / A                 S: each robot's mass to the corners of its grid cell (bilinear, over the corners
 *                                       it sees without crossing a wall, renormalized); A the cell area
 *   E   = 1/2 sum_k A f_k^2 / r_k       r = K rho_bar (smoothTarget, floored) or rho_bar floored
 *   v_i = -D grad_{x_i} E / m_i = -(D / A) sum_l (K (f / r))_l grad a_l(x_i)
 *
 * The velocities are the exact gradient of this E (bilinear weights: continuous, differentiable inside each cell), so
 * E stays a Lyapunov function of the flow (the one exception: in a cell a wall crosses, E jumps where a robot's view
 * of a corner changes; the safety layer keeps robots radius + clearance off walls, mostly outside such spots). Away
 * from walls K has exactly the variance of the Gaussian of width eps (the passes are a random walk) and its shape to
 * grid accuracy; at a wall it reflects (no flux), like the folded Gaussian of NeumannBlobField; across a wall it is 0.
 * Cost per evaluation: a deposit, 2 x `passes` sweeps of the grid's links (10 at the default spacing) and a gather.
 */
export class HeatKernelField {
  readonly epsilon: number;
  readonly diffusivity: number;
  readonly grid: FreeGrid;
  /** Diffusion passes per kernel application. */
  readonly passes: number;
  private readonly lx: number;
  private readonly ly: number;
  private readonly cellArea: number;
  /** 1 / r per node (0 off the free space). */
  private readonly invR: Float64Array;
  /** 1 where the cell with lower-left node k has no obstacle boundary in it (all four corners see each other). */
  private readonly clean: Uint8Array;
  private readonly target: Target;
  /** Two grid buffers: the deposit, the passes and the gradient's smoothing alternate between them. */
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;
  /** The buffer holding f after the last deposit. */
  private f: Float64Array;
  private readonly w = new Float64Array(4);
  private readonly gx = new Float64Array(4);
  private readonly gy = new Float64Array(4);

  constructor(target: Target, options: HeatKernelOptions) {
    const e = options.epsilon;
    if (!(e > 0) || !Number.isFinite(e)) throw new Error(`epsilon must be a positive number of metres, got ${e}`);
    if (!(options.diffusivity >= 0) || !Number.isFinite(options.diffusivity)) throw new Error(`diffusivity must be a non-negative number, got ${options.diffusivity}`);
    const fraction = options.gridSpacing ?? HEAT_GRID_SPACING;
    if (!(fraction > 0 && fraction <= 1)) throw new Error(`gridSpacing must be in (0, 1] (a fraction of epsilon), got ${fraction}`);
    this.epsilon = e;
    this.diffusivity = options.diffusivity;
    this.target = target;
    const maxSpacing = options.maxSpacing ?? Infinity;
    if (!(maxSpacing > 0)) throw new Error(`maxSpacing must be a positive number of metres, got ${maxSpacing}`);
    const spacing = Math.min(fraction * e, maxSpacing);
    const g = targetFreeGrid(target, spacing);
    this.grid = g;
    this.cellArea = g.hx * g.hy;
    // Heat kernel at time t = eps^2 / 2 in k passes of lambda = dt / h^2 each.
    const t = 0.5 * e * e;
    const rate = 1 / (g.hx * g.hx) + 1 / (g.hy * g.hy);
    this.passes = Math.max(1, Math.ceil((t * rate) / PASS_LIMIT));
    const dt = t / this.passes;
    this.lx = dt / (g.hx * g.hx);
    this.ly = dt / (g.hy * g.hy);
    const n = g.nx * g.ny;
    this.bufA = new Float64Array(n);
    this.bufB = new Float64Array(n);
    this.f = this.bufA;
    const smooth = options.smoothTarget ?? true;
    this.clean = target.derived(`heat-clean:${spacing}`, () => cleanCells(target, g));
    this.invR = target.derived(`heat:${e}:${spacing}:${smooth ? 1 : 0}`, () => this.inverseTarget(smooth));
  }

  /** 1 / r on the free nodes: the target density (normalized over free space), smoothed by K when asked, floored. */
  private inverseTarget(smooth: boolean): Float64Array {
    const g = this.grid;
    const n = g.nx * g.ny;
    const rho = new Float64Array(n);
    const scale = 1 / this.target.mass;
    for (let k = 0; k < n; k++) {
      if (!g.free[k]) continue;
      const i = k % g.nx;
      rho[k] = this.target.valueAt(g.x0 + i * g.hx, g.y0 + ((k - i) / g.nx) * g.hy) * scale;
    }
    let r: Float64Array = rho;
    if (smooth) {
      const tmp = new Float64Array(n);
      r = this.apply(rho, tmp);
    }
    const floor = this.target.floorFraction / boxArea(this.target.domain);
    const inv = new Float64Array(n);
    for (let k = 0; k < n; k++) if (g.free[k]) inv[k] = 1 / Math.max(floor, r[k]);
    return inv;
  }

  /** K x: `passes` diffusion passes ping-ponging between x and tmp; returns the array holding the result. */
  private apply(x: Float64Array, tmp: Float64Array): Float64Array {
    const g = this.grid;
    let a = x;
    let b = tmp;
    for (let p = 0; p < this.passes; p++) {
      diffusionPass(a, b, g.nx, g.ny, g.openE, g.openN, this.lx, this.ly);
      const c = a;
      a = b;
      b = c;
    }
    return a;
  }

  /**
   * Bilinear weights of (x, y) over the corners of its cell that it sees (w, and their gradients gx, gy), normalized;
   * returns the cell's lower-left node, or -1 when it sees no free corner.
   */
  private weights(x: number, y: number): number {
    const g = this.grid;
    const { w, gx, gy } = this;
    let fx = (x - g.x0) / g.hx;
    let fy = (y - g.y0) / g.hy;
    let dx = 1;
    let dy = 1;
    if (fx < 0) [fx, dx] = [0, 0];
    else if (fx > g.nx - 1) [fx, dx] = [g.nx - 1, 0];
    if (fy < 0) [fy, dy] = [0, 0];
    else if (fy > g.ny - 1) [fy, dy] = [g.ny - 1, 0];
    const i0 = Math.min(Math.floor(fx), Math.max(0, g.nx - 2));
    const j0 = Math.min(Math.floor(fy), Math.max(0, g.ny - 2));
    const tx = g.nx > 1 ? fx - i0 : 0;
    const ty = g.ny > 1 ? fy - j0 : 0;
    const k = j0 * g.nx + i0;
    const ax = dx / g.hx;
    const ay = dy / g.hy;
    // Corners 0: (i0, j0), 1: (i0 + 1, j0), 2: (i0, j0 + 1), 3: (i0 + 1, j0 + 1).
    w[0] = (1 - tx) * (1 - ty);
    w[1] = tx * (1 - ty);
    w[2] = (1 - tx) * ty;
    w[3] = tx * ty;
    gx[0] = -(1 - ty) * ax;
    gx[1] = (1 - ty) * ax;
    gx[2] = -ty * ax;
    gx[3] = ty * ax;
    gy[0] = -(1 - tx) * ay;
    gy[1] = -tx * ay;
    gy[2] = (1 - tx) * ay;
    gy[3] = tx * ay;
    if (this.clean[k]) return k;
    // A cell with a wall in it (or at the grid's edge): only the free corners the robot sees, renormalized (quotient
    // rule for the gradient).
    let s = 0;
    let sx = 0;
    let sy = 0;
    for (let c = 0; c < 4; c++) {
      const ci = i0 + (c & 1);
      const cj = j0 + (c >> 1);
      const node = cj * g.nx + ci;
      const seen = ci < g.nx && cj < g.ny && g.free[node] === 1 && !this.target.obstacles.blocks(x, y, g.x0 + ci * g.hx, g.y0 + cj * g.hy);
      if (!seen) w[c] = gx[c] = gy[c] = 0;
      s += w[c];
      sx += gx[c];
      sy += gy[c];
    }
    if (!(s > 1e-12)) return -1;
    for (let c = 0; c < 4; c++) {
      gx[c] = (gx[c] * s - w[c] * sx) / (s * s);
      gy[c] = (gy[c] * s - w[c] * sy) / (s * s);
      w[c] /= s;
    }
    return k;
  }

  /** f = K S rho_N / A on the grid; returns E. */
  private deposit(p: Positions, masses?: Float64Array): number {
    const g = this.grid;
    const n = p.length >> 1;
    const f0 = this.bufA;
    f0.fill(0);
    const { w } = this;
    const inv = 1 / this.cellArea;
    for (let q = 0; q < n; q++) {
      const m = (masses ? masses[q] : 1 / n) * inv;
      if (m === 0) continue;
      const k = this.weights(p[2 * q], p[2 * q + 1]);
      if (k < 0) continue;
      f0[k] += m * w[0];
      if (w[1] !== 0) f0[k + 1] += m * w[1];
      if (w[2] !== 0) f0[k + g.nx] += m * w[2];
      if (w[3] !== 0) f0[k + g.nx + 1] += m * w[3];
    }
    const f = this.apply(f0, this.bufB);
    this.f = f;
    let energy = 0;
    const invR = this.invR;
    for (let k = 0; k < f.length; k++) energy += f[k] * f[k] * invR[k];
    return 0.5 * this.cellArea * energy;
  }

  /** E of a configuration. */
  energy(p: Positions, masses?: Float64Array): number {
    return this.deposit(p, masses);
  }

  /** Velocities -D grad_{x_i} E / m_i into `v` (interleaved); returns E. */
  evaluate(p: Positions, v: Float64Array, masses?: Float64Array): number {
    const energy = this.deposit(p, masses);
    const g = this.grid;
    const f = this.f;
    const u = f === this.bufA ? this.bufB : this.bufA;
    const invR = this.invR;
    for (let k = 0; k < f.length; k++) u[k] = f[k] * invR[k];
    const k1 = this.apply(u, f); // f is not needed any more: its buffer is the scratch
    const n = p.length >> 1;
    const c = -this.diffusivity;
    const { gx, gy } = this;
    for (let q = 0; q < n; q++) {
      const k = this.weights(p[2 * q], p[2 * q + 1]);
      if (k < 0) {
        v[2 * q] = 0;
        v[2 * q + 1] = 0;
        continue;
      }
      const a = k1[k];
      const b = gx[1] !== 0 || gy[1] !== 0 ? k1[k + 1] : 0;
      const d = gx[2] !== 0 || gy[2] !== 0 ? k1[k + g.nx] : 0;
      const e = gx[3] !== 0 || gy[3] !== 0 ? k1[k + g.nx + 1] : 0;
      v[2 * q] = c * (gx[0] * a + gx[1] * b + gx[2] * d + gx[3] * e);
      v[2 * q + 1] = c * (gy[0] * a + gy[1] * b + gy[2] * d + gy[3] * e);
    }
    return energy;
  }
}

/** One explicit pass b = a + lambda (flux over open links): symmetric, mass-conserving, positive for lx + ly <= 0.5. */
function diffusionPass(a: Float64Array, b: Float64Array, nx: number, ny: number, openE: Uint8Array, openN: Uint8Array, lx: number, ly: number): void {
  b.set(a);
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let i = 0; i < nx - 1; i++) {
      const k = row + i;
      if (openE[k] === 0) continue;
      const flux = lx * (a[k + 1] - a[k]);
      b[k] += flux;
      b[k + 1] -= flux;
    }
  }
  for (let k = 0; k < (ny - 1) * nx; k++) {
    if (openN[k] === 0) continue;
    const flux = ly * (a[k + nx] - a[k]);
    b[k] += flux;
    b[k + nx] -= flux;
  }
}

/** 1 for each cell (lower-left node k) whose square no obstacle boundary enters: its four corners see each other. */
function cleanCells(target: Target, g: FreeGrid): Uint8Array {
  const out = new Uint8Array(g.nx * g.ny);
  const o = target.obstacles;
  for (let j = 0; j + 1 < g.ny; j++) {
    for (let i = 0; i + 1 < g.nx; i++) {
      const k = j * g.nx + i;
      if (!(g.free[k] && g.free[k + 1] && g.free[k + g.nx] && g.free[k + g.nx + 1])) continue;
      if (!(g.openE[k] && g.openN[k] && g.openN[k + 1] && g.openE[k + g.nx])) continue;
      const x = g.x0 + i * g.hx;
      const y = g.y0 + j * g.hy;
      if (o.blocks(x, y, x + g.hx, y + g.hy) || o.blocks(x + g.hx, y, x, y + g.hy)) continue;
      out[k] = 1;
    }
  }
  return out;
}
