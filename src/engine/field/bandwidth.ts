import type { Box, Positions } from '../target/geometry.js';
import { boxArea } from '../target/geometry.js';
import { meanSpacing } from '../flow/epsilon.js';
import { makeGrid } from './grid.js';
import type { Grid } from './grid.js';
import type { Flow, IntegratorOptions, StepResult } from '../flow/integrator.js';
import { FlowIntegrator } from '../flow/integrator.js';
import type { ChebyshevOptions, ChebyshevStepResult } from '../flow/chebyshev.js';
import { ChebyshevIntegrator } from '../flow/chebyshev.js';
import { HeatKernelField } from './heat-kernel.js';
import { SeparationTerm } from './separation.js';
import { reachMasses } from './reach.js';
import type { Target } from '../target/target.js';
import type { FieldKernel } from './field.js';
import { wasmStencil } from './wasm/stencil.js';
import type { StencilExports } from './wasm/stencil.js';
import type { DepositExchange, SharedGrid } from './shared-deposit.js';
export type { DepositExchange, SharedGrid };
import { fingerprint } from './shared-deposit.js';

/** One scale's part in a deposit shared between instances (NeumannBlobField.evaluate). */
export interface SharedScale {
  readonly exchange: DepositExchange;
  /** The coarse scale's index, as the exchange names it. */
  readonly scale: number;
  /** The mass of one robot, 1 / N of the whole swarm (the robots deposited here come at unit mass). */
  readonly mass: number;
}

/** Options of a Neumann blob field. */
export interface NeumannFieldOptions {
  /** Kernel width (m): the mollifier eps, or a coarse scale L. */
  readonly epsilon: number;
  /** Diffusivity D, m^2/s. */
  readonly diffusivity: number;
  /**
   * Compare with the target smoothed by the same kernel (the chi-squared divergence at scale eps, minimized by the
   * target itself) instead of the target (the blob energy). Default false.
   */
  readonly smoothTarget?: boolean;
  /** Quadrature spacing as a fraction of eps. Default 0.5. */
  readonly gridSpacing?: number;
  /** Kernel cut-off, multiples of eps. Default 5. */
  readonly cutoff?: number;
  /** Hot loops in WebAssembly SIMD ('wasm', the default where available) or plain JS ('js', the reference). */
  readonly kernel?: FieldKernel;
}

/** Robots per call of the Wasm robot loops. */
const CHUNK = 4096;

/**
 * A blob field with no-flux (Neumann) walls: the Gaussian kernel is folded across the domain's walls (each robot
 * and each bit of target mass brings its mirror images across the four walls and the four corners) and the energy
 * is integrated over the domain only:
 *
 *   K(y, x)  = sum over the 9 reflections x' of x of phi_eps(y - x')            (y in Omega)
 *   E        = 1/2 Int_Omega (K rho)(y)^2 / r(y) dy,   r = rho_bar (floored)  or  r = K rho_bar (smoothTarget)
 *   v_i      = -D grad_{x_i} E / m_i
 *
 * Folding keeps the Gaussian separable (the sum over 3 x 3 reflections is a product of two 1-D sums), so the cost is
 * the plain blob field's. Walls are neutral: a robot at a wall is a robot beside its own image, so there is neither a
 * pull onto the wall (the leak of an unfloored domain) nor a push off it (an expensive floor). With smoothTarget,
 * by Cauchy-Schwarz E >= 1/2 (Int K rho)^2 / Int K rho_bar = 1/2 with equality iff K rho = K rho_bar, i.e.
 * rho = rho_bar: at any width the minimizer is the target itself, while the plain blob energy at a large width is
 * minimized by a deconvolution of rho_bar, sharper than the target (the over-concentration of a naive continuation).
 */
export class NeumannBlobField implements SharedGrid {
  readonly epsilon: number;
  readonly diffusivity: number;
  readonly cutoff: number;
  readonly domain: Box;
  readonly nx: number;
  readonly ny: number;
  readonly hx: number;
  readonly hy: number;
  /** The hot loops in use (see NeumannFieldOptions.kernel). */
  readonly kernel: FieldKernel;
  /** The Wasm kernel and the byte offsets of wInv, f, u, wx, wy, gx, gy, xyChunk, vChunk, perChunk in its memory (null: JS loops). */
  private readonly wasm: StencilExports | null;
  private readonly at: Int32Array;
  /** 1 / r on the nodes, times the cell area. */
  private readonly wInv: Float64Array;
  private readonly f: Float64Array;
  private readonly u: Float64Array;
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly gx: Float64Array;
  private readonly gy: Float64Array;
  /** Positions in, velocities out, per-robot factors of the Wasm robot loops, CHUNK robots a call (Wasm only). */
  private readonly xyChunk: Float64Array;
  private readonly vChunk: Float64Array;
  private readonly perChunk: Float64Array;

