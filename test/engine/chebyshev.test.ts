import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChebyshevIntegrator, chebyshev, stabilityBound, stagesFor } from '../../src/engine/flow/chebyshev.js';
import type { Flow } from '../../src/engine/flow/integrator.js';

test('the damped Chebyshev polynomial stays within [-1, 1] over [-beta(s), 0] and leaves it just beyond', () => {
  for (const eta of [0.05, 0.3]) {
    for (const s of [1, 2, 5, 12, 40]) {
      const beta = stabilityBound(s, eta);
      const w0 = 1 + eta / (s * s);
      const { t, dt } = chebyshev(s, w0);
      const w1 = t / dt;
      const R = (z: number) => chebyshev(s, w0 + w1 * z).t / t;
      for (let k = 0; k <= 400; k++) {
        const z = (-beta * k) / 400;
        assert.ok(Math.abs(R(z)) <= 1 + 1e-9, `|R(${z})| > 1 for s = ${s}`);
      }
      // beta is (1 + w0) / w1, a hair inside the exact bound 2 w0 / w1: unstable 10% beyond it (s = 1 is Euler: -2).
      if (s > 1) assert.ok(Math.abs(R(-1.1 * beta)) > 1, `s = ${s}: still stable beyond beta`);
      // First order: R(z) = 1 + z + O(z^2).
      assert.ok(Math.abs(R(-1e-4) - (1 - 1e-4)) < 1e-7);
      // beta grows like s^2 (about 1.68 s^2 at eta = 0.3).
      if (s >= 5) assert.ok(beta > 1.6 * s * s, `beta(${s}) = ${beta}`);
    }
  }
  assert.equal(stagesFor(1, 0.3), 1);
  assert.ok(stabilityBound(stagesFor(1000, 0.3), 0.3) >= 1000);
  assert.ok(stabilityBound(stagesFor(1000, 0.3) - 1, 0.3) < 1000);
});

/** E = 1/2 sum_k a_k x_k^2 over interleaved coordinates, rates a_k spread from 1 to 1e4 per second. */
function quadratic(n: number): { flow: Flow; rates: Float64Array } {
  const rates = new Float64Array(2 * n);
  for (let k = 0; k < 2 * n; k++) rates[k] = 10 ** ((4 * k) / (2 * n - 1));
  const flow: Flow = {
    length: 1,
    evaluate: (p, v) => {
      let e = 0;
      for (let k = 0; k < p.length; k++) {
        v[k] = -rates[k] * p[k];
        e += 0.5 * rates[k] * p[k] * p[k];
      }
      return e;
    },
    energy: (p) => {
      let e = 0;
      for (let k = 0; k < p.length; k++) e += 0.5 * rates[k] * p[k] * p[k];
      return e;
    },
  };
  return { flow, rates };
}

test('on a stiff quadratic gradient flow the Chebyshev steps follow the slow modes, damp the stiff ones and cost ~sqrt(stiffness)', () => {
  const { flow, rates } = quadratic(50);
  const big = 1e6;
  const integ = new ChebyshevIntegrator(flow, { domain: { xmin: -big, xmax: big, ymin: -big, ymax: big }, maxStep: 0.02 });
  const p = new Float64Array(100).fill(0.01);
  let t = 0;
  let evaluations = 0;
  let energy = flow.energy(p);
  while (t < 1 - 1e-12) {
    const r = integ.step(p, 1 - t);
    t += r.dt;
    evaluations += r.evaluations;
    assert.ok(r.energy <= energy * (1 + 1e-12), `energy rose at t = ${t}`);
    energy = r.energy;
  }
  // The slowest mode (rate 1) decays as exp(-t): first-order accurate at dt = 0.02.
  assert.ok(Math.abs(p[0] / 0.01 - Math.exp(-1)) < 0.01, `slow mode ${p[0] / 0.01} against ${Math.exp(-1)}`);
  // Every mode decayed, the stiff ones (rates up to 1e4) included.
  for (let k = 0; k < p.length; k++) assert.ok(Math.abs(p[k]) < 0.01 * Math.exp(-Math.min(1, rates[k])) * 1.05, `mode ${k} (rate ${rates[k]}) did not decay`);
  // Explicit Euler needs lambda t / 2 = 5,000 evaluations at least; ~sqrt(lambda / dt) per second is ~700.
  assert.ok(integ.stiffness > 0.8e4 && integ.stiffness < 1.2e4, `stiffness estimate ${integ.stiffness}`);
  assert.ok(evaluations < 1500, `${evaluations} evaluations`);
});
