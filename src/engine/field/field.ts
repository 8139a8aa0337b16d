import type { Positions } from '../target/geometry.js';
import type { Grid } from './grid.js';
import { makeGrid } from './grid.js';
import type { Target, TargetOnGrid } from '../target/target.js';
import { wasmStencil } from './wasm/stencil.js';
import type { StencilExports } from './wasm/stencil.js';

/** Implementations of the hot loops: WebAssembly SIMD, or the plain JS loops (the reference). */
export type FieldKernel = 'wasm' | 'js';

/** Numerical options of the blob field. */
export interface BlobFieldOptions {
  /** Mollifier width eps in metres (standard deviation of the Gaussian phi_eps). */
  readonly epsilon: number;
  /** Diffusivity D in m^2/s. */
  readonly diffusivity: number;
  /** Quadrature grid spacing as a fraction of eps. Default 0.4 (docs/method.md, Accuracy: below 1e-3 next to walls, ~1e-5 inside). */
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
  /**
   * Hot loops in WebAssembly SIMD ('wasm', the default; falls back to 'js' where unavailable) or plain JS ('js', the
   * reference). Both give the same field up to round-off.
   */
  readonly kernel?: FieldKernel;
}

/** Default quadrature spacing (fraction of eps) and cut-off (multiple of eps). */
export const DEFAULT_GRID_SPACING = 0.4;
export const DEFAULT_CUTOFF = 5;
/** Robots per call of the Wasm robot loops (their positions and velocities live in its fixed memory). */
const CHUNK = 4096;

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
  /** The hot loops in use (see BlobFieldOptions.kernel). */
  readonly kernel: FieldKernel;
  /** The Wasm kernel and the byte offsets of f, u, 1/rho_bar, wx, wy, dx, dy, sums, robot chunks (null: JS loops). */
  private readonly wasm: StencilExports | null;
  private readonly at: Int32Array;
  private readonly invRhoBar: Float64Array;
  private readonly u: Float64Array;
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;
  private readonly sums: Float64Array;
  /** Positions in, velocities out of the Wasm robot loops, CHUNK robots at a time. */
  private readonly xyChunk: Float64Array;
  private readonly vChunk: Float64Array;
  /** Per robot of the chunk: the deposit factor m / (2 pi e^2), or 1 / 0 for the gather's robots wanted / not. */
  private readonly perChunk: Float64Array;
  /** Robots in tile order (see tileOrder) and their positions in that order, grown on demand; tile counts. */
  private order = new Int32Array(0);
  private sorted = new Float64Array(0);
  private readonly tiles: Int32Array;
  private readonly tilesX: number;
  private readonly tileW: number;
  private readonly tileH: number;

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
    // One more node than the longest stencil: the Wasm kernel takes columns in pairs and reads a zero weight there.
    const maxStencil = Math.ceil((2 * this.cutoff * this.maxEpsilon) / Math.min(this.grid.hx, this.grid.hy)) + 3;
    const lengths = [n, n, n, maxStencil, maxStencil, maxStencil, maxStencil, 2, 2 * CHUNK, 2 * CHUNK, CHUNK];
    // The arrays live in the kernel's memory (allocated once, never grown), so nothing is copied per evaluation.
    const wasm = options.kernel === 'js' ? null : wasmStencil(lengths);
    this.kernel = wasm ? 'wasm' : 'js';
    this.wasm = wasm ? wasm.kernel : null;
    this.at = Int32Array.from(wasm ? wasm.offsets : lengths.map(() => 0));
    [this.f, this.u, this.invRhoBar, this.wx, this.wy, this.dx, this.dy, this.sums, this.xyChunk, this.vChunk, this.perChunk] = wasm ? wasm.arrays : lengths.map((k) => new Float64Array(k));
    for (let k = 0; k < n; k++) this.invRhoBar[k] = 1 / this.target.rhoBar[k];
    // Tiles of about one stencil (2 cut-off widths) a side: robots taken tile by tile share most of their grid rows,
    // which then stay in cache between robots (the grid is megabytes; robots arrive in any order).
    this.tileW = 2 * this.cutoff * epsilon;
    this.tileH = this.tileW;
    const g = this.grid;
    this.tilesX = Math.max(1, Math.ceil((g.nx * g.hx) / this.tileW));
    const tilesY = Math.max(1, Math.ceil((g.ny * g.hy) / this.tileH));
    this.tiles = new Int32Array(this.tilesX * tilesY + 1);
  }

  /** Number of quadrature nodes. */
  get nodes(): number {
    return this.grid.nx * this.grid.ny;
  }

  /**
   * Computes the blob velocity of every robot into `velocities` (interleaved like positions) and returns E_eps.
   * `masses` defaults to 1/N each; `epsilons` (per robot, clipped to [epsilon, maxEpsilon]) defaults to epsilon. With
   * `only`, just the velocities of the robots it marks 1 are computed (the others' are left as they are).
   */
  evaluate(positions: Positions, velocities: Float64Array, masses?: Float64Array, epsilons?: Float64Array, only?: Uint8Array): number {
    const energy = this.deposit(positions, masses, epsilons);
    this.gather(positions, velocities, epsilons, only);
    return energy;
  }

  /** E_eps of a configuration, without velocities (half the cost of `evaluate`). */
  energy(positions: Positions, masses?: Float64Array, epsilons?: Float64Array): number {
    return this.deposit(positions, masses, epsilons);
  }

  /** Particles to grid (f), then u = w f / rho_bar; returns E_eps. */
  private deposit(positions: Positions, masses?: Float64Array, epsilons?: Float64Array): number {
    this.spread(positions, masses, epsilons);
    const w = this.grid.cellArea;
    if (this.wasm) return weighRows(this.wasm, this.at[0], this.at[2], this.at[1], w, this.grid.nx, this.grid.ny);
    return weighByTarget(this.f, this.invRhoBar, this.u, w, this.grid.nx);
  }

  /**
   * The robots in tile order (counting sort by tile: O(N + tiles)), and their positions copied in that order: both
   * robot loops then read positions in sequence (at 100,000 robots, reading them through the order cost more than
   * the copy: the reads missed the cache).
   */
  private sortRobots(positions: Positions): Int32Array {
    const n = positions.length >> 1;
    if (this.order.length < n) {
      this.order = new Int32Array(n);
      this.sorted = new Float64Array(2 * n);
    }
    const g = this.grid;
    tileOrder(positions, n, g.x0 - 0.5 * g.hx, g.y0 - 0.5 * g.hy, this.tileW, this.tileH, this.tilesX, this.tiles, this.order, this.sorted);
    return this.order;
  }

  /** f = sum_j m_j phi_eps_j(. - x_j) on the grid. */
  private spread(positions: Positions, masses?: Float64Array, epsilons?: Float64Array): void {
    const n = positions.length >> 1;
    const { f, wx, wy, dx, dy, epsilon, maxEpsilon, cutoff, wasm, at } = this;
    const { nx, ny, x0, y0, hx, hy } = this.grid;
    const qx = recurrenceRatio(epsilon, hx);
    const qy = recurrenceRatio(epsilon, hy);
    f.fill(0);
    const m0 = n > 0 ? 1 / n : 0;
    const order = this.sortRobots(positions);
    const xy = this.sorted;
    if (wasm && !epsilons) {
      // Uniform width: the whole robot loop in the kernel, CHUNK robots a call (m / (2 pi e^2) per robot, 0 skips).
      const s = TWO_PI * epsilon * epsilon;
      const per = this.perChunk;
      for (let q0 = 0; q0 < n; q0 += CHUNK) {
        const k = Math.min(CHUNK, n - q0);
        this.xyChunk.set(xy.subarray(2 * q0, 2 * (q0 + k)));
        if (masses) massFactors(masses, order, q0, k, s, per);
        else per.fill(m0 / s, 0, k);
        wasm.spreadRobots(at[0], nx, at[8], k, x0, y0, hx, hy, nx - 1, ny - 1, -0.5 / (epsilon * epsilon), cutoff * epsilon, qx, qy, 0, at[3], at[5], at[4], at[6], at[9], at[10]);
      }
      return;
    }
    for (let q = 0; q < n; q++) {
      const p = order[q];
      const m = masses ? masses[p] : m0;
      if (m === 0) continue;
      const e = epsilons ? clampWidth(epsilons[p], epsilon, maxEpsilon) : epsilon;
      const sx = gaussianStencil(xy[2 * q], x0, hx, nx, e, cutoff * e, e === epsilon ? qx : recurrenceRatio(e, hx), wx, dx);
      const sy = gaussianStencil(xy[2 * q + 1], y0, hy, ny, e, cutoff * e, e === epsilon ? qy : recurrenceRatio(e, hy), wy, dy);
      if (!(sx > 0 && sy > 0)) continue; // 0: no node in reach; NaN: a robot at NaN
      const i0 = Math.floor(sx / 1048576);
      const j0 = Math.floor(sy / 1048576);
      const cx = sx - i0 * 1048576;
      if (wasm) {
        wx[cx] = 0;
        wasm.addStencil(at[0], nx, i0, cx, j0, sy - j0 * 1048576, m / (TWO_PI * e * e), at[3], at[4]);
      } else {
        addStencil(f, nx, i0, cx, j0, sy - j0 * 1048576, m / (TWO_PI * e * e), wx, wy);
      }
    }
    // Nothing after the robot loop: it runs long enough to be optimized on the stack, and that code, reused at the
    // next call, went back to the interpreter at any code after the loop (no type feedback when it was compiled).
    // The grid pass follows in the caller.
  }

  /** Grid to particles: v_i = (D / eps_i^2) sum_k u_k phi(x_i - y_k) (x_i - y_k). */
  private gather(positions: Positions, velocities: Float64Array, epsilons?: Float64Array, only?: Uint8Array): void {
    const n = positions.length >> 1;
    const { u, wx, wy, dx, dy, sums, epsilon, maxEpsilon, cutoff, diffusivity, wasm, at } = this;
    const { nx, ny, x0, y0, hx, hy } = this.grid;
    const qx = recurrenceRatio(epsilon, hx);
    const qy = recurrenceRatio(epsilon, hy);
    const order = this.order; // from the deposit of the same positions
    const xy = this.sorted;
    if (wasm && !epsilons) {
      // Uniform width: the whole robot loop in the kernel, CHUNK robots a call; velocities back in the robots' order.
      const c = diffusivity / (epsilon * epsilon) / (TWO_PI * epsilon * epsilon);
      const v = this.vChunk;
      const per = this.perChunk;
      for (let q0 = 0; q0 < n; q0 += CHUNK) {
        const k = Math.min(CHUNK, n - q0);
        this.xyChunk.set(xy.subarray(2 * q0, 2 * (q0 + k)));
        if (only) wanted(only, order, q0, k, per);
        else per.fill(1, 0, k);
        wasm.gatherRobots(at[1], nx, at[8], k, x0, y0, hx, hy, nx - 1, ny - 1, -0.5 / (epsilon * epsilon), cutoff * epsilon, qx, qy, c, at[3], at[5], at[4], at[6], at[9], at[10]);
        scatter(v, order, q0, k, velocities, only);
      }
      return;
    }
    for (let q = 0; q < n; q++) {
      const p = order[q];
      if (only && !only[p]) continue;
      const e = epsilons ? clampWidth(epsilons[p], epsilon, maxEpsilon) : epsilon;
      const sx = gaussianStencil(xy[2 * q], x0, hx, nx, e, cutoff * e, e === epsilon ? qx : recurrenceRatio(e, hx), wx, dx);
      const sy = gaussianStencil(xy[2 * q + 1], y0, hy, ny, e, cutoff * e, e === epsilon ? qy : recurrenceRatio(e, hy), wy, dy);
      if (!(sx > 0 && sy > 0)) {
        velocities[2 * p] = 0;
        velocities[2 * p + 1] = 0;
        continue;
      }
      const i0 = Math.floor(sx / 1048576);
      const j0 = Math.floor(sy / 1048576);
      const cx = sx - i0 * 1048576;
      const cy = sy - j0 * 1048576;
      if (wasm) {
        // The kernel takes the moment weights whole: dx <- wx dx, dy <- wy dy (round-off apart, the same sums).
        moments(wx, dx, cx);
        moments(wy, dy, cy);
        wasm.stencilDot(at[1], nx, i0, cx, j0, cy, at[3], at[5], at[4], at[6], at[7]);
      } else {
        stencilDot(u, nx, i0, cx, j0, cy, wx, dx, wy, dy, sums);
      }
      const c = diffusivity / (e * e) / (TWO_PI * e * e);
      velocities[2 * p] = c * sums[0];
      velocities[2 * p + 1] = c * sums[1];
    }
  }
}

