import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiScaleStepper, multiScaleEpsilon } from '../../src/engine/field/bandwidth.js';
import type { Box, DensitySpec, Positions } from '../../src/engine/index.js';
import { FineScalePreconditioner, FlowIntegrator, MmdMetric, Target, createRng, defaultMobilitySpeed, mobility, runFlowOptions, uniformInBox } from '../../src/engine/index.js';
import type { Flow } from '../../src/engine/index.js';

const square: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const TWO_GAUSSIANS: DensitySpec = {
  type: 'mixture',
  components: [
    { type: 'gaussian', weight: 0.5, mean: [0.4, 0.3], sigma: 0.25 },
    { type: 'gaussian', weight: 0.5, mean: [-0.4, -0.4], sigma: 0.2 },
  ],
};

test('the mobility bounds every speed below vmax and leaves slow robots alone', () => {
  let last = 0;
  for (const s of [0, 1e-3, 0.1, 1, 3, 10, 1e3, 1e6]) {
    const moved = s * mobility(s, 2);
    assert.ok(moved < 2, `speed ${s} -> ${moved}`);
    assert.ok(moved >= last, 'monotone: a faster robot is never slowed below a slower one');
    last = moved;
  }
  assert.ok(Math.abs(mobility(1e-3, 2) - 1) < 1e-3);
  assert.equal(defaultMobilitySpeed(square, 1), 1); // 2 D / sqrt(|Omega|)
  // The explicit reference takes the same mobility: on E = 50 |x|^2 from 10 m away (speed 1,000 m/s) it moves below
  // vmax, the energy falls at every step, and it still reaches the minimum.
  const flow: Flow = {
    length: 1,
    evaluate: (p, v) => {
      for (let k = 0; k < p.length; k++) v[k] = -100 * p[k];
      return 50 * (p[0] * p[0] + p[1] * p[1]);
    },
    energy: (p) => 50 * (p[0] * p[0] + p[1] * p[1]),
  };
  const euler = new FlowIntegrator(flow, { domain: { xmin: -20, xmax: 20, ymin: -20, ymax: 20 }, mobilitySpeed: 2, maxStep: 0.05 });
  const p = Float64Array.from([10, 0]);
  let e = flow.energy(p);
  for (let k = 0; k < 400; k++) {
    const before = p[0];
    const r = euler.step(p, 0.05);
    assert.ok(r.maxSpeed < 2 && Math.abs(p[0] - before) <= 2 * r.dt, `step ${k}: speed ${r.maxSpeed}`);
    assert.ok(r.energy <= e);
    e = r.energy;
  }
  assert.ok(Math.abs(p[0]) < 1e-3, `ended at ${p[0]}`);
});

interface Outcome {
  readonly p: Positions;
  readonly evaluations: number;
  readonly stiffness: number;
  readonly fastest: number;
  readonly farthest: number;
}

/** The multiscale flow from a uniform start: plain, with the mobility alone, or with `run`'s options (both). */
function integrate(target: Target, n: number, duration: number, mode: 'plain' | 'mobility' | 'both'): Outcome {
  const eps = multiScaleEpsilon(square, n);
  const vmax = defaultMobilitySpeed(square, 1);
  const options =
    mode === 'plain' ? { domain: square } : mode === 'mobility' ? { domain: square, mobilitySpeed: vmax, stepLength: vmax * 0.1 } : { domain: square, ...runFlowOptions(square, eps, 1) };
  const stepper = new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, options);
  const p = uniformInBox(n, square, createRng(3));
  let t = 0;
  let evaluations = 0;
  let energy = Infinity;
  let stiffness = 0;
  let fastest = 0;
  let farthest = 0;
  while (t < duration - 1e-12) {
    const before = Float64Array.from(p);
    const r = stepper.step(p, duration - t);
    t += r.dt;
    assert.ok('evaluations' in r);
    evaluations += r.evaluations;
    stiffness = r.stiffness;
    assert.ok(r.energy <= energy * (1 + 1e-12) + 1e-15, `${mode}: energy rose at t = ${t} (${energy} -> ${r.energy})`);
    energy = r.energy;
    fastest = Math.max(fastest, r.maxSpeed);
    for (let i = 0; i < p.length; i += 2) farthest = Math.max(farthest, Math.hypot(p[i] - before[i], p[i + 1] - before[i + 1]) / Math.max(r.dt, 1e-300));
  }
  return { p, evaluations, stiffness, fastest, farthest };
}

