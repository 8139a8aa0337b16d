import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobField, Target, createRng, targetSampler } from '../../src/engine/index.js';
import type { Box } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';

// BlobField takes the robots tile by tile (for the cache), whatever order they come in: the result must not depend
// on that order beyond rounding, and every robot must be taken exactly once.
const DOMAIN: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const target = new Target(PUBLIC_S1, DOMAIN);

function permuted(p: Float64Array, perm: number[]): Float64Array {
  const q = new Float64Array(p.length);
  perm.forEach((j, i) => {
    q[2 * i] = p[2 * j];
    q[2 * i + 1] = p[2 * j + 1];
  });
  return q;
}

test('velocities and energy do not depend on the order of the robots', () => {
  const n = 2000;
  const p = targetSampler(target)(n, createRng(3));
  const field = new BlobField(target, { epsilon: 0.02, diffusivity: 1 });
  const v = new Float64Array(2 * n);
  const e = field.evaluate(p, v);
  const rng = createRng(4);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const w = new Float64Array(2 * n);
  const e2 = field.evaluate(permuted(p, perm), w);
  assert.ok(Math.abs(e2 - e) <= 1e-12 * e, `energy ${e2} vs ${e}`);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const j = perm[i];
    scale = Math.max(scale, Math.hypot(v[2 * j], v[2 * j + 1]));
    err = Math.max(err, Math.hypot(w[2 * i] - v[2 * j], w[2 * i + 1] - v[2 * j + 1]));
  }
  assert.ok(scale > 0);
  assert.ok(err <= 1e-12 * scale, `velocity difference ${err} of ${scale}`);
});

test('a robot off the grid or at NaN is counted once and leaves the others alone', () => {
  const p = new Float64Array([0.1, 0.2, -0.3, 0.4, 50, -50, Number.NaN, 0, 0.12, 0.21]);
  const q = new Float64Array([0.1, 0.2, -0.3, 0.4, 0.12, 0.21]);
  const field = new BlobField(target, { epsilon: 0.05, diffusivity: 1 });
  const masses = new Float64Array([0.25, 0.25, 0.25, 0.25, 0.25]);
  const v = new Float64Array(p.length);
  const e = field.evaluate(p, v, masses);
  const w = new Float64Array(q.length);
  const e2 = field.evaluate(q, w, new Float64Array([0.25, 0.25, 0.25]));
  assert.ok(Math.abs(e - e2) <= 1e-12 * e2, `energy ${e} vs ${e2}`);
  for (const [a, b] of [[0, 0], [1, 1], [4, 2]]) {
    assert.ok(Math.abs(v[2 * a] - w[2 * b]) <= 1e-12 * Math.abs(w[2 * b]) + 1e-15);
    assert.ok(Math.abs(v[2 * a + 1] - w[2 * b + 1]) <= 1e-12 * Math.abs(w[2 * b + 1]) + 1e-15);
  }
  assert.equal(v[4], 0);
  assert.equal(v[5], 0);
});