/**
 * Robot indices sorted by tile (tiles w x h from (x0, y0), tilesX a row, row-major; robots off the grid go to the
 * nearest tile): a counting sort, stable, into order[0, n), and the positions in that order into sorted[0, 2n).
 * `counts` has one entry per tile plus one.
 */
function tileOrder(p: Positions, n: number, x0: number, y0: number, w: number, h: number, tilesX: number, counts: Int32Array, order: Int32Array, sorted: Float64Array): void {
  const last = counts.length - 1;
  const tilesY = last / tilesX;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[tileOf(p[2 * i], p[2 * i + 1], x0, y0, w, h, tilesX, tilesY) + 1]++;
  for (let t = 0; t < last; t++) counts[t + 1] += counts[t];
  for (let i = 0; i < n; i++) {
    const x = p[2 * i];
    const y = p[2 * i + 1];
    const k = counts[tileOf(x, y, x0, y0, w, h, tilesX, tilesY)]++;
    order[k] = i;
    sorted[2 * k] = x;
    sorted[2 * k + 1] = y;
  }
}

/** per[j] = masses[order[q0 + j]] / s for j < k (the kernel's deposit factors). */
function massFactors(masses: Float64Array, order: Int32Array, q0: number, k: number, s: number, per: Float64Array): void {
  for (let j = 0; j < k; j++) per[j] = masses[order[q0 + j]] / s;
}