  constructor(target: Target, options: NeumannFieldOptions) {
    const e = options.epsilon;
    if (!(e > 0) || !Number.isFinite(e)) throw new Error(`epsilon must be a positive number of metres, got ${e}`);
    if (!(options.diffusivity >= 0)) throw new Error(`diffusivity must be non-negative, got ${options.diffusivity}`);
    this.epsilon = e;
    this.diffusivity = options.diffusivity;
    this.cutoff = options.cutoff ?? 5;
    this.domain = target.domain;
    const d = this.domain;
    const grid = makeGrid(d, (options.gridSpacing ?? 0.5) * e, 0);
    this.nx = grid.nx - 2 * grid.margin;
    this.ny = grid.ny - 2 * grid.margin;
    this.hx = grid.hx;
    this.hy = grid.hy;
    const n = this.nx * this.ny;
    // 1 / r is computed once per target, width, spacing and smoothing (and may come from a worker: Target.derived).
    const spacing = options.gridSpacing ?? 0.5;
    const wInv = target.derived(`neumann:${e}:${spacing}:${options.smoothTarget ? 1 : 0}`, () => {
      const r = NeumannBlobField.smoothedTarget(target, grid, e, this.nx, this.ny, options.smoothTarget === true);
      const wInv = new Float64Array(n);
      for (let k = 0; k < n; k++) wInv[k] = grid.cellArea / r[k];
      return wInv;
    });
    // One node more than a row or column: the Wasm kernel takes columns in pairs and reads a zero weight there.
    const lengths = [n, n, n, this.nx + 1, this.ny + 1, this.nx + 1, this.ny + 1, 2 * CHUNK, 2 * CHUNK, CHUNK];
    const wasm = options.kernel === 'js' ? null : wasmStencil(lengths);
    this.kernel = wasm ? 'wasm' : 'js';
    this.wasm = wasm ? wasm.kernel : null;
    this.at = Int32Array.from(wasm ? wasm.offsets : lengths.map(() => 0));
    if (wasm) {
      [this.wInv, this.f, this.u, this.wx, this.wy, this.gx, this.gy, this.xyChunk, this.vChunk, this.perChunk] = wasm.arrays;
      this.wInv.set(wInv); // once per field: the shared array stays outside the kernel's memory
    } else {
      this.wInv = wInv;
      [, this.f, this.u, this.wx, this.wy, this.gx, this.gy] = lengths.map((k) => new Float64Array(k));
      this.xyChunk = this.vChunk = this.perChunk = new Float64Array(0);
    }
  }

  private keyText: string | undefined;

  /** Width, grid shape, domain and the target's fingerprint on the grid: equal keys, compatible deposits. */
  get key(): string {
    const d = this.domain;
    this.keyText ??= `eps ${this.epsilon} grid ${this.nx}x${this.ny} box ${d.xmin},${d.ymin},${d.xmax},${d.ymax} target ${fingerprint(this.wInv)}`;
    return this.keyText;
  }

  /** r on the field's nodes: the target convolved with the folded kernel (smooth), or rho_bar itself. */
  private static smoothedTarget(target: Target, grid: Grid, e: number, nx: number, ny: number, smooth: boolean): Float64Array {
    const d = target.domain;
    const r = new Float64Array(nx * ny);
    const floor = target.onGrid(grid).floor;
    const self = { nx, ny, hx: grid.hx, hy: grid.hy };
    if (smooth) {
      // r = K rho_bar: the target on a fine grid, convolved with the folded kernel, separably.
      const side = Math.sqrt(boxArea(d));
      const src = makeGrid(d, Math.min(e / 6, side / 160), 0);
      const { density } = target.onGrid(src);
      const sm = src.margin;
      const snx = src.nx - 2 * sm;
      const sny = src.ny - 2 * sm;
      const kx = foldedKernelMatrix(self.nx, d.xmin, self.hx, snx, d.xmin, src.hx, d.xmin, d.xmax, e);
      const ky = foldedKernelMatrix(self.ny, d.ymin, self.hy, sny, d.ymin, src.hy, d.ymin, d.ymax, e);
      const tmp = new Float64Array(sny * self.nx); // rows of the source, columns of the field
      for (let j = 0; j < sny; j++) {
        const row = (j + sm) * src.nx + sm;
        for (let i = 0; i < self.nx; i++) {
          let acc = 0;
          const k = i * snx;
          for (let q = 0; q < snx; q++) acc += kx[k + q] * density[row + q];
          tmp[j * self.nx + i] = acc * src.hx;
        }
      }
      for (let j = 0; j < self.ny; j++) {
        const k = j * sny;
        for (let i = 0; i < self.nx; i++) {
          let acc = 0;
          for (let q = 0; q < sny; q++) acc += ky[k + q] * tmp[q * self.nx + i];
          r[j * self.nx + i] = Math.max(floor, acc * src.hy);
        }
      }
    } else {
      const { rhoBar } = target.onGrid(grid);
      for (let j = 0; j < self.ny; j++) {
        for (let i = 0; i < self.nx; i++) r[j * self.nx + i] = rhoBar[(j + grid.margin) * grid.nx + i + grid.margin];
      }
    }
    return r;
  }

