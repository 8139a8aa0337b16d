import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MultiScaleStepper, multiScaleEpsilon } from '../../src/engine/field/bandwidth.js';
import { meanSpacing } from '../../src/engine/flow/epsilon.js';
import type { Box, DensitySpec, Positions } from '../../src/engine/index.js';
import { MmdMetric, PointIndex, SeparationTerm, Target, createRng, targetSampler, uniformInBox } from '../../src/engine/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioTarget } from '../../src/scenario/setup.js';

const square: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };

test('the separation term is the gradient flow of its energy (finite differences) and vanishes beyond its range', () => {
  const n = 60;
  const term = new SeparationTerm(square, { fraction: 0.25, diffusivity: 0.7 });
  const range = term.rangeFor(n);
  const p = uniformInBox(n, { xmin: -0.2, xmax: 0.2, ymin: -0.2, ymax: 0.2 }, createRng(5)); // many pairs within range
  const v = new Float64Array(2 * n);
  term.evaluate(p, v);
  const h = 1e-7;
  let worst = 0;
  let largest = 0;
  for (let k = 0; k < 2 * n; k++) {
    const q = Float64Array.from(p);
    q[k] += h;
    const up = term.energy(q);
    q[k] -= 2 * h;
    const down = term.energy(q);
    const expected = (-0.7 * (up - down)) / (2 * h) / (1 / n); // v = -D grad E / m
    worst = Math.max(worst, Math.abs(v[k] - expected));
    largest = Math.max(largest, Math.abs(v[k]));
  }
  assert.ok(largest > 0, 'some pair is within range');
  assert.ok(worst < 1e-5 * largest, `velocity differs from -D grad E / m by ${worst} (largest ${largest})`);
  // Two robots just beyond the range feel nothing.
  const apart = Float64Array.from([0, 0, 1.001 * term.rangeFor(2), 0]);
  const w = new Float64Array(4);
  assert.equal(term.evaluate(apart, w), 0);
  assert.deepEqual([...w], [0, 0, 0, 0]);
  assert.ok(range > 0);
});

function closest(p: Positions): number {
  let m = Infinity;
  for (const d of new PointIndex(p).nearestNeighbourDistances()) m = Math.min(m, d);
  return m;
}

function run(target: Target, start: Positions, duration: number, separation?: number): Positions {
  const n = start.length / 2;
  const d = target.domain;
  const stepper = new MultiScaleStepper(target, { epsilon: multiScaleEpsilon(d, n), diffusivity: 1, separation }, { domain: d });
  const p = Float64Array.from(start);
  let t = 0;
  while (t < duration - 1e-12) t += stepper.step(p, duration - t).dt;
  return p;
}

function iidMedian(target: Target, mmd: MmdMetric, n: number): number {
  const sample = targetSampler(target);
  const rng = createRng(7);
  const v = Array.from({ length: 21 }, () => mmd.evaluate(sample(n, rng))).sort((a, b) => a - b);
  return v[10];
}

const NARROW: DensitySpec = {
  type: 'mixture',
  components: [
    { type: 'uniform', weight: 0.1 },
    { type: 'gaussian', weight: 0.45, mean: [0.5, 0.5], sigma: 0.1 },
    { type: 'gaussian', weight: 0.45, mean: [-0.5, -0.3], sigma: 0.1 },
  ],
};
const MIXTURE: DensitySpec = {
  type: 'mixture',
  components: [
    { type: 'uniform', weight: 0.1 },
    { type: 'gaussian', weight: 0.35, mean: [0.35, 0.4], cov: [[0.08, 0.05], [0.05, 0.06]] },
    { type: 'gaussian', weight: 0.3, mean: [-0.5, -0.3], cov: [[0.02, -0.01], [-0.01, 0.09]] },
    { type: 'gaussian', weight: 0.25, mean: [0.5, -0.55], cov: [[0.05, 0], [0, 0.01]] },
  ],
};
const corner = { xmin: -0.96, xmax: -0.76, ymin: -0.96, ymax: -0.76 };

test('without the separation term the multiscale flow stacks robots on an anisotropic mixture (what the term fixes)', () => {
  const target = new Target(MIXTURE, square);
  const p = run(target, uniformInBox(300, square, createRng(3)), 10, 0);
  assert.ok(closest(p) < 0.01 * meanSpacing(square, 300), `closest pair ${closest(p)} m`);
});

const cases: [string, () => Target, (n: number, t: Target) => Positions, boolean][] = [
  ['an anisotropic mixture over a floor, spread start', () => new Target(MIXTURE, square), (n) => uniformInBox(n, square, createRng(3)), false],
  ['narrow bumps (sigma 0.1, 90% of the mass), clustered start', () => new Target(NARROW, square), (n) => uniformInBox(n, corner, createRng(4)), true],
  ['narrow bumps (sigma 0.1, 90% of the mass), spread start', () => new Target(NARROW, square), (n) => uniformInBox(n, square, createRng(3)), true],
  ['a formula (the ring scenario), clustered start', () => scenarioTarget(loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'ring.yaml'))), (n) => uniformInBox(n, { xmin: -0.2, xmax: 0.2, ymin: -0.2, ymax: 0.2 }, createRng(4)), false],
  ['a map image (the floor scenario), spread start', () => scenarioTarget(loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'floor.yaml'))), (n, t) => uniformInBox(n, t.domain, createRng(3)), false],
];

for (const [name, makeTarget, makeStart, sparse] of cases) {
  test(`no stacking by design on ${name}: no two robots closer than 0.2 x the mean spacing${sparse ? ', and at most half the i.i.d. MMD' : ''}`, () => {
    const n = 300;
    const target = makeTarget();
    const d = target.domain;
    const p = run(target, makeStart(n, target), 10);
    const h = meanSpacing(d, n);
    assert.ok(closest(p) >= 0.2 * h, `closest pair ${(closest(p) / h).toFixed(3)} x the mean spacing`);
    if (sparse) {
      const mmd = new MmdMetric(target, 0.05 * Math.sqrt((d.xmax - d.xmin) * (d.ymax - d.ymin)));
      const ratio = mmd.evaluate(p) / iidMedian(target, mmd, n);
      assert.ok(ratio <= 0.5, `MMD^2 ${ratio.toFixed(3)} x the i.i.d. median`);
    }
  });
}