/** per[j] = 1 where only[order[q0 + j]] is set, else 0, for j < k (the kernel's gather mask). */
function wanted(only: Uint8Array, order: Int32Array, q0: number, k: number, per: Float64Array): void {
  for (let j = 0; j < k; j++) per[j] = only[order[q0 + j]] ? 1 : 0;
}

/**
 * velocities[2 order[q0 + j] + (0, 1)] = v[2 j + (0, 1)] for j < k (velocities computed in tile order), only where
 * `only` is set when given.
 */
function scatter(v: Float64Array, order: Int32Array, q0: number, k: number, velocities: Float64Array, only?: Uint8Array): void {
  for (let j = 0; j < k; j++) {
    const p = order[q0 + j];
    if (only && !only[p]) continue;
    velocities[2 * p] = v[2 * j];
    velocities[2 * p + 1] = v[2 * j + 1];
  }
}

/** Tile index of (x, y), clamped to the tiles (NaN: tile 0). */
function tileOf(x: number, y: number, x0: number, y0: number, w: number, h: number, tilesX: number, tilesY: number): number {
  let tx = Math.floor((x - x0) / w);
  let ty = Math.floor((y - y0) / h);
  // Written so that NaN goes to tile 0: every robot must land in exactly one tile.
  tx = tx >= 0 ? (tx < tilesX ? tx : tilesX - 1) : 0;
  ty = ty >= 0 ? (ty < tilesY ? ty : tilesY - 1) : 0;
  return ty * tilesX + tx;
}