test('run\'s flow: the mobility bounds speeds, the preconditioner caps the fine-scale stiffness, energy never rises, same coverage', () => {
  const target = new Target(TWO_GAUSSIANS, square);
  const mmd = new MmdMetric(target, 0.1);
  const n = 400;
  const plain = integrate(target, n, 4, 'plain');
  const mobile = integrate(target, n, 4, 'mobility');
  const both = integrate(target, n, 4, 'both');
  // Without the mobility the uniform start expels robots from the near-empty corners far faster than 1 m/s.
  assert.ok(plain.fastest > 5, `plain flow's fastest robot ${plain.fastest} m/s`);
  // With it, no commanded speed reaches vmax = 1 m/s, and no robot's average speed over a step exceeds it.
  assert.ok(mobile.fastest < 1, `fastest ${mobile.fastest} m/s`);
  assert.ok(mobile.farthest < 1, `fastest displacement per step ${mobile.farthest} m/s`);
  // The preconditioner mixes neighbours' velocities (G is not diagonal): the bound holds to within a few percent.
  assert.ok(both.farthest < 1.1, `fastest displacement per step ${both.farthest} m/s with the preconditioner`);
  // The fine-scale stiffness falls several-fold, and with it the evaluations.
  assert.ok(both.stiffness < plain.stiffness / 1.5, `stiffness ${both.stiffness} against ${plain.stiffness} 1/s`);
  assert.ok(both.evaluations < 0.6 * plain.evaluations, `${both.evaluations} evaluations against ${plain.evaluations}`);
  // The same stationary points: the coverage after 4 s matches the plain flow's (MMD^2 within 15%).
  const m0 = mmd.evaluate(plain.p);
  for (const [name, o] of [['mobility', mobile], ['both', both]] as const) {
    const m = mmd.evaluate(o.p);
    assert.ok(Math.abs(m - m0) < 0.15 * m0, `${name}: MMD^2 ${m} against ${m0}`);
  }
});

test('the fine-scale preconditioner is symmetric positive definite, keeps smooth velocity fields and damps rough ones', () => {
  const n = 800;
  const eps = multiScaleEpsilon(square, n);
  const g = new FineScalePreconditioner({ domain: square, epsilon: eps, diffusivity: 1, time: 0.01 });
  // Robots up to the walls (their mirror images are neighbours too).
  const p = uniformInBox(n, square, createRng(11));
  g.prepare(p);
  const rng = createRng(12);
  const random = () => Float64Array.from({ length: 2 * n }, () => rng.next() - 0.5);
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  const apply = (v: Float64Array) => {
    const w = Float64Array.from(v);
    g.apply(w);
    return w;
  };
  for (let k = 0; k < 5; k++) {
    const u = random();
    const w = random();
    const a = dot(u, apply(w));
    const b = dot(w, apply(u));
    assert.ok(Math.abs(a - b) < 1e-12 * Math.sqrt(dot(u, u) * dot(w, w)), `u.Gw = ${a}, w.Gu = ${b}`);
    assert.ok(dot(u, apply(u)) > 0);
  }
  // A smooth field (a wave across the domain) is nearly unchanged; white noise (the eps-scale modes) is cut several-fold.
  const smooth = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    smooth[2 * i] = Math.cos((Math.PI * p[2 * i + 1]) / 2);
    smooth[2 * i + 1] = Math.sin((Math.PI * p[2 * i]) / 2);
  }
  const s = apply(smooth);
  assert.ok(dot(s, smooth) / dot(smooth, smooth) > 0.85, `smooth field kept ${dot(s, smooth) / dot(smooth, smooth)}`);
  const noise = random();
  const z = apply(noise);
  assert.ok(Math.sqrt(dot(z, z) / dot(noise, noise)) < 0.35, `noise kept ${Math.sqrt(dot(z, z) / dot(noise, noise))}`);
  assert.throws(() => new FineScalePreconditioner({ domain: square, epsilon: 0, diffusivity: 1, time: 0.01 }), /epsilon must be positive/);
});
