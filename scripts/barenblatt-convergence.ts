/**
 * Convergence of the blob method to the Barenblatt solution of the porous-medium equation (m = 2, d = 2).
 *
 * With a constant target rho_bar = c the blob flow v = -D grad(phi_eps * ((phi_eps * rho) / rho_bar)) is a
 * particle discretization of
 *
 *     d/dt rho = D div(rho grad(rho / c)) = (D / (2c)) Lap(rho^2),
 *
 * the porous-medium equation u_t = K Lap(u^2) with K = D / (2c). The engine's uniform target on a box of area
 * |Omega| has c = 1 / |Omega|, so D = 2 / |Omega| gives K = 1 and the engine's time is the PME time. The unit-mass
 * Barenblatt solution of u_t = Lap(u^2) in 2-D (alpha = 1/2, beta = 1/4, k = 1/16) is
 *
 *     U(x, t) = t^(-1/2) (C - |x|^2 / (16 sqrt(t)))_+,   C = 1 / sqrt(8 pi),
 *
 * with support radius R(t) = 4 sqrt(C) t^(1/4) and second moment Int |x|^2 U = R(t)^2 / 3 = (16/3) C sqrt(t).
 *
 * The study: place N particles of mass 1/N deterministically on U(., t0) (a sunflower lattice, whose points are
 * quasi-uniform in the unit disc, mapped radially through the mass quantiles of U, so each particle carries 1/N of
 * the mass), evolve the blob flow with eps = h^0.95, h = sqrt(pi R(t0)^2 / N) the mean spacing on the support
 * (Carrillo, Craig, Patacchini 2019), to t1 with classical RK4 (steps small enough that the time error is far below
 * the spatial one: checked by halving), and measure at t1
 *
 * - L1:           Int |phi_eps * rho^N - U(t1)|, the blob density against the exact solution (midpoint rule, eps/5);
 * - L1 inner:     the same over |x| < 0.8 R(t1), away from the edge of the support;
 * - L1 resampled: L1 for the same N particles placed directly on U(t1) (no dynamics): the error of the particle
 *                 representation alone at this N and eps, a baseline for the flow;
 * - M2:           the signed relative error of the second moment at t1, of the particles ((1/N) sum |x_i|^2) and of
 *                 the blob density (that plus 2 eps^2, the second moment of phi_eps).
 *
 * What it shows (see docs/method.md for the table): the interior L1 error converges at rate ~2.1 in h (~1 in 1/N); the
 * total L1 error converges more slowly (~0.9 overall, ~0.3 over the last doubling of 1/h) because of a band at the
 * edge of the support, r > 0.9 R, where the density vanishes linearly: there the local particle spacing
 * 1/sqrt(N U) exceeds eps (eps/h = h^-0.05 barely grows), the blob density is a row of separate bumps, and that
 * band's L1 error (~2.5e-3) does not fall with N; placing particles directly on U(t1) shows the same floor, so it is
 * the particle representation at this eps, not the dynamics. The particles' second moment lags by ~2 eps^2 (rate
 * 1.8-1.9 in h), while the blob density's second moment is within 5e-5 of the exact one from N = 1600 on.
 *
 * The velocities come from the engine's fast BlobField on a uniform target over a box large enough that no blob
 * reaches the walls (checked at the end of every run: farthest particle + cut-off < half-width), so rho_bar is the
 * constant 1 / |Omega| everywhere the kernels see it.
 *
 * N = 100, 400, 1600, 6400, 25600 (about 100 s in all, 85 s of it for N = 25,600).
 *
 * Run: npm run study:barenblatt   (options: --quick for N = 100, 400, 1600 (2 s); --check-dt to rerun N = 1600 and
 *                                   6400 with half the time step)
 */
import { pathToFileURL } from 'node:url';
import { BlobField, Target } from '../src/engine/index.js';
import type { Box, Positions } from '../src/engine/index.js';

/** Height constant of the unit-mass Barenblatt profile of u_t = Lap(u^2) in 2-D. */
export const BARENBLATT_C = 1 / Math.sqrt(8 * Math.PI);

/** Support radius R(t) = 4 sqrt(C) t^(1/4) of the unit-mass Barenblatt solution. */
export function barenblattRadius(t: number): number {
  return 4 * Math.sqrt(BARENBLATT_C) * Math.pow(t, 0.25);
}

/** The unit-mass Barenblatt density U(x, t) = t^(-1/2) (C - |x|^2 / (16 sqrt t))_+ of u_t = Lap(u^2) in 2-D. */
export function barenblattDensity(x: number, y: number, t: number): number {
  const s = Math.sqrt(t);
  const v = BARENBLATT_C - (x * x + y * y) / (16 * s);
  return v > 0 ? v / s : 0;
}

