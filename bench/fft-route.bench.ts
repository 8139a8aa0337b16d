/**
 * Prototype of the FFT route for the blob velocity, measured against the separable stencil (BlobField), to decide
 * which route the engine should use (design note: "choose by measurement").
 *
 * Both FFT variants use BlobField's own grid (spacing 0.5 eps, margin 5 eps + 1 cell), zero-padded to a power of two
 * P >= n + K (K = kernel half-width in cells) so that the circular convolution is a linear one, and a plain
 * iterative radix-2 complex FFT (rows, then columns through a scratch buffer). Kernel transforms and 1/rho_bar are
 * precomputed once per field (not timed), like BlobField's rho_bar.
 *
 * - FFT-A ("gather by FFT"): f deposited with the same truncated separable Gaussian stencil as BlobField (exact at
 *   the nodes), u = w f / rho_bar, then ONE complex convolution u * (Gx + i Gy) with G(z) = (D / eps^2) z phi_eps(z)
 *   (forward + inverse FFT), then bilinear interpolation of the node velocities to the robots.
 * - FFT-B (classical particle-mesh): cloud-in-cell (bilinear) deposit, f = phi_eps * deposit by FFT, u as above,
 *   u * (Gx + i Gy) by FFT, bilinear interpolation: four FFTs, no per-robot stencil at all.
 *
 * Cases: N = 100,000 with eps = autoEpsilon (about 0.06 robots per node: the engine's regime) and N = 100,000 with
 * eps = 0.1 (the golden scenario's eps; 26 robots per node: the regime where a particle-mesh method pays).
 *
 * Run: node --import tsx bench/fft-route.bench.ts   (about a minute)
 */
import { BlobField, Target, autoEpsilon, createRng, targetSampler } from '../src/engine/index.js';
import type { Box, Positions } from '../src/engine/index.js';
import { PUBLIC_S1 } from '../src/engine/target/presets.js';

const DOMAIN: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const D = 1;
const target = new Target(PUBLIC_S1, DOMAIN);

// ----------------------------------------------------------------------------------------------------- radix-2 FFT

class Fft2 {
  readonly p: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;
  private readonly tr: Float64Array;
  private readonly ti: Float64Array;

  constructor(p: number) {
    if (p & (p - 1)) throw new Error('size must be a power of two');
    this.p = p;
    this.cos = new Float64Array(p / 2);
    this.sin = new Float64Array(p / 2);
    for (let k = 0; k < p / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / p);
      this.sin[k] = Math.sin((2 * Math.PI * k) / p);
    }
    this.rev = new Uint32Array(p);
    const bits = Math.log2(p);
    for (let i = 0; i < p; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.tr = new Float64Array(p);
    this.ti = new Float64Array(p);
  }

  /** In-place 1-D FFT of re/im[off .. off + p); sign -1 forward, +1 inverse (unscaled). */
  private fft1(re: Float64Array, im: Float64Array, off: number, sign: number): void {
    const p = this.p;
    const rev = this.rev;
    for (let i = 0; i < p; i++) {
      const j = rev[i];
      if (j > i) {
        const a = re[off + i];
        re[off + i] = re[off + j];
        re[off + j] = a;
        const b = im[off + i];
        im[off + i] = im[off + j];
        im[off + j] = b;
      }
    }
    for (let len = 2; len <= p; len <<= 1) {
      const half = len >> 1;
      const step = p / len;
      for (let s = 0; s < p; s += len) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step];
          const wi = sign * this.sin[k * step];
          const a = off + s + k;
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }

  /** 2-D FFT of p x p row-major arrays; rows with index >= rowsUsed are known to be zero on a forward transform. */
  transform(re: Float64Array, im: Float64Array, sign: number, rowsUsed = this.p): void {
    const p = this.p;
    for (let r = 0; r < rowsUsed; r++) this.fft1(re, im, r * p, sign);
    const tr = this.tr;
    const ti = this.ti;
    for (let c = 0; c < p; c++) {
      for (let r = 0; r < p; r++) {
        tr[r] = re[r * p + c];
        ti[r] = im[r * p + c];
      }
      this.fft1(tr, ti, 0, sign);
      for (let r = 0; r < p; r++) {
        re[r * p + c] = tr[r];
        im[r * p + c] = ti[r];
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------------- FFT fields

class FftField {
  readonly stencil: BlobField;
  readonly p: number;
  private readonly fft: Fft2;
  private readonly gRe: Float64Array;
  private readonly gIm: Float64Array;
  private readonly phiHat: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly invRho: Float64Array;

  constructor(readonly eps: number) {
    this.stencil = new BlobField(target, { epsilon: eps, diffusivity: D });
    const g = this.stencil.grid;
    const k = Math.ceil((this.stencil.cutoff * eps) / Math.min(g.hx, g.hy)) + 1;
    let p = 1;
    while (p < Math.max(g.nx, g.ny) + k) p <<= 1;
    this.p = p;
    this.fft = new Fft2(p);
    const n = p * p;
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.gRe = new Float64Array(n);
    this.gIm = new Float64Array(n);
    this.phiHat = new Float64Array(n);
    const phiIm = new Float64Array(n);
    // Kernels at wrapped offsets, truncated at the same cut-off as the stencil.
    const c = 1 / (2 * Math.PI * eps * eps);
    const inv = -0.5 / (eps * eps);
    const r2 = (this.stencil.cutoff * eps) ** 2;
    for (let b = -k; b <= k; b++) {
      for (let a = -k; a <= k; a++) {
        const zx = a * g.hx;
        const zy = b * g.hy;
        const z2 = zx * zx + zy * zy;
        if (Math.abs(zx) > Math.sqrt(r2) || Math.abs(zy) > Math.sqrt(r2)) continue;
        const phi = c * Math.exp(inv * z2);
        const idx = ((b + p) % p) * p + ((a + p) % p);
        this.phiHat[idx] = phi;
        this.gRe[idx] = (D / (eps * eps)) * zx * phi;
        this.gIm[idx] = (D / (eps * eps)) * zy * phi;
      }
    }
    this.fft.transform(this.gRe, this.gIm, -1);
    this.fft.transform(this.phiHat, phiIm, -1);
    const rho = target.onGrid(g).rhoBar;
    this.invRho = new Float64Array(g.nx * g.ny);
    for (let i = 0; i < rho.length; i++) this.invRho[i] = 1 / rho[i];
  }

  /** FFT-A: stencil deposit (exact f), FFT gather at the nodes, bilinear interpolation. */
  evaluateA(positions: Positions, out: Float64Array): void {
    this.stencil.energy(positions); // fills stencil.f with the exact blob density at the nodes
    this.fromF(this.stencil.f);
    this.gatherByFft(positions, out);
  }

  /** FFT-B: cloud-in-cell deposit, f by FFT convolution, FFT gather, bilinear interpolation. */
  evaluateB(positions: Positions, out: Float64Array): void {
    const g = this.stencil.grid;
    const { p, re, im } = this;
    re.fill(0);
    im.fill(0);
    const n = positions.length >> 1;
    const m = 1 / n / g.cellArea;
    for (let i = 0; i < n; i++) {
      const fx = (positions[2 * i] - g.x0) / g.hx;
      const fy = (positions[2 * i + 1] - g.y0) / g.hy;
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      if (ix < 0 || iy < 0 || ix >= g.nx - 1 || iy >= g.ny - 1) continue;
      const tx = fx - ix;
      const ty = fy - iy;
      const k = iy * p + ix;
      re[k] += m * (1 - tx) * (1 - ty);
      re[k + 1] += m * tx * (1 - ty);
      re[k + p] += m * (1 - tx) * ty;
      re[k + p + 1] += m * tx * ty;
    }
    this.fft.transform(re, im, -1, g.ny);
    const ph = this.phiHat;
    const scale = (g.cellArea) / (p * p);
    for (let k = 0; k < p * p; k++) {
      re[k] *= ph[k] * scale;
      im[k] *= ph[k] * scale; // phi is even: its transform is real
    }
    this.fft.transform(re, im, 1);
    // re now holds f at the nodes (rows/cols beyond the grid are discarded by fromGrid).
    this.fromPadded();
    this.gatherByFft(positions, out);
  }

  private fromF(f: Float64Array): void {
    const g = this.stencil.grid;
    const { p, re, im, invRho } = this;
    re.fill(0);
    im.fill(0);
    const w = g.cellArea;
    for (let j = 0; j < g.ny; j++) for (let i = 0; i < g.nx; i++) re[j * p + i] = w * f[j * g.nx + i] * invRho[j * g.nx + i];
  }

  private fromPadded(): void {
    const g = this.stencil.grid;
    const { p, re, im, invRho } = this;
    const w = g.cellArea;
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < p; i++) {
        const k = j * p + i;
        re[k] = j < g.ny && i < g.nx ? w * re[k] * invRho[j * g.nx + i] : 0;
        im[k] = 0;
      }
    }
  }

  private gatherByFft(positions: Positions, out: Float64Array): void {
    const g = this.stencil.grid;
    const { p, re, im, gRe, gIm } = this;
    this.fft.transform(re, im, -1, g.ny);
    const s = 1 / (p * p);
    for (let k = 0; k < p * p; k++) {
      const a = re[k];
      const b = im[k];
      re[k] = (a * gRe[k] - b * gIm[k]) * s;
      im[k] = (a * gIm[k] + b * gRe[k]) * s;
    }
    this.fft.transform(re, im, 1);
    // u is real: re = u * Gx, im = u * Gy at the nodes. Bilinear interpolation to the robots.
    const n = positions.length >> 1;
    for (let i = 0; i < n; i++) {
      const fx = (positions[2 * i] - g.x0) / g.hx;
      const fy = (positions[2 * i + 1] - g.y0) / g.hy;
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      if (ix < 0 || iy < 0 || ix >= g.nx - 1 || iy >= g.ny - 1) {
        out[2 * i] = 0;
        out[2 * i + 1] = 0;
        continue;
      }
      const tx = fx - ix;
      const ty = fy - iy;
      const k = iy * p + ix;
      const w00 = (1 - tx) * (1 - ty);
      const w10 = tx * (1 - ty);
      const w01 = (1 - tx) * ty;
      const w11 = tx * ty;
      out[2 * i] = w00 * re[k] + w10 * re[k + 1] + w01 * re[k + p] + w11 * re[k + p + 1];
      out[2 * i + 1] = w00 * im[k] + w10 * im[k + 1] + w01 * im[k + p] + w11 * im[k + p + 1];
    }
  }
}

// ----------------------------------------------------------------------------------------------------- measurement

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn: () => void, reps: number): number {
  fn();
  fn();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function relativeError(v: Float64Array, ref: Float64Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i += 2) {
    err = Math.max(err, Math.hypot(v[i] - ref[i], v[i + 1] - ref[i + 1]));
    scale = Math.max(scale, Math.hypot(ref[i], ref[i + 1]));
  }
  return err / scale;
}

console.log(`# FFT route vs separable stencil (public-s1, robots sampled from the target, node ${process.version})`);
console.log('Median of 5 evaluations after 2 warm-ups; shared 2-core machine, so compare ratios. Errors are relative to');
console.log('the separable stencil (BlobField at its defaults) on the same grid.');
console.log();
console.log('| N | eps | grid | FFT size | stencil | FFT-A (stencil deposit + FFT gather) | FFT-B (CIC + 4 FFTs) | err A | err B |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const n = 100_000;
const positions = targetSampler(target)(n, createRng(1));
for (const eps of [autoEpsilon(DOMAIN, n), 0.1]) {
  const field = new FftField(eps);
  const ref = new Float64Array(2 * n);
  const va = new Float64Array(2 * n);
  const vb = new Float64Array(2 * n);
  const ts = time(() => field.stencil.evaluate(positions, ref), 5);
  const ta = time(() => field.evaluateA(positions, va), 5);
  const tb = time(() => field.evaluateB(positions, vb), 5);
  field.stencil.evaluate(positions, ref);
  const g = field.stencil.grid;
  console.log(`| ${n.toLocaleString('en-US')} | ${eps.toPrecision(3)} | ${g.nx} x ${g.ny} | ${field.p}^2 | ${ts.toFixed(0)} ms | ${ta.toFixed(0)} ms | ` +
    `${tb.toFixed(0)} ms | ${relativeError(va, ref).toExponential(1)} | ${relativeError(vb, ref).toExponential(1)} |`);
}
