import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObstacleMap, Target } from '../../src/engine/index.js';
import { VoronoiCentroids } from '../../src/engine/laws/lloyd.js';
import { GeodesicPropagation, buildFreeGrid, nearestNode } from '../../src/engine/target/geodesic.js';

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
const uniform = { type: 'mixture', components: [{ type: 'uniform', weight: 1 }] } as const;
/** A wall at x in [1.95, 2.05] with a door at y in [0.4, 1.0]. */
const wall = new ObstacleMap([
  [[1.95, 0], [2.05, 0], [2.05, 0.4], [1.95, 0.4]],
  [[1.95, 1.0], [2.05, 1.0], [2.05, 4], [1.95, 4]],
]);

test('geodesic distance goes round the wall through the door (within the 8% chamfer bound)', () => {
  const g = buildFreeGrid(domain, wall, 0.05);
  const prop = new GeodesicPropagation(g);
  prop.seed(nearestNode(g, 1.5, 3), 0, 0);
  prop.run();
  const k = nearestNode(g, 2.5, 3);
  // Shortest path: (1.5, 3) to the door's upper left corner (1.95, 1.0), across, up to (2.5, 3).
  const exact = Math.hypot(0.45, 2) + 0.1 + Math.hypot(0.45, 2);
  const d = prop.dist[k];
  assert.ok(d >= exact - 0.1 && d <= 1.08 * exact + 0.1, `geodesic ${d} against ${exact} (straight line 1)`);
  assert.equal(prop.owner[k], 0);
});

test('geodesic Lloyd cells do not reach across a wall; open rooms keep the Euclidean cells', () => {
  const target = new Target(uniform, domain, { obstacles: wall });
  const cells = new VoronoiCentroids(target, 0.05);
  // Robot 0 just left of the wall high up, robot 1 far right near the door: the strip right of the wall at the top is
  // 0.3 m from robot 0 in a straight line, but through free space robot 1 is nearer.
  const p = Float64Array.of(1.8, 3.5, 3.5, 0.7);
  const c = new Float64Array(4);
  const m = new Float64Array(2);
  cells.compute(p, c, m);
  // Robot 0's cell is the left room: its centroid is left of the wall; robot 1's holds the right room.
  assert.ok(c[0] < 1.95, `robot 0's centroid x ${c[0]} is in the left room`);
  assert.ok(c[2] > 2.05, `robot 1's centroid x ${c[2]} is in the right room`);
  // Robot 1 holds the whole right room (half the free area) and the part of the left room nearer the door.
  assert.ok(m[1] / (m[0] + m[1]) > 0.5, `robot 1's share ${m[1] / (m[0] + m[1])}`);
  const open = new VoronoiCentroids(new Target(uniform, domain), 0.05);
  open.compute(p, c, m);
  // Euclidean cells: the bisector cuts both rooms, robot 0's cell reaches right of x = 2.
  assert.ok(c[0] > 1.4, `Euclidean centroid x ${c[0]}`);
});
