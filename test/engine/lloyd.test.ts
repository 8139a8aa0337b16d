import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LloydCost, LloydStepper, ObstacleMap, Target, VoronoiCentroids, createRng, lloydGridSpacing, uniformInBox } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';

const uniform = { type: 'mixture', components: [{ type: 'uniform', weight: 1 }] } as const;
const box = { xmin: 0, xmax: 2, ymin: 0, ymax: 1 };

test("two robots in a uniform box: each cell is the half on its side of the bisector, centroids and masses exact to the grid", () => {
  const target = new Target(uniform, box);
  const cells = new VoronoiCentroids(target, 2 / 128);
  const h = cells.grid.hx;
  const c = new Float64Array(4);
  const m = new Float64Array(2);
  // Symmetric about x = 1: the two halves.
  cells.compute(Float64Array.from([0.3, 0.4, 1.7, 0.4]), c, m);
  assert.deepEqual(Array.from(c).map((v) => Number(v.toFixed(12))), [0.5, 0.5, 1.5, 0.5]);
  assert.ok(Math.abs(m[0] - 0.5) < 1e-12 && Math.abs(m[1] - 0.5) < 1e-12, `masses ${m[0]}, ${m[1]}`);
  // Bisector at x = 0.6: [0, 0.6] and [0.6, 2], centroids 0.3 and 1.3, masses 0.3 and 0.7 (to half a node).
  const cost = cells.compute(Float64Array.from([0.2, 0.5, 1.0, 0.5]), c, m);
  assert.ok(Math.abs(c[0] - 0.3) <= h / 2 && Math.abs(c[2] - 1.3) <= h / 2, `centroids ${c[0]}, ${c[2]}`);
  assert.ok(Math.abs(c[1] - 0.5) < 1e-12 && Math.abs(c[3] - 0.5) < 1e-12);
  assert.ok(Math.abs(m[0] - 0.3) <= h / 2 && Math.abs(m[0] + m[1] - 1) < 1e-12, `masses ${m[0]}, ${m[1]}`);
  // H in closed form: Int over each half of |y - x_i|^2 / 2 dy.
  const exact = (a: number, b: number, x: number) => (((b - x) ** 3 - (a - x) ** 3) / 3 + (b - a) / 12) / 2;
  assert.ok(Math.abs(cost - (exact(0, 0.6, 0.2) + exact(0.6, 2, 1.0))) < 2e-3 * cost, `H ${cost}`);
});

test('the propagated cells are the nearest-robot cells: H agrees with a brute-force assignment and the metric', () => {
  const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
  const target = new Target(PUBLIC_S1, domain);
  const p = uniformInBox(200, domain, createRng(5));
  const cells = new VoronoiCentroids(target, lloydGridSpacing(domain, 200));
  const cost = cells.compute(p, new Float64Array(400));
  const g = cells.grid;
  let brute = 0;
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      const w = cells.weights[j * g.nx + i];
      if (w === 0) continue;
      let best = Infinity;
      for (let q = 0; q < 200; q++) best = Math.min(best, (g.x0 + i * g.hx - p[2 * q]) ** 2 + (g.y0 + j * g.hy - p[2 * q + 1]) ** 2);
      brute += w * best;
    }
  }
  // A few nodes next to Voronoi edges may go to a neighbour of their nearest robot (measured: 5e-7 relative here).
  assert.ok(cost >= brute && cost - brute < 1e-5 * brute, `propagated ${cost}, brute force ${brute}`);
  // The engine's metric (unfloored density, 128 cells a side) agrees to the floor's share of the mass.
  assert.ok(Math.abs(cost - new LloydCost(target).evaluate(p)) < 0.02 * cost);
});

test("Lloyd's cost never rises under the law, and the swarm settles on its centroids", () => {
  const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
  const target = new Target(PUBLIC_S1, domain);
  const p = uniformInBox(30, { xmin: -1, xmax: -0.5, ymin: -1, ymax: -0.5 }, createRng(2));
  const stepper = new LloydStepper(target, { gain: 5, domain, maxSpeed: 0.5 });
  let last = Infinity;
  let first = 0;
  for (let k = 0; k < 400; k++) {
    const r = stepper.step(p, 0.1);
    assert.ok(r.energy <= last * (1 + 1e-12), `H rose at step ${k}: ${last} -> ${r.energy}`);
    if (k === 0) first = r.energy;
    last = r.energy;
  }
  assert.ok(last < first / 10, `H ${first} -> ${last}`);
  const c = new Float64Array(60);
  new VoronoiCentroids(target, lloydGridSpacing(domain, 30)).compute(p, c);
  for (let i = 0; i < 60; i++) assert.ok(Math.abs(c[i] - p[i]) < 0.01, `robot ${i >> 1} is ${Math.abs(c[i] - p[i])} m from its centroid`);
});

test('a centroid that falls in an obstacle moves onto the nearest free node of its cell', () => {
  const domain = { xmin: 0, xmax: 2, ymin: 0, ymax: 2 };
  const obstacles = new ObstacleMap([[[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5]]]);
  const target = new Target(uniform, domain, { obstacles });
  const cells = new VoronoiCentroids(target, 2 / 128);
  const c = new Float64Array(2);
  const m = new Float64Array(1);
  // One robot: its cell is the whole free ring, whose centroid (1, 1) is the middle of the obstacle.
  cells.compute(Float64Array.from([0.2, 0.2]), c, m);
  assert.ok(!obstacles.contains(c[0], c[1]), `centroid (${c[0]}, ${c[1]}) in the obstacle`);
  assert.ok(Math.hypot(c[0] - 1, c[1] - 1) < 0.5 + cells.grid.hx, `(${c[0]}, ${c[1]}) is not the free point nearest (1, 1)`);
  assert.ok(Math.abs(m[0] - 1) < 1e-9, 'the cell holds all the free mass');
});
