/**
 * Exact oracles for the blob field.
 *
 * a. Constant rho_bar = c on the whole plane: phi_eps * phi_eps = phi_{sqrt2 eps}, so
 *      E   = 1/(2c) sum_ij m_i m_j phi_{sqrt2 eps}(x_i - x_j)
 *      v_i = -(D/c) sum_j m_j grad phi_{sqrt2 eps}(x_i - x_j) = (D/c) sum_j m_j (x_i - x_j) / (2 eps^2) phi_{sqrt2 eps}(x_i - x_j)
 *    with phi_s(z) = exp(-|z|^2 / (2 s^2)) / (2 pi s^2).
 * b. Gaussian rho_bar(y) = A N(y; mu, S^2 I) on the whole plane, eps < sqrt2 S: with a = 1/eps^2 - 1/(2 S^2) > 0,
 *      K(x, z) = Int phi_eps(x - y) phi_eps(y - z) / rho_bar(y) dy
 *              = (2 pi S^2 / A) / (2 pi eps^2)^2 * (pi / a) * exp(-|x - z|^2 / (4 eps^2) + |x + z - 2 mu|^2 / (4 (2 S^2 - eps^2)))
 *    (complete the square in y: the exponent is -a |y - mu|^2 + (x + z - 2 mu) . (y - mu) / eps^2 - (|x - mu|^2 + |z - mu|^2) / (2 eps^2)),
 *    so E = 1/2 sum_ij m_i m_j K(x_i, x_j) and v_i = -D sum_j m_j grad_1 K(x_i, x_j), with
 *      grad_1 K(x, z) = K(x, z) (-(x - z) / (2 eps^2) + (x + z - 2 mu) / (2 (2 S^2 - eps^2))).
 *    On a box of half-width 6 S the Gaussian's mass outside the box is < 1e-8 and the engine's floor is set far
 *    below the Gaussian's smallest value inside, so the box target is this rho_bar wherever the kernels reach.
 * c. Convergence of the fast field to the dense reference as the quadrature grid is refined: spectral away from the
 *    walls, about second order next to them (rho_bar is continuous there but has a kink).
 *
 * In a. and b. the particles sit far from the walls, so the only errors of the fast field are the kernel cut-off
 * (5 eps by default: exp(-12.5) ~ 4e-6 of the peak) and the quadrature, spectrally accurate for these smooth
 * integrands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobField, Target, createRng, denseBlobField } from '../../src/engine/index.js';
import type { Box, DensitySpec, Positions } from '../../src/engine/index.js';
import { relativeMaxError } from '../helpers.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';

/** Velocities and energy of a configuration. */
interface FieldValue {
  readonly velocities: Float64Array;
  readonly energy: number;
}

/** The closed form a. for constant rho_bar = c. */
function uniformClosedForm(x: Positions, m: Float64Array, eps: number, diffusivity: number, c: number): FieldValue {
  const n = m.length;
  const velocities = new Float64Array(2 * n);
  let energy = 0;
  const norm = 1 / (4 * Math.PI * eps * eps);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = x[2 * i] - x[2 * j];
      const dy = x[2 * i + 1] - x[2 * j + 1];
      const p = norm * Math.exp(-(dx * dx + dy * dy) / (4 * eps * eps));
      energy += (m[i] * m[j] * p) / (2 * c);
      const k = ((diffusivity / c) * m[j] * p) / (2 * eps * eps);
      velocities[2 * i] += k * dx;
      velocities[2 * i + 1] += k * dy;
    }
  }
  return { velocities, energy };
}

/** The closed form b. for rho_bar = A N(mu, S^2 I). */
function gaussianClosedForm(
  x: Positions,
  m: Float64Array,
  eps: number,
  diffusivity: number,
  mean: readonly [number, number],
  sigma: number,
  amplitude: number,
): FieldValue {
  const n = m.length;
  const a = 1 / (eps * eps) - 1 / (2 * sigma * sigma);
  assert.ok(a > 0, 'the Gaussian oracle needs eps < sqrt(2) sigma');
  const q = 2 * sigma * sigma - eps * eps;
  const c = (((2 * Math.PI * sigma * sigma) / amplitude) * (Math.PI / a)) / (4 * Math.PI * Math.PI * eps ** 4);
  const velocities = new Float64Array(2 * n);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const xi = x[2 * i] - mean[0];
      const yi = x[2 * i + 1] - mean[1];
      const xj = x[2 * j] - mean[0];
      const yj = x[2 * j + 1] - mean[1];
      const dx = xi - xj;
      const dy = yi - yj;
      const sx = xi + xj;
      const sy = yi + yj;
      const k = c * Math.exp(-(dx * dx + dy * dy) / (4 * eps * eps) + (sx * sx + sy * sy) / (4 * q));
      energy += 0.5 * m[i] * m[j] * k;
      velocities[2 * i] -= diffusivity * m[j] * k * (-dx / (2 * eps * eps) + sx / (2 * q));
      velocities[2 * i + 1] -= diffusivity * m[j] * k * (-dy / (2 * eps * eps) + sy / (2 * q));
    }
  }
  return { velocities, energy };
}