/** Second moment Int |x|^2 U(x, t) dx = R(t)^2 / 3 of the unit-mass Barenblatt solution. */
export function barenblattSecondMoment(t: number): number {
  const r = barenblattRadius(t);
  return (r * r) / 3;
}

/**
 * N particles (interleaved x, y) of mass 1/N each placed deterministically on U(., t): the sunflower lattice
 * (radius sqrt(q_i), angle i times the golden angle, q_i = (i + 1/2) / N) mapped radially through the mass quantiles
 * of U, whose mass fraction within radius rho R is F = 1 - (1 - rho^2)^2, so rho_i^2 = 1 - sqrt(1 - q_i).
 */
export function barenblattParticles(n: number, t: number): Positions {
  const r = barenblattRadius(t);
  const golden = Math.PI * (3 - Math.sqrt(5));
  const p = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const q = (i + 0.5) / n;
    const rho = r * Math.sqrt(1 - Math.sqrt(1 - q));
    const th = i * golden;
    p[2 * i] = rho * Math.cos(th);
    p[2 * i + 1] = rho * Math.sin(th);
  }
  return p;
}

/** Options of one Barenblatt run. */
export interface BarenblattOptions {
  /** Number of particles. */
  readonly n: number;
  /** Start time (PME time; the engine time equals it since D = 2 / |Omega|). Default 1. */
  readonly t0?: number;
  /** End time. Default 4. */
  readonly t1?: number;
  /** eps = h^exponent, h = sqrt(pi R(t0)^2 / N). Default 0.95. */
  readonly exponent?: number;
  /** Half-width of the square domain of the uniform target. Default 5. */
  readonly halfWidth?: number;
  /** Multiplies the RK4 step bounds (0.25 eps / max speed and 2 / lambda). Default 1. */
  readonly stepScale?: number;
  /** Initial placement of N particles on U(., t). Default `barenblattParticles`. */
  readonly placement?: (n: number, t: number) => Positions;
}

/** What one Barenblatt run measured. */
export interface BarenblattResult {
  readonly n: number;
  /** Mean spacing on the initial support, m. */
  readonly h: number;
  readonly epsilon: number;
  readonly steps: number;
  /** Int |phi_eps * rho^N(t1) - U(t1)|. */
  readonly l1: number;
  /** The same over the disc |x| < 0.8 R(t1) (away from the edge of the support). */
  readonly l1Interior: number;
  /**
   * The baseline Int |phi_eps * rho^N_* - U(t1)| for N particles placed directly on U(t1) by the same lattice: the
   * error of the ideal particle approximation at this N and eps, without any dynamics.
   */
  readonly l1Resampled: number;
  /** Signed relative error of the particles' second moment (1/N) sum |x_i|^2 at t1. */
  readonly m2Particles: number;
  /** Signed relative error of the blob density's second moment, (1/N) sum |x_i|^2 + 2 eps^2, at t1. */
  readonly m2Blob: number;
  /** Signed relative error of the particles' second moment at t0 (the placement alone). */
  readonly m2Particles0: number;
  /** Half-width minus (farthest particle + cut-off radius) at t1: must be positive (no blob sees the walls). */
  readonly wallClearance: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Particle positions at t1. */
  readonly positions: Positions;
}

/** Evolves N particles from U(t0) to t1 with the fast blob field and measures the errors against U(t1). */
export function runBarenblatt(options: BarenblattOptions): BarenblattResult {
  const started = performance.now();
  const { n } = options;
  const t0 = options.t0 ?? 1;
  const t1 = options.t1 ?? 4;
  const exponent = options.exponent ?? 0.95;
  const half = options.halfWidth ?? 5;
  const domain: Box = { xmin: -half, xmax: half, ymin: -half, ymax: half };
  const area = 4 * half * half;
  const r0 = barenblattRadius(t0);
  const h = Math.sqrt((Math.PI * r0 * r0) / n);
  const epsilon = Math.pow(h, exponent);
  // rho_bar = 1 / area, so D = 2 / area makes the limit PDE u_t = Lap(u^2).
  const diffusivity = 2 / area;
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);
  const field = new BlobField(target, { epsilon, diffusivity });

  const place = options.placement ?? barenblattParticles;
  const x = place(n, t0);
  const m2Exact0 = barenblattSecondMoment(t0);
  const m2Particles0 = (secondMoment(x) - m2Exact0) / m2Exact0;
  const steps = integrateRk4(field, x, t0, t1, options.stepScale ?? 1, area);

  let farthest = 0;
  for (let i = 0; i < n; i++) farthest = Math.max(farthest, Math.hypot(x[2 * i], x[2 * i + 1]));
  const wallClearance = half - farthest - field.cutoff * epsilon;
  const m2Exact = barenblattSecondMoment(t1);
  const m2 = secondMoment(x);
  const l1 = blobL1Error(x, epsilon, t1);
  return {
    n,
    h,
    epsilon,
    steps,
    l1: l1.total,
    l1Interior: l1.interior,
    l1Resampled: blobL1Error(place(n, t1), epsilon, t1).total,
    m2Particles: (m2 - m2Exact) / m2Exact,
    m2Blob: (m2 + 2 * epsilon * epsilon - m2Exact) / m2Exact,
    m2Particles0,
    wallClearance,
    seconds: (performance.now() - started) / 1000,
    positions: x,
  };
}