  /** Folded 1-D weights (and their derivatives in x when `g` is given) over nodes [a0, a1]; returns a0 * 2^20 + count. */
  private stencil(x: number, lo: number, hi: number, h: number, nodes: number, w: Float64Array, g: Float64Array | null): number {
    const e = this.epsilon;
    const reach = this.cutoff * e;
    let a0 = Math.ceil((x - reach - lo) / h - 0.5);
    let a1 = Math.floor((x + reach - lo) / h - 0.5);
    if (a0 < 0) a0 = 0;
    if (a1 > nodes - 1) a1 = nodes - 1;
    const c = a1 - a0 + 1;
    if (c <= 0) return 0;
    const y0 = lo + (a0 + 0.5) * h;
    gaussianRun(y0 - x, h, c, e, w, g, false);
    // Mirror images across a wall within reach (each image's derivative in x has the opposite sign).
    if (x - lo < reach) gaussianRun(y0 - (2 * lo - x), h, c, e, w, g, true);
    if (hi - x < reach) gaussianRun(y0 - (2 * hi - x), h, c, e, w, g, true);
    return a0 * 1048576 + c;
  }

  /**
   * f = the robots' deposit, then u = f / r and E. With `shared` (several instances), the robots given are this
   * instance's at unit mass: their deposit goes to `shared.own`, the others' sum is added, and the whole is scaled by
   * `shared.mass` (1/N of the swarm) before u and E.
   */
  private deposit(p: Positions, masses?: Float64Array, shared?: SharedScale): number {
    this.spread(p, masses);
    const f = this.f;
    if (shared) {
      shared.exchange.own(shared.scale, this, f);
      const o = shared.exchange.others(shared.scale, this);
      const m = shared.mass;
      if (o) for (let k = 0; k < f.length; k++) f[k] = (f[k] + o[k]) * m;
      else for (let k = 0; k < f.length; k++) f[k] *= m;
    }
    return this.weigh();
  }

  /** f = sum_j m_j K(., x_j) on the nodes. */
  private spread(p: Positions, masses?: Float64Array): void {
    const n = p.length >> 1;
    const { nx, wx, wy, f, wasm, at } = this;
    const d = this.domain;
    const e = this.epsilon;
    f.fill(0);
    if (wasm) {
      // The whole robot loop in the kernel, CHUNK robots a call, in the robots' order: f bit for bit the JS one.
      const per = this.perChunk;
      for (let q0 = 0; q0 < n; q0 += CHUNK) {
        const k = Math.min(CHUNK, n - q0);
        this.xyChunk.set(p.subarray(2 * q0, 2 * (q0 + k)));
        for (let q = 0; q < k; q++) per[q] = (masses ? masses[q0 + q] : 1 / n) / (2 * Math.PI * e * e);
        this.robots(wasm.neumannSpread, at[1], k, 0);
      }
      return;
    }
    for (let q = 0; q < n; q++) {
      const m = masses ? masses[q] : 1 / n;
      if (m === 0) continue;
      const sx = this.stencil(p[2 * q], d.xmin, d.xmax, this.hx, this.nx, wx, null);
      const sy = this.stencil(p[2 * q + 1], d.ymin, d.ymax, this.hy, this.ny, wy, null);
      if (!(sx > 0 && sy > 0)) continue; // 0: no node in reach; NaN: a robot at NaN
      const i0 = Math.floor(sx / 1048576);
      const cx = sx - i0 * 1048576;
      const j0 = Math.floor(sy / 1048576);
      const cy = sy - j0 * 1048576;
      const c = m / (2 * Math.PI * e * e);
      for (let b = 0; b < cy; b++) {
        const s = c * wy[b];
        const row = (j0 + b) * nx + i0;
        let a = 0;
        for (; a + 1 < cx; a += 2) {
          f[row + a] += s * wx[a];
          f[row + a + 1] += s * wx[a + 1];
        }
        if (a < cx) f[row + a] += s * wx[a];
      }
    }
  }

