import type { Box, Positions } from '../target/geometry.js';

/**
 * A metric for a gradient flow: robots follow x' = G v instead of x' = v, with G symmetric positive definite. Then
 * dE/dt = -(m / D) v . G v <= 0 and the stationary points (v = 0) are the same: still a gradient flow of the same
 * energy, in another metric. `prepare` fixes the metric's neighbour structure for the coming step.
 */
export interface Metric {
  /** Fixes the neighbour structure from the positions at the start of a step. */
  prepare(positions: Positions): void;
  /** v <- G v, in place (interleaved x, y); `resistance` (per robot, >= 1) folds a mobility 1 / r_i into G. */
  apply(v: Float64Array, resistance?: Float64Array): void;
}

/**
 * The relaxation time of `run`'s preconditioner, s: a tenth of the longest step (0.1 s), so modes faster than 100/s
 * (which that step cannot follow anyway) relax at ~100/s, and a wave of length l keeps its rate D k^2 to within a
 * factor 1 + tau D k^2 (1.1 for a wave across a 2 m domain at D = 1).
 */
export const PRECONDITION_TIME = 0.01;

/** Options of the fine-scale preconditioner. */
export interface FineScaleOptions {
  /** The walls: robots near one also interact with the mirror images of their neighbours (the field's folding). */
  readonly domain: Box;
  /** The flow's fine width eps, m: neighbours interact through exp(-r^2 / (4 eps^2)), cut at 3 sqrt(2) eps. */
  readonly epsilon: number;
  /** Diffusivity D, m^2/s. */
  readonly diffusivity: number;
  /** Relaxation time tau, s: modes faster than ~1/tau are slowed to ~1/tau; slower ones keep their rate. */
  readonly time: number;
  /** Residual of the inner Chebyshev solve, relative (0.1: G within 10% of the exact inverse). Default 0.1. */
  readonly residual?: number;
  /** Most inner iterations per application. Default 200. */
  readonly maxIterations?: number;
}

/**
 * The fine-scale preconditioner: robots follow x' = G v with
 *
 *   G = (R + beta L)^-1,   beta = tau D / eps^2,
 *
 * L the graph Laplacian of the robots (Gaussian weights exp(-|x_i - x_j|^2 / (4 eps^2)) within 3 sqrt(2) eps, mirror
 * images across the walls included, each weight divided by the mean of its two robots' weight sums so that L ~ 1 on
 * the roughest modes wherever the swarm is), R = diag(r_i) >= 1 a per-robot resistance (1 + |v_i| / vmax for the
 * speed-bounding mobility, 1 without). On a wave of length l >> eps, L ~ eps^2 (2 pi / l)^2, so beta L ~ tau D k^2:
 * G leaves the modes slower than 1/tau (coverage, transport across the domain) almost alone and slows the eps-scale
 * rearrangements, whose rate ~ D / eps^2 grows like N, to ~1/tau: the stabilized step's stage count stops growing
 * with N. Like an implicit step for the fine scale, but as a change of metric: G is symmetric positive definite, so
 * the flow stays a gradient flow of the same energy with the same stationary points, whatever tau. R + beta L is
 * diagonally dominant with a positive diagonal, so (exactly solved) no robot moves faster than max_i |v_i| / r_i: with
 * r_i = 1 + |v_i| / vmax, below vmax. A lone robot (no neighbour within the cut-off) moves at v_i / r_i.
 *
 * G is applied by Chebyshev iterations on the Jacobi-scaled system (spectrum within [1 - g, 1 + g], g < 1 from the
 * Gershgorin discs): a fixed polynomial per application, so G is linear, symmetric and positive definite, within
 * `residual` of the exact inverse. Cost: the neighbour list at most once per step (a cell list, O(N)), and per
 * application ~1.5 sqrt(2 (1 + beta)) sparse products, far below one field evaluation.
 */