function secondMoment(x: Positions): number {
  const n = x.length >> 1;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1];
  return s / n;
}

/** Largest RK4 displacement per step, as a fraction of eps. */
const STEP_FRACTION = 0.25;

/**
 * Classical RK4 from t0 to t1. The step (times `scale`) keeps the fastest particle below STEP_FRACTION eps per step
 * and below 2 / lambda, lambda ~ (D / c) max(phi_eps * rho) / (e eps^2) the rate of the stiffest mode of the
 * linearized flow (its Fourier symbol k^2 exp(-k^2 eps^2) peaks at 1 / (e eps^2)); RK4 is stable to 2.78 / lambda.
 * Returns the number of steps.
 */
function integrateRk4(field: BlobField, x: Positions, t0: number, t1: number, scale: number, area: number): number {
  const len = x.length;
  const k1 = new Float64Array(len);
  const k2 = new Float64Array(len);
  const k3 = new Float64Array(len);
  const k4 = new Float64Array(len);
  const y = new Float64Array(len);
  const eps = field.epsilon;
  const dOverC = field.diffusivity * area;
  let t = t0;
  let steps = 0;
  while (t < t1 - 1e-12) {
    field.evaluate(x, k1);
    let vmax = 0;
    for (let i = 0; i < len; i += 2) vmax = Math.max(vmax, Math.hypot(k1[i], k1[i + 1]));
    let fmax = 0;
    for (let k = 0; k < field.f.length; k++) if (field.f[k] > fmax) fmax = field.f[k];
    const lambda = (dOverC * fmax) / (Math.E * eps * eps);
    let dt = scale * Math.min(vmax > 0 ? (STEP_FRACTION * eps) / vmax : Infinity, 2 / lambda);
    if (dt > t1 - t) dt = t1 - t;
    if (t1 - t - dt < 1e-9 * dt) dt = t1 - t;
    for (let i = 0; i < len; i++) y[i] = x[i] + 0.5 * dt * k1[i];
    field.evaluate(y, k2);
    for (let i = 0; i < len; i++) y[i] = x[i] + 0.5 * dt * k2[i];
    field.evaluate(y, k3);
    for (let i = 0; i < len; i++) y[i] = x[i] + dt * k3[i];
    field.evaluate(y, k4);
    for (let i = 0; i < len; i++) x[i] += (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    t += dt;
    steps++;
  }
  return steps;
}

/** L1 distances between a blob density and the Barenblatt solution. */
export interface BlobL1 {
  /** Int |phi_eps * rho^N - U(t)| over the plane. */
  readonly total: number;
  /** The same over the disc |x| < INTERIOR_FRACTION R(t), away from the edge of the support. */
  readonly interior: number;
}

/** Radius, as a fraction of the support radius, of the disc over which the interior L1 error is measured. */
export const INTERIOR_FRACTION = 0.8;

/**
 * L1 distances of phi_eps * rho^N (particles x, mass 1/N each) to U(t), by the midpoint rule on a grid of spacing
 * eps / 5 covering the particles, U's support and a cut-off (5 eps) around them.
 */
export function blobL1Error(x: Positions, epsilon: number, t: number): BlobL1 {
  let farthest = 0;
  for (let i = 0; i < x.length; i += 2) farthest = Math.max(farthest, Math.hypot(x[i], x[i + 1]));
  const r = barenblattRadius(t);
  const half = Math.max(r, farthest) + 0.01 * epsilon;
  const box: Box = { xmin: -half, xmax: half, ymin: -half, ymax: half };
  // The blob density phi_eps * rho^N does not depend on the target: any target on a box holding the particles will
  // do, and the field's grid extends a cut-off beyond the box, so it holds the whole blob density.
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, box);
  const blob = new BlobField(target, { epsilon, diffusivity: 1, gridSpacing: 0.2 });
  blob.energy(x);
  const g = blob.grid;
  const inner2 = (INTERIOR_FRACTION * r) ** 2;
  let total = 0;
  let interior = 0;
  for (let j = 0; j < g.ny; j++) {
    const yy = g.y0 + j * g.hy;
    for (let i = 0; i < g.nx; i++) {
      const xx = g.x0 + i * g.hx;
      const e = Math.abs(blob.f[j * g.nx + i] - barenblattDensity(xx, yy, t));
      total += e;
      if (xx * xx + yy * yy < inner2) interior += e;
    }
  }
  return { total: total * g.cellArea, interior: interior * g.cellArea };
}

