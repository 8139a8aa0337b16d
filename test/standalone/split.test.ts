import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionSplit } from '../../src/standalone/split.js';

test('regionSplit: every robot in exactly one part, parts within one robot of each other in size, each a compact region', () => {
  // A 100 x 100 grid over [0, 1]^2.
  const side = 100;
  const p = new Float64Array(2 * side * side);
  for (let i = 0; i < side * side; i++) [p[2 * i], p[2 * i + 1]] = [(i % side) / side, Math.floor(i / side) / side];
  for (const k of [1, 2, 3, 4, 7, 16]) {
    const parts = regionSplit(p, k);
    assert.equal(parts.length, k);
    const seen = new Uint8Array(side * side);
    for (const part of parts) for (const i of part) seen[i]++;
    assert.ok(seen.every((c) => c === 1), `k = ${k}: every robot once`);
    const sizes = parts.map((part) => part.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1 + side / 100, `k = ${k}: sizes ${sizes}`);
    for (const part of parts) {
      assert.deepEqual(part, [...part].sort((a, b) => a - b), 'indices ascending');
      const xs = part.map((i) => p[2 * i]);
      const ys = part.map((i) => p[2 * i + 1]);
      const area = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
      // A block of names would span the whole width; a region is about 1/k of the square (grid rounding aside).
      assert.ok(area <= 1.5 / k + 0.05, `k = ${k}: a part's bounding box covers ${area.toFixed(3)} of the square`);
    }
  }
  assert.deepEqual(regionSplit(p, 4), regionSplit(p, 4), 'deterministic');
  assert.throws(() => regionSplit(p, 0), /parts must be an integer from 1/);
});