export class FineScalePreconditioner implements Metric {
  readonly beta: number;
  /** Inner iterations of the last application. */
  iterations = 0;
  private readonly residual: number;
  private readonly maxIterations: number;
  private readonly cutoff: number;
  private readonly inv4e2: number;
  private n = 0;
  private rowStart: Int32Array = new Int32Array(1);
  private cols: Int32Array = new Int32Array(0);
  /** Per edge, the weight on the neighbour's x and y velocity (an image across a wall flips one sign). */
  private wx: Float64Array = new Float64Array(0);
  private wy: Float64Array = new Float64Array(0);
  private scratch: Float64Array = new Float64Array(0);
  /** Positions of the last build. */
  private built: Float64Array = new Float64Array(0);
  /** Neighbour lists built so far. */
  rebuilds = 0;
  private readonly domain: Box;
  /** Per robot: beta x the sum of its (normalized) weights, the diagonal of beta L. */
  private diag: Float64Array = new Float64Array(0);
  /** Per robot: 1 / (r_i + diag_i) of the current application. */
  private jacobi: Float64Array = new Float64Array(0);
  private r: Float64Array = new Float64Array(0);
  private d: Float64Array = new Float64Array(0);
  private ad: Float64Array = new Float64Array(0);
  private x: Float64Array = new Float64Array(0);
  private head: Int32Array = new Int32Array(0);
  private next: Int32Array = new Int32Array(0);
  private count: Int32Array = new Int32Array(0);

  constructor(options: FineScaleOptions) {
    const { epsilon, diffusivity, time } = options;
    const residual = options.residual ?? 0.1;
    if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new Error(`epsilon must be positive, got ${epsilon}`);
    if (!(diffusivity > 0 && Number.isFinite(diffusivity))) throw new Error(`diffusivity must be positive, got ${diffusivity}`);
    if (!(time >= 0 && Number.isFinite(time))) throw new Error(`time must be non-negative, got ${time}`);
    if (!(residual > 0 && residual < 1)) throw new Error(`residual must be in (0, 1), got ${residual}`);
    this.domain = options.domain;
    this.beta = (time * diffusivity) / (epsilon * epsilon);
    this.cutoff = 3 * Math.SQRT2 * epsilon;
    this.inv4e2 = 1 / (4 * epsilon * epsilon);
    this.residual = residual;
    this.maxIterations = options.maxIterations ?? 200;
    if (!(Number.isInteger(this.maxIterations) && this.maxIterations >= 1)) throw new Error(`maxIterations must be a positive integer, got ${this.maxIterations}`);
  }