/** Least-squares slope of log(ys) against log(xs). */
export function logSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
  const my = ly.reduce((s, v) => s + v, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) * (lx[i] - mx);
  }
  return num / den;
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  const ns = args.has('--quick') ? [100, 400, 1600] : [100, 400, 1600, 6400, 25600];
  const t0 = 1;
  const t1 = 4;
  console.log('Blob method vs the Barenblatt solution of u_t = Lap(u^2) in 2-D (unit mass).');
  console.log(
    `t0 = ${t0}, t1 = ${t1}: support radius ${barenblattRadius(t0).toFixed(4)} -> ${barenblattRadius(t1).toFixed(4)}; ` +
      'uniform target on [-5, 5]^2 (rho_bar = 1/100), D = 2/100.',
  );
  console.log('eps = h^0.95, h = sqrt(pi R(t0)^2 / N); fast field at its defaults (spacing eps/2, cut-off 5 eps); RK4.');
  console.log('L1 = Int |phi_eps * rho^N - U| at t1; L1 inner = the same over |x| < 0.8 R(t1); L1 resamp = L1 for N particles');
  console.log('placed directly on U(t1) by the same lattice (no dynamics); M2 = signed relative error of the second moment, of');
  console.log('the particles (part) and of phi_eps * rho^N (blob: + 2 eps^2), at t1 and of the initial placement (t0).');
  console.log('clear = half-width - (farthest particle + 5 eps) at t1: > 0 means no kernel reached the walls.\n');
  const header = ['N', 'h', 'eps', 'steps', 'L1', 'L1 inner', 'L1 resamp', 'M2 part', 'M2 blob', 'M2 t0', 'clear', 'time s'];
  console.log(header.map((s) => s.padStart(10)).join(''));
  const results: BarenblattResult[] = [];
  for (const n of ns) {
    const r = runBarenblatt({ n, t0, t1 });
    results.push(r);
    console.log(
      [
        String(r.n),
        r.h.toFixed(4),
        r.epsilon.toFixed(4),
        String(r.steps),
        r.l1.toExponential(3),
        r.l1Interior.toExponential(3),
        r.l1Resampled.toExponential(3),
        r.m2Particles.toExponential(2),
        r.m2Blob.toExponential(2),
        r.m2Particles0.toExponential(2),
        r.wallClearance.toFixed(2),
        r.seconds.toFixed(1),
      ]
        .map((s) => s.padStart(10))
        .join(''),
    );
    if (r.wallClearance <= 0) throw new Error(`N = ${n}: blobs reach the walls (clearance ${r.wallClearance}); enlarge the box`);
  }
  const hs = results.map((r) => r.h);
  const epss = results.map((r) => r.epsilon);
  const ns2 = results.map((r) => r.n);
  const rate = (ys: number[]): string =>
    `${logSlope(hs, ys).toFixed(2)} in h, ${logSlope(epss, ys).toFixed(2)} in eps, ${(-logSlope(ns2, ys)).toFixed(2)} in 1/N`;
  const last = (ys: number[]): string => {
    const k = ys.length - 1;
    return (Math.log(ys[k] / ys[k - 1]) / Math.log(hs[k] / hs[k - 1])).toFixed(2);
  };
  console.log('\nFitted rates: least-squares slope of log error (and the slope over the last two N, in h):');
  for (const [name, ys] of [
    ['L1          ', results.map((r) => r.l1)],
    ['L1 inner    ', results.map((r) => r.l1Interior)],
    ['L1 resampled', results.map((r) => r.l1Resampled)],
    ['|M2 part|   ', results.map((r) => Math.abs(r.m2Particles))],
    ['|M2 blob|   ', results.map((r) => Math.abs(r.m2Blob))],
  ] as const) {
    console.log(`  ${name}  ${rate([...ys])}  (last pair: ${last([...ys])})`);
  }
  if (args.has('--check-dt')) {
    for (const n of [1600, 6400]) {
      const a = results.find((r) => r.n === n) ?? runBarenblatt({ n, t0, t1 });
      const b = runBarenblatt({ n, t0, t1, stepScale: 0.5 });
      console.log(`\nTime-step check, N = ${n}: L1 ${a.l1.toExponential(5)} (${a.steps} steps) vs ${b.l1.toExponential(5)} (${b.steps} steps);`);
      console.log(`  M2 part ${a.m2Particles.toExponential(5)} vs ${b.m2Particles.toExponential(5)}`);
    }
  }
  const total = results.reduce((s, r) => s + r.seconds, 0);
  console.log(`\nTotal ${total.toFixed(1)} s.`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
