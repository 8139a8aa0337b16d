import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObstacleMap, occupancyFromIntensity } from '../../src/engine/index.js';

test('an occupancy raster becomes its merged border segments; membership by cell', () => {
  // 3 x 2 cells of 0.5 m from (1, 1): the two left cells of the top row occupied (an L would give more edges).
  const raster = occupancyFromIntensity({ width: 3, height: 2, values: Float64Array.of(0, 0, 1, 1, 1, 1), resolution: 0.5, origin: [1, 1] }, 0.65);
  assert.deepEqual([...raster.occupied], [1, 1, 0, 0, 0, 0]);
  const map = new ObstacleMap([], [raster]);
  // The occupied block is [1, 2] x [1.5, 2]: a rectangle, four merged segments.
  assert.equal(map.segments.length / 4, 4);
  assert.ok(map.contains(1.2, 1.8) && map.contains(1.9, 1.6));
  assert.ok(!map.contains(2.2, 1.8) && !map.contains(1.2, 1.2) && !map.contains(0.5, 1.8));
  assert.ok(Math.abs(map.distanceToEdge(1.5, 1.2, 1) - 0.3) < 1e-12);
  assert.equal(map.distanceToEdge(1.5, 0.2, 1), Infinity, 'nothing within range');
});

test('visitEdges finds every edge within range exactly once, whatever the bucket size', () => {
  const star: [number, number][] = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 ? 0.4 : 1;
    star.push([5 + r * Math.cos((k * Math.PI) / 5), 5 + r * Math.sin((k * Math.PI) / 5)]);
  }
  const map = new ObstacleMap([star, [[0, 0], [9, 0.1], [0.1, 0.2]]]);
  const seg = map.segments;
  for (const [x, y, range] of [[5, 5, 0.5], [5, 6.2, 0.4], [4.5, 0.1, 0.3], [2, 8, 10]]) {
    const seen: string[] = [];
    map.visitEdges(x, y, range, (cx, cy) => seen.push(`${cx.toFixed(9)},${cy.toFixed(9)}`));
    let expected = 0;
    for (let k = 0; k < seg.length; k += 4) {
      const [ax, ay, dx, dy] = [seg[k], seg[k + 1], seg[k + 2] - seg[k], seg[k + 3] - seg[k + 1]];
      const u = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      if (Math.hypot(ax + u * dx - x, ay + u * dy - y) <= range) expected++;
    }
    assert.equal(seen.length, expected, `at (${x}, ${y}) within ${range}`);
  }
  assert.ok(map.contains(5, 5) && !map.contains(5.8, 5.4), 'even-odd rule on the star');
});