/** erf to ~1e-15 (Taylor series below 3, continued fraction for erfc above). */
function erf(x: number): number {
  const t = Math.abs(x);
  if (t < 3) {
    let sum = 0;
    let term = t;
    for (let k = 0; k < 200; k++) {
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-t * t) / (k + 1);
    }
    return (Math.sign(x) * 2 * sum) / Math.sqrt(Math.PI);
  }
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (t + f);
  return Math.sign(x) * (1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f));
}

/** n points uniform in the square [c - r, c + r]^2 (seeded). */
function cluster(n: number, centre: readonly [number, number], r: number, seed: number): Positions {
  const rng = createRng(seed);
  const p = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    p[2 * i] = centre[0] + r * (2 * rng.next() - 1);
    p[2 * i + 1] = centre[1] + r * (2 * rng.next() - 1);
  }
  return p;
}

/** Unequal masses summing to one (seeded). */
function unequalMasses(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const m = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += m[i] = 0.5 + rng.next();
  for (let i = 0; i < n; i++) m[i] /= s;
  return m;
}

function relativeEnergyError(e: number, exact: number): number {
  return Math.abs(e - exact) / exact;
}

// ---------------------------------------------------------------------------------------------------------------
// a. Uniform target: rho_bar = 1/100 on [-5, 5]^2, 40 robots with unequal masses within 0.6 of the centre, eps = 0.2
// (the kernels reach 1.6 from the centre, the walls are at 5).

const uniformDomain: Box = { xmin: -5, xmax: 5, ymin: -5, ymax: 5 };
const uniformTarget = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, uniformDomain);
const uniformX = cluster(40, [0, 0], 0.6, 7);
const uniformM = unequalMasses(40, 8);
const uniformEps = 0.2;
const uniformD = 1.3;
const uniformExact = uniformClosedForm(uniformX, uniformM, uniformEps, uniformD, 1 / 100);

test('uniform target: the fast field at its defaults matches the closed form (measured 1.1e-5 velocity, 6e-7 energy)', () => {
  const field = new BlobField(uniformTarget, { epsilon: uniformEps, diffusivity: uniformD });
  const v = new Float64Array(uniformX.length);
  const e = field.evaluate(uniformX, v, uniformM);
  const ev = relativeMaxError(v, uniformExact.velocities);
  const ee = relativeEnergyError(e, uniformExact.energy);
  assert.ok(ev < 1e-4 && ee < 1e-4, `velocity ${ev}, energy ${ee}`);
  assert.ok(ev < 3e-5, `velocity error ${ev} regressed (measured 1.1e-5)`);
  assert.ok(ee < 2e-6, `energy error ${ee} regressed (measured 6e-7)`);
});

test('uniform target: with a cut-off of 8 eps the fast field is exact to round-off (the default error is all cut-off)', () => {
  const field = new BlobField(uniformTarget, { epsilon: uniformEps, diffusivity: uniformD, cutoff: 8 });
  const v = new Float64Array(uniformX.length);
  const e = field.evaluate(uniformX, v, uniformM);
  assert.ok(relativeMaxError(v, uniformExact.velocities) < 1e-11, `velocity ${relativeMaxError(v, uniformExact.velocities)}`);
  assert.ok(relativeEnergyError(e, uniformExact.energy) < 1e-11, `energy ${relativeEnergyError(e, uniformExact.energy)}`);
});

test('uniform target: the dense reference matches the closed form to round-off', () => {
  const equal = new Float64Array(40).fill(1 / 40);
  const exact = uniformClosedForm(uniformX, equal, uniformEps, uniformD, 1 / 100);
  const d = denseBlobField(uniformTarget, uniformX, { epsilon: uniformEps, diffusivity: uniformD, spacing: uniformEps / 2 });
  assert.ok(relativeMaxError(d.velocities, exact.velocities) < 1e-11);
  assert.ok(relativeEnergyError(d.energy, exact.energy) < 1e-11);
});