  /** u = f / r (times the cell area) on the nodes; returns E = 1/2 sum f u. */
  private weigh(): number {
    const { f, u, wInv, wasm, at } = this;
    if (wasm) return 0.5 * wasm.weigh(at[1], at[0], at[2], f.length, 1);
    let energy = 0;
    for (let k = 0; k < f.length; k++) {
      const t = f[k] * wInv[k];
      u[k] = t;
      energy += f[k] * t;
    }
    return 0.5 * energy;
  }

  /**
   * Velocities -D grad_{x_i} E / m_i into `v` (interleaved); returns E. With `only`, the velocities of the robots it
   * marks 1 only (the others' are left as they are).
   */
  evaluate(p: Positions, v: Float64Array, masses?: Float64Array, only?: Uint8Array, shared?: SharedScale): number {
    const energy = this.deposit(p, masses, shared);
    const n = p.length >> 1;
    const { nx, wx, wy, gx, gy, u, wasm } = this;
    const d = this.domain;
    const e = this.epsilon;
    const c = -this.diffusivity / (2 * Math.PI * e * e);
    if (wasm) {
      // The whole robot loop in the kernel, CHUNK robots a call; robots not asked for are left as they are.
      const { perChunk: per, vChunk: vc } = this;
      for (let q0 = 0; q0 < n; q0 += CHUNK) {
        const k = Math.min(CHUNK, n - q0);
        this.xyChunk.set(p.subarray(2 * q0, 2 * (q0 + k)));
        for (let q = 0; q < k; q++) per[q] = only && !only[q0 + q] ? 0 : 1;
        this.robots(wasm.neumannGather, this.at[2], k, c);
        for (let q = 0; q < k; q++) {
          if (per[q] === 0) continue;
          v[2 * (q0 + q)] = vc[2 * q];
          v[2 * (q0 + q) + 1] = vc[2 * q + 1];
        }
      }
      return energy;
    }
    for (let q = 0; q < n; q++) {
      if (only && !only[q]) continue;
      const sx = this.stencil(p[2 * q], d.xmin, d.xmax, this.hx, this.nx, wx, gx);
      const sy = this.stencil(p[2 * q + 1], d.ymin, d.ymax, this.hy, this.ny, wy, gy);
      if (!(sx > 0 && sy > 0)) {
        v[2 * q] = 0;
        v[2 * q + 1] = 0;
        continue;
      }
      const i0 = Math.floor(sx / 1048576);
      const cx = sx - i0 * 1048576;
      const j0 = Math.floor(sy / 1048576);
      const cy = sy - j0 * 1048576;
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
          const ua = u[row + a];
          const ub = u[row + a + 1];
          s0 += ua * wx[a];
          s1 += ua * gx[a];
          t0 += ub * wx[a + 1];
          t1 += ub * gx[a + 1];
        }
        if (a < cx) {
          s0 += u[row + a] * wx[a];
          s1 += u[row + a] * gx[a];
        }
        s0 += t0;
        s1 += t1;
        vx += wy[b] * s1;
        vy += gy[b] * s0;
      }
      v[2 * q] = c * vx;
      v[2 * q + 1] = c * vy;
    }
    return energy;
  }

  /** One call of the kernel's Neumann robot loop (spread into f, or gather from u) on the first k robots of the chunk. */
  private robots(loop: StencilExports['neumannSpread'], grid: number, k: number, c: number): void {
    const { at, epsilon: e, domain: d, hx, hy } = this;
    const inv = -0.5 / (e * e);
    loop(grid, this.nx, at[7], k, d.xmin, d.xmax, d.ymin, d.ymax, hx, hy, this.nx - 1, this.ny - 1, inv, this.cutoff * e,
      Math.exp(2 * inv * hx * hx), Math.exp(2 * inv * hy * hy), 1 / (e * e), -1 / (e * e), c, at[3], at[5], at[4], at[6], at[8], at[9]);
  }

  /** E of a configuration. */
  energy(p: Positions, masses?: Float64Array): number {
    return this.deposit(p, masses);
  }
}