/** q = exp(-h^2 / e^2), the second ratio of the Gaussian recurrence of gaussianStencil (as it computed it). */
function recurrenceRatio(e: number, h: number): number {
  return Math.exp(2 * (-0.5 / (e * e)) * h * h);
}

/** A per-robot width clipped to [lo, hi]. */
function clampWidth(e: number, lo: number, hi: number): number {
  return e > hi ? hi : e > lo ? e : lo;
}

// The hot loops are small top-level functions of typed arrays and numbers only: each is optimized once, on its own
// type feedback (inside the per-robot loop of a method, a loop never run before the on-stack optimization sent the
// whole method back to the interpreter at every evaluation), and V8 hoists their loads.

/** f[(j0 + b) nx + i0 + a] += c wy[b] wx[a] over the cx x cy stencil, two rows at a time (wx[a] loaded once for both). */
function addStencil(f: Float64Array, nx: number, i0: number, cx: number, j0: number, cy: number, c: number, wx: Float64Array, wy: Float64Array): void {
  let b = 0;
  for (; b + 1 < cy; b += 2) {
    const s0 = c * wy[b];
    const s1 = c * wy[b + 1];
    const r0 = (j0 + b) * nx + i0;
    const r1 = r0 + nx;
    for (let a = 0; a < cx; a++) {
      const x = wx[a];
      f[r0 + a] += s0 * x;
      f[r1 + a] += s1 * x;
    }
  }
  if (b < cy) {
    const s0 = c * wy[b];
    const r0 = (j0 + b) * nx + i0;
    for (let a = 0; a < cx; a++) f[r0 + a] += s0 * wx[a];
  }
}

/**
 * out[0] = sum u wx dx wy, out[1] = sum u wx wy dy over the stencil (the x and y moments), two rows at a time:
 * wx[a] and dx[a] loaded once for both, four independent accumulators.
 */
