import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MmdMetric, Target, createRng, targetSampler, uniformInBox } from '../../src/engine/index.js';
import type { DensitySpec } from '../../src/engine/index.js';
import { MultiScaleStepper, multiScaleEpsilon, NeumannBlobField } from '../../src/engine/field/bandwidth.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const N = 100;
const targets: [string, DensitySpec][] = [
  [
    'sparse',
    {
      type: 'mixture',
      components: [
        { type: 'uniform', weight: 0.05 },
        { type: 'gaussian', weight: 0.475, mean: [0.6, 0.6], sigma: 0.15 },
        { type: 'gaussian', weight: 0.475, mean: [-0.6, 0.5], sigma: 0.15 },
      ],
    },
  ],
  [
    'public-s1',
    PUBLIC_S1,
  ],
];
const starts: [string, Float64Array][] = [
  ['uniform', uniformInBox(N, domain, createRng(7))],
  ['corner (1% of the domain)', uniformInBox(N, { xmin: -1, xmax: -0.8, ymin: -1, ymax: -0.8 }, createRng(8))],
];

for (const [tname, spec] of targets) {
  const target = new Target(spec, domain);
  const mmd = new MmdMetric(target, 0.1);
  const sample = targetSampler(target);
  const rng = createRng(11);
  const iid = Array.from({ length: 100 }, () => mmd.evaluate(sample(N, rng))).sort((a, b) => a - b);
  const median = (iid[49] + iid[50]) / 2;
  for (const [sname, start] of starts) {
    test(`multi-scale flow on ${tname} from a ${sname} start beats the i.i.d. median squared MMD; E never rises; robots stay inside`, () => {
      const stepper = new MultiScaleStepper(target, { epsilon: multiScaleEpsilon(domain, N), diffusivity: 1 }, { domain });
      const p = Float64Array.from(start);
      let t = 0;
      let last = Infinity;
      while (t < 20 - 1e-12) {
        const before = stepper.weights.slice();
        const r = stepper.step(p, 20 - t);
        t += r.dt;
        assert.ok(r.energy <= last * (1 + 1e-12), `total energy rose at t = ${t}`);
        // The weights never increase, so the energy at the new weights is at most the step's energy.
        for (let s = 0; s < before.length; s++) assert.ok(stepper.weights[s] <= before[s]);
        last = r.energy;
      }
      for (let i = 0; i < p.length; i += 2) assert.ok(p[i] >= -1 && p[i] <= 1 && p[i + 1] >= -1 && p[i + 1] <= 1);
      const final = mmd.evaluate(p);
      assert.ok(final < median, `final squared MMD ${final} vs i.i.d. median ${median}`);
    });
  }
}

test('Neumann blob field: velocities are minus D grad E / m (finite differences), and zero normal speed on a wall', () => {
  const target = new Target(targets[0][1], domain);
  for (const smoothTarget of [false, true]) {
    const field = new NeumannBlobField(target, { epsilon: smoothTarget ? 0.3 : 0.1, diffusivity: 1, smoothTarget });
    const p = uniformInBox(20, domain, createRng(3));
    p[0] = 0.97;
    p[1] = -0.99;
    const v = new Float64Array(p.length);
    field.evaluate(p, v);
    for (const k of [0, 1, 6, 7]) {
      const h = 1e-6;
      const q = Float64Array.from(p);
      q[k] += h;
      const ep = field.energy(q);
      q[k] -= 2 * h;
      const em = field.energy(q);
      const fd = (-(ep - em) / (2 * h)) * 20;
      assert.ok(Math.abs(fd - v[k]) <= 1e-5 * Math.max(1, Math.abs(v[k])), `${smoothTarget} ${k}: ${v[k]} vs ${fd}`);
    }
    // A robot exactly on a wall: its image coincides with it, so the normal component vanishes.
    p[2] = 1;
    field.evaluate(p, v);
    assert.ok(Math.abs(v[2]) < 1e-9 * Math.max(1, Math.abs(v[3])), `normal speed ${v[2]} on the wall`);
  }
});