/**
 * Adds (or, with `add` false, writes) exp(-d_c^2 / 2 e^2) into w[c] for d_c = d0 + c h, c < count, and its derivative
 * in the source position, d_c / e^2 exp(...) (negated for a mirror image, `image`), into g when given. Gaussian
 * recurrence along the nodes: w_(c+1) = w_c r_c, r_(c+1) = r_c q, restarted every 32 nodes (drift ~1e-14 relative):
 * two exponentials per 32 nodes instead of one per node.
 */
function gaussianRun(d0: number, h: number, count: number, e: number, w: Float64Array, g: Float64Array | null, image: boolean): void {
  const inv = -0.5 / (e * e);
  const ie2 = (image ? -1 : 1) / (e * e);
  const q = Math.exp(2 * inv * h * h);
  let wc = 0;
  let ratio = 0;
  for (let c = 0; c < count; c++) {
    const dc = d0 + c * h;
    if ((c & 31) === 0) {
      wc = Math.exp(inv * dc * dc);
      ratio = Math.exp(inv * (h * h + 2 * h * dc));
    }
    if (image) {
      w[c] += wc;
      if (g) g[c] += dc * ie2 * wc;
    } else {
      w[c] = wc;
      if (g) g[c] = dc * ie2 * wc;
    }
    wc *= ratio;
    ratio *= q;
  }
}

/** Row-major [field node][source node] folded 1-D Gaussian (normalized, 1/sqrt(2 pi) e) between two node rows. */
function foldedKernelMatrix(n: number, x0: number, h: number, m: number, s0: number, sh: number, lo: number, hi: number, e: number): Float64Array {
  const out = new Float64Array(n * m);
  const c = 1 / (Math.sqrt(2 * Math.PI) * e);
  const inv = -0.5 / (e * e);
  for (let i = 0; i < n; i++) {
    const y = x0 + (i + 0.5) * h;
    for (let q = 0; q < m; q++) {
      const z = s0 + (q + 0.5) * sh;
      const a = y - z;
      const b = y - (2 * lo - z);
      const d = y - (2 * hi - z);
      out[i * m + q] = c * (Math.exp(inv * a * a) + Math.exp(inv * b * b) + Math.exp(inv * d * d));
    }
  }
  return out;
}

/**
 * Ratio of the multi-scale flow's fine width to the mean spacing sqrt(|Omega| / N) from SMALL_SWARM robots up.
 * Measured (scripts/sparse-targets.ts): the fine term of the multi-scale flow compares smoothed measures, so it does
 * not deconvolve the target and tolerates a wider kernel than the plain blob energy; 0.5 matched the target best on
 * public-s1 and the sparse target.
 */
export const MULTISCALE_EPSILON_RATIO = 0.5;

/** Swarm size below which the multiscale width narrows as (N / SMALL_SWARM)^(1/4). */
export const SMALL_SWARM = 400;

/**
 * The multiscale flow's fine width, the one rule of `run`, `sample` and the controller: MULTISCALE_EPSILON_RATIO x the
 * mean spacing, scaled by (N / 400)^(1/4) below 400 robots (0.25 x the spacing at 25 robots, 0.35 x at 100).
 * Measured through the controller on the five bench:coverage scenarios (docs/benchmarks.md: at 25 robots the narrower width lowered
 * the final MMD^2 in all five, at 100 robots 0.35 x did in all five, at 400 robots 0.5 x stayed best) and offline by
 * `npm run study:stacking` (docs/engine-scale.md).
 */
export function multiScaleEpsilon(domain: Box, n: number): number {
  return MULTISCALE_EPSILON_RATIO * meanSpacing(domain, n) * Math.min(1, (n / SMALL_SWARM) ** 0.25);
}

/** Options of the multi-scale blob flow. */
export interface MultiScaleOptions {
  /** Finest kernel width eps (m), the one the run ends on; use multiScaleEpsilon(domain, N) (coarse scales default to multiples of it). */
  readonly epsilon: number;
  /** Diffusivity D, m^2/s. */
  readonly diffusivity: number;
  /** Coarse scales L_s (m), each larger than epsilon. Default [4 eps, 2 eps]. */
  readonly scales?: readonly number[];
  /** Initial weight c_s(0) of each coarse scale. Default [20, 5] (20 for 4 eps, 5 for 2 eps; 1 for any further). */
  readonly weights?: readonly number[];
  /** Time constant (s) of the exponential decay of the coarse weights. Default 0.75 |Omega| / D (3 s on 2 m x 2 m). */
  readonly decay?: number;
  /** Coarse weights decay to this fraction of their initial value, not below. Default 0. */
  readonly residual?: number;
  /**
   * The finest scale compares with the target smoothed at eps too (the chi-squared divergence at scale eps, minimized
   * by the target) rather than with the target itself (the blob energy, minimized by a deconvolution). Default true.
   */
  readonly smoothFine?: boolean;
  /**
   * Range of the short-range separation term (SeparationTerm) that keeps robots from stacking, as a fraction of the
   * mean spacing sqrt(|Omega| / N) (N: the robots of each evaluation); 0: none. Default SEPARATION.
   */
  readonly separation?: number;
  /** Strength of the separation term (SeparationOptions.strength). */
  readonly separationStrength?: number;
}