test('uniform target: a lone robot does not move and two robots repel along their axis with the closed-form speed', () => {
  const field = new BlobField(uniformTarget, { epsilon: 0.15, diffusivity: 1 });
  const two = Float64Array.of(-0.05, 0.02, 0.07, 0.02);
  const v2 = new Float64Array(4);
  field.evaluate(two, v2);
  const exact = uniformClosedForm(two, Float64Array.of(0.5, 0.5), 0.15, 1, 1 / 100);
  assert.ok(v2[0] < 0 && v2[2] > 0, 'the two robots move apart');
  assert.ok(Math.abs(v2[1]) < 3e-5 * Math.abs(v2[0]) && Math.abs(v2[3]) < 3e-5 * Math.abs(v2[2]), 'and along their axis');
  assert.ok(relativeMaxError(v2, exact.velocities) < 3e-5, `relative error ${relativeMaxError(v2, exact.velocities)}`);
  // A lone blob is its own equilibrium; the fast field's truncated stencil is not centred on the robot, so it moves
  // at the level of the cut-off error (measured 2.4e-8 against a pair speed of 13).
  const one = Float64Array.of(0.3, -0.2);
  const v1 = new Float64Array(2);
  field.evaluate(one, v1);
  const scale = Math.hypot(exact.velocities[0], exact.velocities[1]);
  assert.ok(Math.hypot(v1[0], v1[1]) < 1e-6 * scale, `lone robot speed ${Math.hypot(v1[0], v1[1])} against ${scale}`);
});

// ---------------------------------------------------------------------------------------------------------------
// b. Gaussian target: rho_bar = A N((0.3, -0.2), 0.8^2 I) on [-6, 6]^2 (A = 1 / its mass in the box), eps = 0.15,
// 30 robots within 1 of the mean. The floor (1e-12 of the mean density) never binds inside the box.

const gaussMean: readonly [number, number] = [0.3, -0.2];
const gaussSigma = 0.8;
const gaussL = 6;
const gaussDomain: Box = { xmin: -gaussL, xmax: gaussL, ymin: -gaussL, ymax: gaussL };
const gaussSpec: DensitySpec = { type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [gaussMean[0], gaussMean[1]], sigma: gaussSigma }] };
const gaussTarget = new Target(gaussSpec, gaussDomain, { floor: 1e-12 });
const massInBox = (mu: number): number => (erf((gaussL - mu) / (gaussSigma * Math.SQRT2)) + erf((gaussL + mu) / (gaussSigma * Math.SQRT2))) / 2;
const gaussAmplitude = 1 / (massInBox(gaussMean[0]) * massInBox(gaussMean[1]));
const gaussX = cluster(30, gaussMean, 1, 3);
const gaussM = new Float64Array(30).fill(1 / 30);
const gaussEps = 0.15;
const gaussD = 0.7;
const gaussExact = gaussianClosedForm(gaussX, gaussM, gaussEps, gaussD, gaussMean, gaussSigma, gaussAmplitude);

test('Gaussian target: the dense reference matches the closed form to round-off (measured 7e-14)', () => {
  const d = denseBlobField(gaussTarget, gaussX, { epsilon: gaussEps, diffusivity: gaussD, spacing: gaussEps / 4 });
  assert.ok(relativeMaxError(d.velocities, gaussExact.velocities) < 1e-11, `velocity ${relativeMaxError(d.velocities, gaussExact.velocities)}`);
  assert.ok(relativeEnergyError(d.energy, gaussExact.energy) < 1e-11, `energy ${relativeEnergyError(d.energy, gaussExact.energy)}`);
});

test('Gaussian target: the fast field at its defaults matches the closed form (measured 7.8e-6 velocity, 9e-7 energy)', () => {
  const field = new BlobField(gaussTarget, { epsilon: gaussEps, diffusivity: gaussD });
  const v = new Float64Array(gaussX.length);
  const e = field.evaluate(gaussX, v);
  const ev = relativeMaxError(v, gaussExact.velocities);
  const ee = relativeEnergyError(e, gaussExact.energy);
  assert.ok(ev < 3e-5, `velocity ${ev}`);
  assert.ok(ee < 3e-6, `energy ${ee}`);
  const exact = new BlobField(gaussTarget, { epsilon: gaussEps, diffusivity: gaussD, cutoff: 8 });
  const e8 = exact.evaluate(gaussX, v);
  assert.ok(relativeMaxError(v, gaussExact.velocities) < 1e-11, `cut-off 8: velocity ${relativeMaxError(v, gaussExact.velocities)}`);
  assert.ok(relativeEnergyError(e8, gaussExact.energy) < 1e-11, `cut-off 8: energy ${relativeEnergyError(e8, gaussExact.energy)}`);
});

