import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LloydCost, MmdMetric, PointIndex, Target, createRng, nearestNeighbourStats, uniformInBox } from '../../src/engine/index.js';

const big = { xmin: -3, xmax: 3, ymin: -3, ymax: 3 };

test('squared MMD matches the closed form for a Gaussian target', () => {
  const S = 0.3;
  const sigma = 0.1;
  const target = new Target({ type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [0.2, -0.1], sigma: S }] }, big);
  const mmd = new MmdMetric(target, sigma);
  const p = uniformInBox(50, { xmin: -0.5, xmax: 0.5, ymin: -0.5, ymax: 0.5 }, createRng(4));
  const n = p.length / 2;
  let xx = 0;
  let xy = 0;
  const s2 = sigma * sigma;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) xx += Math.exp(-((p[2 * i] - p[2 * j]) ** 2 + (p[2 * i + 1] - p[2 * j + 1]) ** 2) / (2 * s2));
    const d2 = (p[2 * i] - 0.2) ** 2 + (p[2 * i + 1] + 0.1) ** 2;
    xy += (s2 / (s2 + S * S)) * Math.exp(-d2 / (2 * (s2 + S * S)));
  }
  const exact = xx / (n * n) - (2 * xy) / n + s2 / (s2 + 2 * S * S);
  const got = mmd.evaluate(p);
  assert.ok(Math.abs(got - exact) < 1e-6 * Math.max(exact, 1e-3), `${got} vs ${exact}`);
});

test('squared MMD is ~0 for the target itself approximated by many samples, and large for a point mass', () => {
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, { xmin: 0, xmax: 1, ymin: 0, ymax: 1 });
  const mmd = new MmdMetric(target, 0.1);
  const lattice = new Float64Array(2 * 40 * 40);
  for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) lattice.set([(i + 0.5) / 40, (j + 0.5) / 40], 2 * (i * 40 + j));
  assert.ok(mmd.evaluate(lattice) < 1e-5);
  assert.ok(mmd.evaluate(Float64Array.from([0.5, 0.5])) > 0.5);
});

test('nearest-neighbour distances match brute force', () => {
  const p = uniformInBox(300, { xmin: -1, xmax: 2, ymin: 0, ymax: 0.5 }, createRng(9));
  const n = p.length / 2;
  const brute = new Float64Array(n).fill(Infinity);
  const third = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d: number[] = [];
    for (let j = 0; j < n; j++) if (j !== i) d.push(Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]));
    d.sort((a, b) => a - b);
    brute[i] = d[0];
    third[i] = d[2];
  }
  const index = new PointIndex(p);
  const nn = index.nearestNeighbourDistances();
  const k3 = index.kthNeighbourDistances(3);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(nn[i] - brute[i]) < 1e-12, `robot ${i}: ${nn[i]} vs ${brute[i]}`);
    assert.ok(Math.abs(k3[i] - third[i]) < 1e-12, `robot ${i}: ${k3[i]} vs ${third[i]}`);
  }
  const s = nearestNeighbourStats(p);
  assert.ok(Math.abs(s.min - Math.min(...brute)) < 1e-12);
  assert.ok(Math.abs(s.mean - brute.reduce((a, b) => a + b, 0) / n) < 1e-12);
});

test("Lloyd's cost of one robot at the centre of a uniform square is the square's polar moment", () => {
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, { xmin: -1, xmax: 1, ymin: -1, ymax: 1 });
  const lloyd = new LloydCost(target, 256);
  // Int over [-1,1]^2 of (x^2 + y^2) / 4 = 2/3.
  assert.ok(Math.abs(lloyd.evaluate(Float64Array.from([0, 0])) - 2 / 3) < 1e-4);
  // Four robots at the quadrant centres: each quadrant contributes (1/6) * (1/4) -> 1/6 in all.
  assert.ok(Math.abs(lloyd.evaluate(Float64Array.from([0.5, 0.5, -0.5, 0.5, 0.5, -0.5, -0.5, -0.5])) - 1 / 6) < 1e-4);
});

test('a stepwise MMD evaluation gives, slice by slice, exactly what evaluate gives, and a new one abandons the last', () => {
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 0.3 }, { type: 'gaussian', weight: 0.7, mean: [0.2, -0.1], sigma: 0.3 }] }, { xmin: -1, xmax: 1, ymin: -1, ymax: 1 });
  const mmd = new MmdMetric(target, 0.1);
  const rng = createRng(5);
  const p = new Float64Array(2 * 203).map(() => 2 * rng.next() - 1);
  const whole = mmd.evaluate(p);
  const step = mmd.stepwise(p);
  p.fill(0); // copied at the start: later moves do not change it
  const results: (number | undefined)[] = [];
  for (let k = 0; k < 10; k++) results.push(step.advance(25));
  assert.deepEqual(results.slice(0, 8), new Array(8).fill(undefined), 'not done before 203 robots are in');
  assert.equal(results[8], whole, 'bit for bit');
  const first = mmd.stepwise(p);
  mmd.stepwise(p);
  assert.throws(() => first.advance(10), /abandoned/);
  assert.equal(mmd.stepwise(new Float64Array(0)).advance(1), mmd.evaluate(new Float64Array(0)), 'no robot: the target term alone');
});