/**
 * Default range of the separation term, a fraction of the mean spacing: robots end at least ~0.2 x the spacing apart
 * (measured by scripts/stacking-study.ts: 0.2 left robots packed just under 0.2; 0.3 kept them 0.3 apart but spread
 * narrow bumps, MMD^2 9x that of 0.25).
 */
export const SEPARATION = 0.25;

/**
 * With obstacles (measured by `npm run bench:rooms`, docs/rooms.md): a third coarse scale of ROOM_SCALE x sqrt(|Omega|)
 * (1 m in a 4 m x 4 m room) at initial weight ROOM_WEIGHT pulls robots towards the target through doors and round
 * walls from across a room, and the coarse weights decay ROOM_DECAY times slower, because robots at a speed limit need
 * the time to walk round (door scenario, 100 holonomic robots: final MMD^2 1.8x the i.i.d. one without either, 0.2
 * with both). Every heat-kernel grid is at most sqrt(|Omega|) / ROOM_GRID apart (17 cm there), so doors and corridors
 * stay a few nodes wide at every scale. Open rooms are unchanged.
 */
export const ROOM_SCALE = 0.25;
export const ROOM_WEIGHT = 20;
export const ROOM_DECAY = 4;
export const ROOM_GRID = 24;

/** How MultiScaleStepper integrates: the stabilized Chebyshev step (default) or the explicit Euler reference. */
export interface MultiScaleIntegratorOptions extends ChebyshevOptions {
  /** 'chebyshev' (default) or 'euler' (FlowIntegrator, eps/10 steps: the slow reference for studies). */
  readonly scheme?: 'chebyshev' | 'euler';
}

type Energy = { evaluate(p: Positions, v: Float64Array, masses?: Float64Array, only?: Uint8Array, shared?: SharedScale): number; energy(p: Positions): number; readonly epsilon?: number; readonly cutoff?: number };

/** One scale of the multiscale flow: a field of width `epsilon` with its energy and velocities. */
export interface ScaleField extends Energy {
  readonly epsilon: number;
}

/** sum_s w_s E_s as a Flow, at the weights held in `weights`. */
class WeightedFlow implements Flow {
  readonly length: number;
  readonly weights: Float64Array;
  private readonly terms: (Energy | SeparationTerm)[];
  private buf: Float64Array = new Float64Array(0);
  private masses: Float64Array = new Float64Array(0);
  private cells: Uint8Array = new Uint8Array(0);
  private unit: Float64Array = new Float64Array(0);
  /** Where the robots are (for the reach of a deposit that serves only some robots). */
  domain: Box | undefined;
  /** Which terms' deposits can be shared (a coarse NeumannBlobField), and their index among the coarse scales (-1: none). */
  shareable: Int32Array = new Int32Array(0);

  constructor(terms: (Energy | SeparationTerm)[], length: number) {
    this.terms = terms;
    this.weights = new Float64Array(terms.length);
    this.length = length;
  }