function stencilDot(u: Float64Array, nx: number, i0: number, cx: number, j0: number, cy: number, wx: Float64Array, dx: Float64Array, wy: Float64Array, dy: Float64Array, out: Float64Array): void {
  let vx = 0;
  let vy = 0;
  let b = 0;
  for (; b + 1 < cy; b += 2) {
    const r0 = (j0 + b) * nx + i0;
    const r1 = r0 + nx;
    let s0 = 0;
    let s1 = 0;
    let t0 = 0;
    let t1 = 0;
    for (let a = 0; a < cx; a++) {
      const x = wx[a];
      const d = dx[a];
      const ta = u[r0 + a] * x;
      const tb = u[r1 + a] * x;
      s0 += ta;
      s1 += ta * d;
      t0 += tb;
      t1 += tb * d;
    }
    const w0 = wy[b];
    const w1 = wy[b + 1];
    vx += w0 * s1 + w1 * t1;
    vy += w0 * dy[b] * s0 + w1 * dy[b + 1] * t0;
  }
  if (b < cy) {
    const r0 = (j0 + b) * nx + i0;
    let s0 = 0;
    let s1 = 0;
    for (let a = 0; a < cx; a++) {
      const ta = u[r0 + a] * wx[a];
      s0 += ta;
      s1 += ta * dx[a];
    }
    vx += wy[b] * s1;
    vy += wy[b] * dy[b] * s0;
  }
  out[0] = vx;
  out[1] = vy;
}

/** d[c] = w[c] d[c] for c < count, and w[count] = d[count] = 0 (the Wasm kernel's padding node). */
function moments(w: Float64Array, d: Float64Array, count: number): void {
  for (let c = 0; c < count; c++) d[c] *= w[c];
  w[count] = 0;
  d[count] = 0;
}

/** u = w f / rho_bar on the nodes [k0, k1); returns sum f^2 / rho_bar over them. */
function weighRange(f: Float64Array, inv: Float64Array, u: Float64Array, w: number, k0: number, k1: number): number {
  let sum = 0;
  for (let k = k0; k < k1; k++) {
    const fk = f[k];
    const t = fk * inv[k];
    sum += fk * t;
    u[k] = w * t;
  }
  return sum;
}

/**
 * u = w f / rho_bar; returns E_eps = 1/2 w sum f^2 / rho_bar. Row by row: a short function called often is optimized
 * whole, where one long loop is only optimized on the stack, with no type feedback yet for the code after it.
 */
function weighByTarget(f: Float64Array, inv: Float64Array, u: Float64Array, w: number, nx: number): number {
  let energy = 0;
  for (let k = 0; k < f.length; k += nx) energy += weighRange(f, inv, u, w, k, k + nx);
  return 0.5 * w * energy;
}

/** weighByTarget with the Wasm kernel (byte offsets of f, 1/rho_bar, u), row by row like it: the same summation tree. */
function weighRows(k: StencilExports, f: number, inv: number, u: number, w: number, nx: number, ny: number): number {
  let energy = 0;
  for (let j = 0, at = 0; j < ny; j++, at += 8 * nx) energy += k.weigh(f + at, inv + at, u + at, nx, w);
  return 0.5 * w * energy;
}

/**
 * 1-D Gaussian weights exp(-d^2 / 2 e^2) and offsets d = p - node over the nodes origin + k h (0 <= k < nodes) within
 * `reach` of p; returns the first node * 2^20 + the count, or 0 when no node is in reach.
 *
 * Gaussian recurrence along the equally spaced nodes: with d_(c+1) = d_c - h, w_(c+1) = w_c r_c,
 * r_c = exp(inv (h^2 - 2 h d_c)), r_(c+1) = r_c q, q = exp(2 inv h^2): two exponentials per 32 nodes (plus q)
 * instead of one per node. Restarting every 32 nodes bounds the drift, which grows as the square of the run length,
 * to ~1e-14 relative. `q` is recurrenceRatio(e, h), computed once per width by the caller.
 */
function gaussianStencil(p: number, origin: number, h: number, nodes: number, e: number, reach: number, q: number, w: Float64Array, d: Float64Array): number {
  let k0 = Math.ceil((p - reach - origin) / h);
  let k1 = Math.floor((p + reach - origin) / h);
  if (k0 < 0) k0 = 0;
  if (k1 > nodes - 1) k1 = nodes - 1;
  const count = k1 - k0 + 1;
  if (count <= 0) return 0;
  const inv = -0.5 / (e * e);
  // Runs of 32 with the exponentials outside the inner loop: a call inside it cost registers (1.6x slower).
  for (let c0 = 0; c0 < count; c0 += 32) {
    const d0 = p - (origin + (k0 + c0) * h);
    let wc = Math.exp(inv * d0 * d0);
    let ratio = Math.exp(inv * (h * h - 2 * h * d0));
    const c1 = count < c0 + 32 ? count : c0 + 32;
    for (let c = c0; c < c1; c++) {
      d[c] = p - (origin + (k0 + c) * h);
      w[c] = wc;
      wc *= ratio;
      ratio *= q;
    }
  }
  return k0 * 1048576 + count;
}
