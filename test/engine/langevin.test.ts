import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangevinDynamics, LangevinStepper, Target, createRng, uniformInBox } from '../../src/engine/index.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const mean = [0.1, -0.05] as const;
const sigma = 0.25;
/** A Gaussian target with a negligible floor, so that the floored density is the Gaussian where robots go. */
const gaussian = new Target({ type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [mean[0], mean[1]], sigma }] }, domain, { floor: 1e-4 });

test('the drift is D grad log rho_bar: -D (x - mu) / (sigma^2 + s^2) for a Gaussian smoothed at s', () => {
  const D = 0.03;
  const dynamics = new LangevinDynamics(gaussian, { diffusivity: D, seed: 1 });
  const s = dynamics.gradient.smoothing;
  const p = Float64Array.from([0.1, -0.05, 0.4, 0.2, -0.3, -0.4, 0.5, -0.5, 0.0, 0.45, -0.2, 0.3]);
  const v = new Float64Array(p.length);
  dynamics.velocities(p, v, 0);
  for (let i = 0; i < p.length; i++) {
    const exact = (-D * (p[i] - mean[i % 2])) / (sigma ** 2 + s ** 2);
    assert.ok(Math.abs(v[i] - exact) < 1e-4 * (D / sigma), `component ${i}: ${v[i]} against ${exact}`);
    // Against the unsmoothed target: within the smoothing's share (s / sigma)^2.
    const raw = (-D * (p[i] - mean[i % 2])) / sigma ** 2;
    assert.ok(Math.abs(v[i] - raw) <= 1.01 * (s / sigma) ** 2 * Math.abs(raw) + 1e-12);
  }
});

test('the noise is seeded: same seed, same velocities; another seed, others; its spread is sqrt(2 D / dt)', () => {
  const p = uniformInBox(2000, { xmin: -0.5, xmax: 0.5, ymin: -0.5, ymax: 0.5 }, createRng(4));
  const run = (seed: number) => {
    const v = new Float64Array(p.length);
    new LangevinDynamics(gaussian, { diffusivity: 0.02, seed }).velocities(p, v, 0.1);
    return v;
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
  const drift = new Float64Array(p.length);
  new LangevinDynamics(gaussian, { diffusivity: 0.02, seed: 7 }).velocities(p, drift, 0);
  const v = run(7);
  let sum2 = 0;
  for (let i = 0; i < p.length; i++) sum2 += (v[i] - drift[i]) ** 2;
  const spread = Math.sqrt(sum2 / p.length);
  assert.ok(Math.abs(spread / Math.sqrt((2 * 0.02) / 0.1) - 1) < 0.03, `noise std ${spread}`);
});

test('the swarm settles on the target: mean and covariance of a Gaussian, from a uniform start', () => {
  const n = 400;
  const p = uniformInBox(n, domain, createRng(1));
  const stepper = new LangevinStepper(gaussian, { diffusivity: 0.05, seed: 3, domain });
  const s2 = sigma ** 2 + new LangevinDynamics(gaussian, { diffusivity: 0.05, seed: 0 }).gradient.smoothing ** 2;
  let mx = 0;
  let my = 0;
  let vx = 0;
  let vy = 0;
  let cxy = 0;
  let count = 0;
  // Relaxation time sigma^2 / D = 1.25 s; average over snapshots from t = 5 s to 10 s.
  for (let k = 1; k <= 1000; k++) {
    stepper.step(p, 0.01);
    if (k < 500 || k % 25 !== 0) continue;
    for (let i = 0; i < n; i++) {
      const dx = p[2 * i] - mean[0];
      const dy = p[2 * i + 1] - mean[1];
      mx += dx;
      my += dy;
      vx += dx * dx;
      vy += dy * dy;
      cxy += dx * dy;
      count++;
    }
  }
  // Uniform start: variance 1/3 per axis and mean 0, against 0.063 and (0.1, -0.05).
  assert.ok(Math.abs(mx / count) < 0.02 && Math.abs(my / count) < 0.02, `mean offset (${mx / count}, ${my / count})`);
  assert.ok(Math.abs(vx / count / s2 - 1) < 0.1 && Math.abs(vy / count / s2 - 1) < 0.1, `variances ${vx / count}, ${vy / count} against ${s2}`);
  assert.ok(Math.abs(cxy / count) < 0.1 * s2, `covariance ${cxy / count}`);
});