  /**
   * sum_s w_s of each term's velocities into `v`; returns the weighted energy. With `only`, the velocities of the
   * robots it marks are exact and the others' are not computed: each field deposits only the robots within reach of a
   * marked one (reachMasses), so the energy returned is that of those robots alone. With `exchange` too, each shared
   * scale deposits the marked robots only and adds the other instances' deposits (DepositExchange); its energy is then
   * the whole swarm's.
   */
  evaluate(p: Positions, v: Float64Array, only?: Uint8Array, exchange?: DepositExchange, total?: number): number {
    if (this.buf.length !== p.length) this.buf = new Float64Array(p.length);
    v.fill(0);
    let e = 0;
    const n = p.length >> 1;
    // The swarm's N: the robots given, unless they are part of it (only, with the others' deposits shared).
    const all = only && total !== undefined ? Math.max(n, total) : n;
    if (only && exchange) {
      if (this.unit.length < n) this.unit = new Float64Array(n);
      for (let q = 0; q < n; q++) this.unit[q] = only[q];
    }
    for (let s = 0; s < this.terms.length; s++) {
      const c = this.weights[s];
      if (c === 0) continue;
      const term = this.terms[s];
      if (term instanceof SeparationTerm) {
        e += c * term.evaluate(p, this.buf, all);
        for (let k = 0; k < v.length; k++) v[k] += c * this.buf[k];
        continue;
      }
      let masses: Float64Array | undefined;
      const scale = this.shareable.length > s ? this.shareable[s] : -1;
      if (only && exchange && scale >= 0) {
        e += c * term.evaluate(p, this.buf, this.unit.subarray(0, n), only, { exchange, scale, mass: all > 0 ? 1 / all : 0 });
        for (let k = 0; k < v.length; k++) v[k] += c * this.buf[k];
        continue;
      }
      if (only && this.domain && term.epsilon !== undefined && term.cutoff !== undefined) {
        // Reach 2 R plus a node spacing (0.5 eps) for the rounding of the stencils' ends.
        ({ masses, cells: this.cells } = reachMasses(p, only, (2 * term.cutoff + 1) * term.epsilon, this.domain, this.masses, this.cells, all));
        this.masses = masses;
      }
      e += c * term.evaluate(p, this.buf, masses, only);
      for (let k = 0; k < v.length; k++) v[k] += c * this.buf[k];
    }
    return e;
  }

  energy(p: Positions): number {
    let e = 0;
    for (let s = 0; s < this.terms.length; s++) if (this.weights[s] !== 0) e += this.weights[s] * this.terms[s].energy(p);
    return e;
  }
}

/**
 * The multi-scale blob flow: the swarm descends
 *
 *   E(t) = E_eps + sum_s c_s(t) E_{L_s},    c_s(t) = c_s(0) (r + (1 - r) exp(-t / tau)),
 *
 * where every term is a NeumannBlobField energy with smoothTarget (the chi-squared divergence between the swarm and
 * the target, both seen through the same Gaussian, walls folded): each term is minimized by the target itself, so
 * the coarse terms carry the swarm across empty, low-density regions (a lone blob at the fine scale is its own
 * equilibrium; at L_s ~ the distance between the target's features it is not) without the over-concentration of a
 * plain large-eps blob energy. The weights never increase, so dE/dt = sum_s c_s' E_s + grad E . xdot <= 0: E is a
 * Lyapunov function of the whole run (reported as the step energy), and the run ends on the fine E_eps (r = 0).
 * A drop-in Stepper, integrated by the stabilized ChebyshevIntegrator (the flow is stiff; see chebyshev.ts).
 */
export class MultiScaleStepper {
  /**
   * The scales' fields: folded Gaussians (NeumannBlobField) in an open room; with obstacles, the heat kernel of the
   * free space (HeatKernelField), so that robots interact and feel the target through free space, not through walls.
   */
  readonly fine: ScaleField;
  readonly coarse: readonly ScaleField[];
  /** The separation term (absent when its range is 0). */
  readonly separation: SeparationTerm | undefined;
  private readonly flow: WeightedFlow;
  private readonly integrator: ChebyshevIntegrator | FlowIntegrator;
  private readonly c0: Float64Array;
  private readonly decay: number;
  private readonly residual: number;
  private readonly domain: Box;
  /** Simulated time since the start, s (drives the weights). */
  time = 0;