  /**
   * Builds the normalized neighbour weights at `p`, or keeps those of the last build while the robots have moved
   * little since (RMS under eps/4, none over 1.5 eps, of a 4.2 eps cut-off): any fixed G is a valid metric, a slightly
   * stale one only damps a little less, and the power iteration sees that.
   */
  prepare(p: Positions): void {
    if (this.beta === 0) return;
    const n = p.length >> 1;
    if (n === this.n && this.built.length === p.length) {
      let sum = 0;
      let most = 0;
      for (let i = 0; i < p.length; i += 2) {
        const d2 = (p[i] - this.built[i]) ** 2 + (p[i + 1] - this.built[i + 1]) ** 2;
        sum += d2;
        if (d2 > most) most = d2;
      }
      const e2 = 1 / (4 * this.inv4e2);
      if (sum / n < e2 / 16 && most < 2.25 * e2) return;
    }
    this.rebuilds++;
    if (this.built.length !== p.length) this.built = new Float64Array(p.length);
    this.built.set(p);
    this.n = n;
    if (this.diag.length !== n) {
      this.diag = new Float64Array(n);
      this.rowStart = new Int32Array(n + 1);
      this.jacobi = new Float64Array(n);
      this.scratch = new Float64Array(n);
      this.next = new Int32Array(n);
      for (const k of ['r', 'd', 'ad', 'x'] as const) this[k] = new Float64Array(2 * n);
    }
    let xmin = Infinity;
    let xmax = -Infinity;
    let ymin = Infinity;
    let ymax = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = p[2 * i];
      const y = p[2 * i + 1];
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
    const c = this.cutoff;
    // Cells of side >= the cut-off, at most ~4 million.
    const cell = Math.max(c, Math.sqrt(((xmax - xmin) * (ymax - ymin)) / 4e6));
    const nx = Math.max(1, Math.ceil((xmax - xmin) / cell) + 1);
    const ny = Math.max(1, Math.ceil((ymax - ymin) / cell) + 1);
    if (this.head.length < nx * ny) this.head = new Int32Array(nx * ny);
    const head = this.head;
    head.fill(-1, 0, nx * ny);
    if (this.count.length < nx * ny) this.count = new Int32Array(nx * ny);
    const count = this.count;
    count.fill(0, 0, nx * ny);
    const next = this.next;
    for (let i = 0; i < n; i++) {
      const b = Math.floor((p[2 * i] - xmin) / cell) + nx * Math.floor((p[2 * i + 1] - ymin) / cell);
      next[i] = head[b];
      head[b] = i;
      count[b]++;
    }
    const degree = this.diag;
    degree.fill(1); // the self weight
    const W = this.domain;
    let nnz = 0;
    for (let i = 0; i < n; i++) {
      this.rowStart[i] = nnz;
      const xi = p[2 * i];
      const yi = p[2 * i + 1];
      const ci = Math.floor((xi - xmin) / cell);
      const cj = Math.floor((yi - ymin) / cell);
      const near = xi - W.xmin < c || W.xmax - xi < c || yi - W.ymin < c || W.ymax - yi < c;
      // Room for every robot of the 3 x 3 cells and, near a wall, its images across up to four walls: grow before
      // the row, never inside it.
      let room = 0;
      for (let bj = Math.max(0, cj - 1); bj <= Math.min(ny - 1, cj + 1); bj++) {
        for (let bi = Math.max(0, ci - 1); bi <= Math.min(nx - 1, ci + 1); bi++) room += count[bi + nx * bj];
      }
      if (near) room *= 5;
      if (this.cols.length < nnz + room) this.grow(Math.max(2 * this.cols.length, nnz + room, 16 * n));
      for (let bj = Math.max(0, cj - 1); bj <= Math.min(ny - 1, cj + 1); bj++) {
        for (let bi = Math.max(0, ci - 1); bi <= Math.min(nx - 1, ci + 1); bi++) {
          const first = head[bi + nx * bj];
          nnz = collect(p, i, xi, yi, first, next, c * c, this.inv4e2, this.cols, this.wx, this.wy, degree, nnz);
          // Near a wall: the mirror images of the same robots (the field folds the walls the same way).
          if (near) nnz = collectImages(p, i, xi, yi, first, next, c, this.inv4e2, W, this.cols, this.wx, this.wy, degree, nnz);
        }
      }
    }
    this.rowStart[n] = nnz;
    // beta W_ij / ((K_i + K_j) / 2), K with the self weight 1 (a lone robot's row is empty); diag: the row sums.
    const { wx, wy, cols, rowStart } = this;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
        const f = (2 * this.beta) / (degree[i] + degree[cols[e]]);
        wx[e] *= f;
        wy[e] *= f;
        sum += Math.abs(wx[e]);
      }
      this.scratch[i] = sum;
    }
    degree.set(this.scratch.subarray(0, n));
  }

  private grow(size: number): void {
    const cols = new Int32Array(size);
    cols.set(this.cols);
    const wx = new Float64Array(size);
    wx.set(this.wx);
    const wy = new Float64Array(size);
    wy.set(this.wy);
    this.cols = cols;
    this.wx = wx;
    this.wy = wy;
  }

  /**
   * v <- G v ~ (R + beta L)^-1 v, R = diag(resistance) (each >= 1; default all 1): Chebyshev iteration from zero on the
   * Jacobi-scaled system (Saad's Algorithm 12.1), as many iterations as the residual asks (at most maxIterations).
   */
  apply(v: Float64Array, resistance?: Float64Array): void {
    if (this.n === 0 || this.beta === 0) {
      if (resistance) for (let i = 0; i < v.length; i++) v[i] /= resistance[i >> 1];
      return;
    }
    if (v.length !== 2 * this.n) throw new Error(`the preconditioner was prepared for ${this.n} robots, got ${v.length >> 1}`);
    const n = this.n;
    const { diag, jacobi } = this;
    // Gershgorin: the Jacobi-scaled matrix has unit diagonal and off-diagonal row sums diag_i / (r_i + diag_i) <= g < 1.
    let g = 0;
    for (let i = 0; i < n; i++) {
      const r = resistance ? resistance[i] : 1;
      if (!(r >= 1)) throw new Error(`resistances must be >= 1, got ${r}`);
      jacobi[i] = 1 / (r + diag[i]);
      g = Math.max(g, diag[i] * jacobi[i]);
    }
    const a = 1 - g;
    const b = 1 + g;
    const { r, x } = this;
    let d = this.d;
    let ad = this.ad;
    x.fill(0);
    for (let i = 0; i < v.length; i++) r[i] = v[i] * jacobi[i >> 1];
    if (g === 0) {
      v.set(r);
      return;
    }
    // Residual after k iterations <= 2 ((sqrt kappa - 1) / (sqrt kappa + 1))^k, kappa = b / a.
    const sk = Math.sqrt(b / a);
    this.iterations = Math.min(this.maxIterations, Math.max(1, Math.ceil(Math.log(this.residual / 2) / Math.log((sk - 1) / (sk + 1)))));
    const theta = (a + b) / 2;
    const delta = (b - a) / 2;
    const sigma = theta / delta;
    for (let i = 0; i < d.length; i++) d[i] = r[i] / theta;
    let rho = 1 / sigma;
    for (let it = 0; it < this.iterations; it++) {
      for (let i = 0; i < x.length; i++) x[i] += d[i];
      if (it === this.iterations - 1) break;
      const rhoNext = 1 / (2 * sigma - rho);
      chebyshevUpdate(n, this.rowStart, this.cols, this.wx, this.wy, jacobi, d, r, ad, rhoNext * rho, (2 * rhoNext) / delta);
      const t = this.d;
      this.d = ad;
      this.ad = t;
      d = this.d;
      ad = this.ad;
      rho = rhoNext;
    }
    v.set(x);
  }
}

