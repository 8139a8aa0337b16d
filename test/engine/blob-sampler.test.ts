import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MmdMetric, Target, blobSample, createRng, targetSampler } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/presets.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };

test('the blob sampler is deterministic (same seed, same points bit for bit; another seed, other points) and beats i.i.d. samples', () => {
  const target = new Target(PUBLIC_S1, domain);
  const a = blobSample(target, 400, { seed: 5 });
  const b = blobSample(target, 400, { seed: 5 });
  assert.deepEqual([...a], [...b]);
  const c = blobSample(target, 400, { seed: 6 });
  assert.notDeepEqual([...a], [...c]);
  for (const v of a) assert.ok(v >= -1 && v <= 1, 'a sample left the domain');
  const mmd = new MmdMetric(target, 0.1);
  const sample = targetSampler(target);
  const rng = createRng(7);
  const iid = Array.from({ length: 21 }, () => mmd.evaluate(sample(400, rng))).sort((x, y) => x - y)[10];
  assert.ok(mmd.evaluate(a) < 0.2 * iid, `blob samples ${mmd.evaluate(a)} vs i.i.d. median ${iid}`);
});
