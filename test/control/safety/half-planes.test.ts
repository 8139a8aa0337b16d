import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HALF_PLANE_TOLERANCE, closestInHalfPlanes } from '../../../src/control/safety/half-planes.js';
import { createRng } from '../../../src/engine/index.js';

// The incremental solver against the brute force it replaced: the closest point of the half-planes a . x >= b to u is
// u, or u's projection on one line, or a vertex of two lines; the nearest of those that meets every constraint.

/** Least violation of the constraints at (x, y) (negative: some constraint is broken by that much). */
function slack(c: Float64Array, m: number, x: number, y: number): number {
  let worst = Infinity;
  for (let k = 0; k < m; k++) worst = Math.min(worst, c[3 * k] * x + c[3 * k + 1] * y - c[3 * k + 2]);
  return worst;
}

/** The brute-force closest point, or null when no candidate meets every constraint within `tol`. */
function bruteForce(c: Float64Array, m: number, ux: number, uy: number, tol: number): [number, number] | null {
  const candidates: [number, number][] = [[ux, uy]];
  for (let k = 0; k < m; k++) {
    const [ax, ay, b] = [c[3 * k], c[3 * k + 1], c[3 * k + 2]];
    const aa = ax * ax + ay * ay;
    if (aa === 0) continue;
    const s = (b - ax * ux - ay * uy) / aa;
    candidates.push([ux + s * ax, uy + s * ay]);
    for (let j = k + 1; j < m; j++) {
      const det = ax * c[3 * j + 1] - ay * c[3 * j];
      if (Math.abs(det) < 1e-9 * Math.sqrt(aa * (c[3 * j] ** 2 + c[3 * j + 1] ** 2))) continue;
      candidates.push([(b * c[3 * j + 1] - ay * c[3 * j + 2]) / det, (ax * c[3 * j + 2] - b * c[3 * j]) / det]);
    }
  }
  let best: [number, number] | null = null;
  let bestD = Infinity;
  for (const [x, y] of candidates) {
    const d = (x - ux) ** 2 + (y - uy) ** 2;
    if (d < bestD && slack(c, m, x, y) >= -tol) [best, bestD] = [[x, y], d];
  }
  return best;
}

test('closestInHalfPlanes finds the brute force\'s closest point, and the same empty intersections (3,000 random problems)', () => {
  const rng = createRng(7);
  const r = (): number => rng.next();
  let empty = 0;
  let moved = 0;
  for (let trial = 0; trial < 3000; trial++) {
    // Robot-like problems: unit normals around the robot, right-hand sides mostly <= 0 (safe), some > 0 (inside a
    // barrier), sometimes all along one heading (a unicycle's: parallel lines), repeated lines and a zeroed one.
    const m = 1 + Math.floor(r() * 16);
    const c = new Float64Array(3 * m);
    const heading = r() < 0.2 ? 2 * Math.PI * r() : null;
    for (let k = 0; k < m; k++) {
      const a = heading !== null ? heading + (r() < 0.5 ? 0 : Math.PI) : 2 * Math.PI * r();
      const scale = heading !== null ? r() : 1;
      c[3 * k] = scale * Math.cos(a);
      c[3 * k + 1] = scale * Math.sin(a);
      c[3 * k + 2] = r() < 0.15 ? 0.2 * r() : -0.3 * r();
      if (k > 0 && r() < 0.05) c.copyWithin(3 * k, 3 * (k - 1), 3 * k);
    }
    if (r() < 0.05) c.fill(0, 0, 3);
    const ux = 2 * r() - 1;
    const uy = 2 * r() - 1;
    const out = new Float64Array(4).fill(Number.NaN);
    const found = closestInHalfPlanes(c, 0, m, ux, uy, out, 1);
    const expected = bruteForce(c, m, ux, uy, HALF_PLANE_TOLERANCE);
    assert.equal(found, expected !== null, `trial ${trial}: feasible ${found}, brute force ${expected !== null}`);
    if (!found) {
      empty++;
      assert.ok(Number.isNaN(out[2]) && Number.isNaN(out[3]), 'out is left as it was');
      continue;
    }
    const [x, y] = [out[2], out[3]];
    assert.ok(Number.isNaN(out[0]), 'only slot i is written');
    assert.ok(slack(c, m, x, y) >= -HALF_PLANE_TOLERANCE, `trial ${trial}: the point breaks a constraint by ${-slack(c, m, x, y)}`);
    assert.ok(Math.hypot(x - expected![0], y - expected![1]) < 1e-9, `trial ${trial}: (${x}, ${y}) against (${expected})`);
    if (x !== ux || y !== uy) moved++;
  }
  // The cases bind: most problems move u, and some have no common point.
  assert.ok(moved > 1500 && empty > 100, `moved ${moved}, empty ${empty}`);
});

test('closestInHalfPlanes: a feasible u is returned as it is; constraints after `to` are not read', () => {
  const c = Float64Array.of(1, 0, -1, 0, 1, -1, 1, 0, 5);
  const out = new Float64Array(2);
  assert.equal(closestInHalfPlanes(c, 0, 2, 0.25, -0.5, out, 0), true);
  assert.deepEqual([...out], [0.25, -0.5]);
  // One line: u's projection on it.
  assert.equal(closestInHalfPlanes(c, 2, 3, 0.25, -0.5, out, 0), true);
  assert.deepEqual([...out], [5, -0.5]);
  // Opposite half-planes with no common point.
  assert.equal(closestInHalfPlanes(Float64Array.of(1, 0, 1, -1, 0, 0), 0, 2, 0, 0, out, 0), false);
});