/** Appends robot i's neighbours within the cut-off from one cell's list (from `j`); returns the new edge count. */
function collect(p: Positions, i: number, xi: number, yi: number, j: number, next: Int32Array, c2: number, k: number, cols: Int32Array, wx: Float64Array, wy: Float64Array, degree: Float64Array, nnz: number): number {
  for (; j >= 0; j = next[j]) {
    if (j === i) continue;
    const dx = p[2 * j] - xi;
    const dy = p[2 * j + 1] - yi;
    const r2 = dx * dx + dy * dy;
    if (r2 >= c2) continue;
    const w = Math.exp(-r2 * k);
    cols[nnz] = j;
    wx[nnz] = w;
    wy[nnz] = w;
    degree[i] += w;
    nnz++;
  }
  return nnz;
}

/** Appends the mirror images (across the walls i is within `c` of) of one cell's robots within the cut-off. */
function collectImages(p: Positions, i: number, xi: number, yi: number, first: number, next: Int32Array, c: number, k: number, W: Box, cols: Int32Array, wx: Float64Array, wy: Float64Array, degree: Float64Array, nnz: number): number {
  const c2 = c * c;
  for (let wall = 0; wall < 4; wall++) {
    const vertical = wall < 2;
    const at = wall === 0 ? W.xmin : wall === 1 ? W.xmax : wall === 2 ? W.ymin : W.ymax;
    if (Math.abs((vertical ? xi : yi) - at) >= c) continue;
    for (let j = first; j >= 0; j = next[j]) {
      const dx = (vertical ? 2 * at - p[2 * j] : p[2 * j]) - xi;
      const dy = (vertical ? p[2 * j + 1] : 2 * at - p[2 * j + 1]) - yi;
      const r2 = dx * dx + dy * dy;
      if (r2 >= c2) continue;
      const w = Math.exp(-r2 * k);
      cols[nnz] = j;
      wx[nnz] = vertical ? -w : w;
      wy[nnz] = vertical ? w : -w;
      degree[i] += w;
      nnz++;
    }
  }
  return nnz;
}

/**
 * One Chebyshev update on the Jacobi-scaled system, fused: r -= J (R + beta L) d, then dNext = c1 d + c2 r (J =
 * diag(jacobi)). Row i of (R + beta L) d needs d only, so r and dNext are written in the same pass.
 */
function chebyshevUpdate(n: number, rowStart: Int32Array, cols: Int32Array, wx: Float64Array, wy: Float64Array, jacobi: Float64Array, d: Float64Array, r: Float64Array, dNext: Float64Array, c1: number, c2: number): void {
  for (let i = 0; i < n; i++) {
    let sx = 0;
    let sy = 0;
    const end = rowStart[i + 1];
    for (let e = rowStart[i]; e < end; e++) {
      const j = cols[e];
      sx += wx[e] * d[2 * j];
      sy += wy[e] * d[2 * j + 1];
    }
    const ji = jacobi[i];
    const rx = r[2 * i] - (d[2 * i] - ji * sx);
    const ry = r[2 * i + 1] - (d[2 * i + 1] - ji * sy);
    r[2 * i] = rx;
    r[2 * i + 1] = ry;
    dNext[2 * i] = c1 * d[2 * i] + c2 * rx;
    dNext[2 * i + 1] = c1 * d[2 * i + 1] + c2 * ry;
  }
}
