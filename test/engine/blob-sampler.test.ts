import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmdMetric, Target, blobSample, createRng, scrambledHaltonSample, targetSampler } from '../../src/engine/index.js';
import type { Positions } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioTarget } from '../../src/scenario/setup.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const scenarios = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios');

/** Median squared MMD of 21 sets of n i.i.d. samples. */
function iidMedian(target: Target, mmd: MmdMetric, n: number): number {
  const sample = targetSampler(target);
  const rng = createRng(7);
  return Array.from({ length: 21 }, () => mmd.evaluate(sample(n, rng))).sort((x, y) => x - y)[10];
}

test('the blob sampler is deterministic (same seed, same points bit for bit; another seed, other points), inside the domain', () => {
  const target = new Target(PUBLIC_S1, domain);
  const a = blobSample(target, 300, { seed: 5 });
  const b = blobSample(new Target(PUBLIC_S1, domain), 300, { seed: 5 });
  assert.deepEqual([...a], [...b]);
  const c = blobSample(target, 300, { seed: 6 });
  assert.notDeepEqual([...a], [...c]);
  for (const v of a) assert.ok(v >= -1 && v <= 1, 'a sample left the domain');
});

test('the blob sampler beats i.i.d. samples 20x at the metric bandwidth and at twice it (public-s1, N = 400)', () => {
  const target = new Target(PUBLIC_S1, domain);
  const p = blobSample(target, 400);
  for (const bandwidth of [0.1, 0.2]) {
    const mmd = new MmdMetric(target, bandwidth);
    const iid = iidMedian(target, mmd, 400);
    assert.ok(mmd.evaluate(p) < 0.05 * iid, `bandwidth ${bandwidth}: blob samples ${mmd.evaluate(p)} vs i.i.d. median ${iid}`);
  }
});

test('on the sparse target the flow improves its own scrambled Halton start 3x at both bandwidths (N = 400)', () => {
  const target = scenarioTarget(loadScenario(join(scenarios, 'sparse.yaml')));
  const start: Positions = scrambledHaltonSample(target, 400, 1);
  const p = blobSample(target, 400, { seed: 1 });
  for (const bandwidth of [0.1, 0.2]) {
    const mmd = new MmdMetric(target, bandwidth);
    assert.ok(mmd.evaluate(p) < mmd.evaluate(start) / 3, `bandwidth ${bandwidth}: flow ${mmd.evaluate(p)} vs start ${mmd.evaluate(start)}`);
  }
});

test('no sample where the target is zero (obstacles, map walls), and none stacked (closest pair at least 0.1 x the mean spacing)', () => {
  const floor = scenarioTarget(loadScenario(join(scenarios, 'floor.yaml')));
  const f = blobSample(floor, 400);
  for (let i = 0; i < 400; i++) assert.ok(floor.valueAt(f[2 * i], f[2 * i + 1]) > 0, `floor map: sample ${i} is on a wall`);
  const target = scenarioTarget(loadScenario(join(scenarios, 'obstacles.yaml')));
  const n = 400;
  const p = blobSample(target, n);
  const spacing = Math.sqrt(16 / n);
  let closest = Infinity;
  for (let i = 0; i < n; i++) {
    assert.ok(target.valueAt(p[2 * i], p[2 * i + 1]) > 0 && !target.obstacles.contains(p[2 * i], p[2 * i + 1]), `sample ${i} is inside an obstacle`);
    for (let j = i + 1; j < n; j++) closest = Math.min(closest, Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]));
  }
  assert.ok(closest > 0.1 * spacing, `closest pair ${closest} m, spacing ${spacing} m`);
});

test('the blob sampler refuses a bad count, time or start', () => {
  const target = new Target(PUBLIC_S1, domain);
  assert.throws(() => blobSample(target, 0), /positive integer/);
  assert.throws(() => blobSample(target, 10, { time: -1 }), /time must be/);
  assert.throws(() => blobSample(target, 10, { start: 'grid' as 'iid' }), /start must be/);
});