test('Gaussian target: a lone robot off the mean moves towards it, at the closed-form speed', () => {
  // For one robot E = K(x, x) / 2 = C exp(|x - mu|^2 / (2 S^2 - eps^2)) / 2 and v = -D grad E / m points to the mean,
  // where 1/rho_bar is smallest.
  const x = Float64Array.of(gaussMean[0] + 0.5, gaussMean[1]);
  const exact = gaussianClosedForm(x, Float64Array.of(1), gaussEps, gaussD, gaussMean, gaussSigma, gaussAmplitude);
  const field = new BlobField(gaussTarget, { epsilon: gaussEps, diffusivity: gaussD });
  const v = new Float64Array(2);
  field.evaluate(x, v);
  assert.ok(exact.velocities[0] < 0 && Math.abs(exact.velocities[1]) < 1e-15);
  assert.ok(relativeMaxError(v, exact.velocities) < 3e-5, `relative error ${relativeMaxError(v, exact.velocities)}`);
});

// ---------------------------------------------------------------------------------------------------------------
// c. Convergence in the grid spacing, on the public-s1 target of the golden test ([-1, 1]^2, a uniform floor of 0.3
// and two Gaussians), eps = 0.1, against the dense reference at spacing eps / 16.

const s1Domain: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const s1Target = new Target(
  PUBLIC_S1,
  s1Domain,
);
const s1Eps = 0.1;

function fastErrors(x: Positions, reference: FieldValue, spacings: readonly number[], cutoff?: number): number[] {
  return spacings.map((gridSpacing) => {
    const field = new BlobField(s1Target, { epsilon: s1Eps, diffusivity: 1, gridSpacing, ...(cutoff ? { cutoff } : {}) });
    const v = new Float64Array(x.length);
    field.evaluate(x, v);
    return relativeMaxError(v, reference.velocities);
  });
}

test('grid convergence, robots at least 5 eps from the walls: spectral in the spacing until the cut-off error', () => {
  const x = cluster(20, [0, 0], 0.5, 11);
  const reference = denseBlobField(s1Target, x, { epsilon: s1Eps, diffusivity: 1, spacing: s1Eps / 16 });
  const spacings = [1.25, 1, 0.75, 0.5, 0.25];
  // With a cut-off of 8 eps the quadrature error alone: measured 1.8e-2, 1.5e-3, 4.0e-6, 3.8e-10, 1e-13.
  const errors = fastErrors(x, reference, spacings, 8);
  const shown = errors.map((e) => e.toExponential(2)).join(', ');
  for (let k = 1; k < errors.length; k++) assert.ok(errors[k] < errors[k - 1] / 5, `not falling fast enough: ${shown}`);
  assert.ok(errors[3] < 1e-8, `spacing eps/2: ${shown}`);
  // At the defaults (cut-off 5 eps) the cut-off dominates below spacing ~0.75 eps: measured 9e-6 .. 1.3e-5.
  const defaults = fastErrors(x, reference, [1, 0.5]);
  assert.ok(defaults[1] < defaults[0] && defaults[1] < 3e-5, `defaults: ${defaults.map((e) => e.toExponential(2)).join(', ')}`);
});

test('grid convergence, robots next to the walls: the error falls with the spacing and is below 1e-3 at the defaults', () => {
  const x = cluster(20, [0, 0], 0.97, 12);
  const reference = denseBlobField(s1Target, x, { epsilon: s1Eps, diffusivity: 1, spacing: s1Eps / 16 });
  const spacings = [1.25, 1, 0.75, 0.5, 0.4, 0.25];
  // Measured 3.3e-2, 1.8e-2, 5.8e-3, 5.3e-4, ~4e-4, 2.4e-4 with the smooth wall decay of width eps/2; the last ones
  // approach the reference's own error (rho_bar has a corner at the wall, so convergence there is algebraic).
  const errors = fastErrors(x, reference, spacings);
  const shown = errors.map((e) => e.toExponential(2)).join(', ');
  for (let k = 1; k < errors.length; k++) assert.ok(errors[k] < errors[k - 1], `not decreasing: ${shown}`);
  assert.ok(errors[0] / errors[errors.length - 1] > 50, `too slow: ${shown}`);
  assert.ok(errors[4] < 1e-3, `default spacing (0.4 eps) next to a wall: ${shown}`);
});

test('with a long cut-off the fast field is the dense quadrature on the same nodes, walls or not', () => {
  const x = cluster(20, [0, 0], 0.97, 12);
  const field = new BlobField(s1Target, { epsilon: s1Eps, diffusivity: 1, gridSpacing: 0.25, cutoff: 8 });
  const v = new Float64Array(x.length);
  const e = field.evaluate(x, v);
  const d = denseBlobField(s1Target, x, { epsilon: s1Eps, diffusivity: 1, spacing: s1Eps / 4 });
  assert.ok(relativeMaxError(v, d.velocities) < 1e-11, `velocity ${relativeMaxError(v, d.velocities)}`);
  assert.ok(relativeEnergyError(e, d.energy) < 1e-11, `energy ${relativeEnergyError(e, d.energy)}`);
});