  constructor(target: Target, options: MultiScaleOptions, integrator: MultiScaleIntegratorOptions) {
    const eps = options.epsilon;
    const D = options.diffusivity;
    const rooms = !target.obstacles.empty;
    const side = Math.sqrt(boxArea(target.domain));
    const scales = options.scales ?? [...(rooms && ROOM_SCALE * side > 4 * eps ? [ROOM_SCALE * side] : []), 4 * eps, 2 * eps];
    for (const L of scales) if (!(L > eps) || !Number.isFinite(L)) throw new Error(`coarse scales must be finite and larger than epsilon (${eps}), got ${L}`);
    const defaults = [20, 5];
    const dw = scales.length === 3 && options.scales === undefined ? [ROOM_WEIGHT, ...defaults] : defaults;
    this.c0 = Float64Array.from(scales.map((_, s) => options.weights?.[s] ?? dw[s] ?? 1));
    for (const c of this.c0) if (!(c >= 0) || !Number.isFinite(c)) throw new Error(`coarse weights must be non-negative, got ${c}`);
    this.decay = options.decay ?? ((rooms ? ROOM_DECAY : 1) * 0.75 * boxArea(target.domain)) / Math.max(D, 1e-12);
    if (!(this.decay > 0)) throw new Error(`decay must be positive, got ${this.decay}`);
    this.residual = options.residual ?? 0;
    this.domain = target.domain;
    if (!(this.residual >= 0 && this.residual <= 1)) throw new Error(`residual must be in [0, 1], got ${this.residual}`);
    const field = (epsilon: number, smoothTarget: boolean): ScaleField =>
      target.obstacles.empty ? new NeumannBlobField(target, { epsilon, diffusivity: D, smoothTarget }) : new HeatKernelField(target, { epsilon, diffusivity: D, smoothTarget, maxSpacing: side / ROOM_GRID });
    this.fine = field(eps, options.smoothFine ?? true);
    this.coarse = scales.map((L) => field(L, true));
    const fraction = options.separation ?? SEPARATION;
    this.separation = fraction > 0 ? new SeparationTerm(target.domain, { fraction, diffusivity: D, strength: options.separationStrength }) : undefined;
    this.flow = new WeightedFlow([this.fine, ...this.coarse, ...(this.separation ? [this.separation] : [])], eps);
    this.flow.domain = target.domain;
    this.flow.shareable = Int32Array.from(this.flow.weights, (_, s) => (s >= 1 && s <= this.coarse.length && this.coarse[s - 1] instanceof NeumannBlobField ? s - 1 : -1));
    this.setWeights();
    this.integrator = integrator.scheme === 'euler' ? new FlowIntegrator(this.flow, { ...integrator, stepFraction: undefined }) : new ChebyshevIntegrator(this.flow, integrator);
  }

  private setWeights(): void {
    const w = this.flow.weights;
    w[0] = 1;
    const f = this.residual + (1 - this.residual) * Math.exp(-this.time / this.decay);
    // A coarse scale whose weight has decayed below 1e-12 of its start is dropped (its evaluation would cost as much
    // as the fine field's for nothing): a decrease, so E stays a Lyapunov function.
    for (let s = 0; s < this.c0.length; s++) w[s + 1] = f < 1e-12 ? 0 : this.c0[s] * f;
    if (this.separation) w[this.c0.length + 1] = 1;
  }

  /** The current weights [1, c_1(t), ...] of [fine, ...coarse]. */
  get weights(): Float64Array {
    return this.flow.weights;
  }

  /** The fine-scale energy E_eps alone (what the run ends on). */
  fineEnergy(positions: Positions): number {
    return this.fine.energy(positions);
  }

  /**
   * The multi-scale velocities at `positions` with the weights of time `time` (s since the start), without
   * integrating: what a controller commands. Returns the total energy E(time). With `only`, just the velocities of
   * the robots it marks are computed (exactly as for the whole swarm; see WeightedFlow.evaluate). With `exchange`
   * too, the coarse scales (folded Gaussians; not the heat kernels of a room) take the other robots from the other
   * instances' deposits instead of their positions; then `positions` may hold only the robots within the fine
   * scale's reach of the marked ones and the swarm's size be given as `total` (masses 1/total, separation range).
   */
  velocitiesAt(positions: Positions, velocities: Float64Array, time: number, only?: Uint8Array, exchange?: DepositExchange, total?: number): number {
    this.time = Math.max(0, time);
    this.setWeights();
    return this.flow.evaluate(positions, velocities, only, exchange, total);
  }

  /** Advances `positions` in place by at most `maxDt` seconds; the returned energy is the total E(t). */
  step(positions: Positions, maxDt: number): StepResult | ChebyshevStepResult {
    // A robot exactly on a wall coincides with its own image: its normal speed is exactly zero and it would stay
    // there forever (an unstable equilibrium of the folded flow). Start such a robot a thousandth of eps inside;
    // the repulsion of its image then takes it off the wall.
    const { xmin, xmax, ymin, ymax } = this.domain;
    const nudge = 1e-3 * this.fine.epsilon;
    for (let i = 0; i < positions.length; i += 2) {
      if (positions[i] - xmin < nudge) positions[i] = Math.min(xmin + nudge, xmax);
      else if (xmax - positions[i] < nudge) positions[i] = Math.max(xmax - nudge, xmin);
      if (positions[i + 1] - ymin < nudge) positions[i + 1] = Math.min(ymin + nudge, ymax);
      else if (ymax - positions[i + 1] < nudge) positions[i + 1] = Math.max(ymax - nudge, ymin);
    }
    const r = this.integrator.step(positions, maxDt);
    if (maxDt > 0 && r.dt > 0) {
      this.time += r.dt;
      this.setWeights();
    }
    return r;
  }
}
