import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NearbySelection, barrierRange } from '../../../src/control/safety/nearby.js';
import { SafetyFilter } from '../../../src/control/safety/safety.js';
import { Target, createRng } from '../../../src/engine/index.js';

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
const uniform = { type: 'mixture' as const, components: [{ type: 'uniform' as const, weight: 1 }] };
const settings = { enabled: true, robotRadius: 0.03, clearance: 0.02, gain: 2 };

test('the selection keeps every robot within the radius of a commanded one, and drops the far ones', () => {
  const rng = createRng(3).next;
  const n = 4000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const known = new Uint8Array(n).fill(1);
  const owned = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 4 * rng();
    y[i] = 4 * rng();
    owned[i] = x[i] < 1 && y[i] < 1 ? 1 : 0; // the commanded robots fill one corner
  }
  known[7] = 0;
  const radius = 0.2;
  const out = new Uint8Array(n);
  new NearbySelection().select(x, y, known, owned, radius, out);
  let selected = 0;
  for (let i = 0; i < n; i++) {
    selected += out[i];
    if (!known[i]) {
      assert.equal(out[i], 0, 'a robot without a pose is never selected');
      continue;
    }
    let nearest = Infinity;
    for (let j = 0; j < n; j++) if (owned[j] && known[j]) nearest = Math.min(nearest, Math.hypot(x[i] - x[j], y[i] - y[j]));
    if (owned[i] || nearest <= radius) assert.equal(out[i], 1, `robot ${i}, ${nearest} m from a commanded one, is selected`);
    if (nearest > 2 * Math.SQRT2 * radius + 1e-12) assert.equal(out[i], 0, `robot ${i}, ${nearest} m away, is not`);
  }
  // The corner (1/16 of the box) and a band of at most 2 sqrt(2) radius around it: about a quarter of the swarm.
  assert.ok(selected < 0.3 * n, `${selected} of ${n} selected`);
});

test('the safety filter over the selected robots gives the commanded robots the velocities it gives over the whole swarm', () => {
  const target = new Target(uniform, domain);
  const rng = createRng(11).next;
  const n = 3000;
  const side = 4 / Math.sqrt(n);
  const points = new Float64Array(2 * n);
  const movable = new Uint8Array(n);
  const radii = new Float64Array(n);
  const u = new Float64Array(2 * n);
  const maxSpeed = 0.22;
  for (let i = 0; i < n; i++) {
    // A jittered grid, a little above the separation (0.08 m) apart, every robot at the speed limit.
    points[2 * i] = ((i % Math.sqrt(n)) + 0.5 + 0.2 * (rng() - 0.5)) * side;
    points[2 * i + 1] = (Math.floor(i / Math.sqrt(n)) + 0.5 + 0.2 * (rng() - 0.5)) * side;
    const mine = points[2 * i] < 1.5 && points[2 * i + 1] < 2.5;
    movable[i] = mine ? 1 : rng() < 0.1 ? 0 : 2;
    radii[i] = mine ? 0 : 0.01 * rng();
    const a = 2 * Math.PI * rng();
    u[2 * i] = maxSpeed * Math.cos(a);
    u[2 * i + 1] = maxSpeed * Math.sin(a);
  }
  const sampled = { hold: 0.5, brake: 1 };
  const options = { maxSpeed, sampled, radii };
  const whole = Float64Array.from(u);
  const full = new SafetyFilter(target).filter(Float64Array.from(points), movable, whole, settings, options);
  assert.ok(full.modified > 100, `the filter binds (${full.modified} robots modified)`);
  let rMax = 0;
  for (const r of radii) rMax = Math.max(rMax, r);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) [x[i], y[i]] = [points[2 * i], points[2 * i + 1]];
  const pick = new Uint8Array(n);
  const owned = Uint8Array.from(movable, (m) => (m === 1 ? 1 : 0));
  new NearbySelection().select(x, y, new Uint8Array(n).fill(1), owned, barrierRange(settings, sampled, maxSpeed, rMax), pick);
  const index: number[] = [];
  for (let i = 0; i < n; i++) if (pick[i]) index.push(i);
  assert.ok(index.length < 0.6 * n, `${index.length} of ${n} robots passed to the filter`);
  const sub = (a: ArrayLike<number>, w: number): Float64Array => Float64Array.from(index.flatMap((i) => Array.from({ length: w }, (_, c) => a[w * i + c])));
  const part = sub(u, 2);
  new SafetyFilter(target).filter(sub(points, 2), Uint8Array.from(index, (i) => movable[i]), part, settings, { maxSpeed, sampled, radii: sub(radii, 1) });
  let worst = 0;
  index.forEach((i, k) => {
    if (movable[i] === 1) worst = Math.max(worst, Math.abs(part[2 * k] - whole[2 * i]), Math.abs(part[2 * k + 1] - whole[2 * i + 1]));
  });
  assert.ok(worst < 1e-12, `the commanded robots' filtered velocities differ by ${worst} m/s`);
});
