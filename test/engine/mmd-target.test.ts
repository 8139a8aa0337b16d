import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DensitySpec, Positions } from '../../src/engine/index.js';
import { MmdMetric, Target, createRng, targetSampler, uniformInBox } from '../../src/engine/index.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
/** Nearly all the domain is empty: two narrow bumps and nothing else. */
const EMPTY_AROUND: DensitySpec = {
  type: 'mixture',
  components: [
    { type: 'gaussian', weight: 0.5, mean: [0.5, 0.5], sigma: 0.1 },
    { type: 'gaussian', weight: 0.5, mean: [-0.5, -0.4], sigma: 0.1 },
  ],
};

/** Squared MMD between two point sets by the plain double sums (Gaussian kernel of bandwidth bw). */
function sampleMmd2(p: Positions, q: Positions, bw: number): number {
  const k = (a: Positions, b: Positions) => {
    let s = 0;
    for (let i = 0; i < a.length; i += 2) {
      for (let j = 0; j < b.length; j += 2) s += Math.exp(-((a[i] - b[j]) ** 2 + (a[i + 1] - b[j + 1]) ** 2) / (2 * bw * bw));
    }
    return s / (a.length / 2) / (b.length / 2);
  };
  return k(p, p) - 2 * k(p, q) + k(q, q);
}

test('the reported MMD is against the target as given: it matches the sample estimator on a near-empty target and ignores the floor', () => {
  const target = new Target(EMPTY_AROUND, domain);
  const mmd = new MmdMetric(target, 0.1);
  const reference = targetSampler(target)(5000, createRng(1));
  const swarms: [string, Positions][] = [
    ['i.i.d. target samples', targetSampler(target)(300, createRng(9))],
    ['uniform over the domain (most robots where the target is empty)', uniformInBox(300, domain, createRng(3))],
    ['all on one bump', uniformInBox(300, { xmin: 0.45, xmax: 0.55, ymin: 0.45, ymax: 0.55 }, createRng(2))],
  ];
  for (const [name, p] of swarms) {
    const grid = mmd.evaluate(p);
    const exact = sampleMmd2(p, reference, 0.1);
    // The sample estimate has its own error ~ 1/sqrt(5000) of the kernel's scale.
    assert.ok(Math.abs(grid - exact) < 0.05 * exact + 3e-4, `${name}: grid ${grid} vs samples ${exact}`);
    // The floor (what the blob field divides by) plays no part in the metric.
    const floored = new MmdMetric(new Target(EMPTY_AROUND, domain, { floor: 0.5 }), 0.1);
    assert.ok(Math.abs(floored.evaluate(p) - grid) < 1e-12 * Math.max(1, grid), `${name}: the floor changed the MMD`);
  }
});
