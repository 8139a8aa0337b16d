import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobField, MultiScaleStepper, Target, createRng, multiScaleEpsilon, reachMasses } from '../../src/engine/index.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const target = new Target({ type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [0.3, -0.2], sigma: 0.4 }] } as never, domain);

/** n robots at random, and a mark on those in the left fifth of the box (some near the wall, most far from them). */
function swarm(n: number, seed: number): { p: Float64Array; only: Uint8Array } {
  const rng = createRng(seed);
  const p = Float64Array.from({ length: 2 * n }, () => 2 * rng.next() - 1);
  const only = Uint8Array.from({ length: n }, (_, i) => (p[2 * i] < -0.6 ? 1 : 0));
  return { p, only };
}

test('reachMasses: 1/N for every robot within reach of a marked one, 0 beyond 1.71 x the reach', () => {
  const n = 2000;
  const { p, only } = swarm(n, 3);
  const r = 0.1;
  const { masses } = reachMasses(p, only, r, domain, new Float64Array(0), new Uint8Array(0));
  let zero = 0;
  for (let i = 0; i < n; i++) {
    let d = Infinity;
    for (let j = 0; j < n; j++) if (only[j]) d = Math.min(d, Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]));
    if (d <= r) assert.equal(masses[i], 1 / n, `robot ${i}, ${d} m from a marked one`);
    if (d > (1 + Math.SQRT2 / 2) * r) assert.equal(masses[i], 0, `robot ${i}, ${d} m from every marked one`);
    if (masses[i] === 0) zero++;
  }
  assert.ok(zero > n / 2, `${zero} robots left out`);
});

test('the fixed-eps field with `only`: the marked robots get exactly the velocities of the whole swarm', () => {
  const n = 3000;
  const { p, only } = swarm(n, 5);
  const field = new BlobField(target, { epsilon: 0.015, diffusivity: 1 });
  const full = new Float64Array(2 * n);
  field.evaluate(p, full);
  const { masses } = reachMasses(p, only, (2 * field.cutoff + 1) * 0.015, domain, new Float64Array(0), new Uint8Array(0));
  assert.ok(masses.filter((m) => m === 0).length > n / 2, 'most robots are not deposited');
  const part = new Float64Array(2 * n);
  field.evaluate(p, part, masses, undefined, only);
  for (let i = 0; i < n; i++) if (only[i]) assert.deepEqual([part[2 * i], part[2 * i + 1]], [full[2 * i], full[2 * i + 1]]);
});

test('the multiscale flow with `only`: every scale deposits its own reach, the marked velocities are exact', () => {
  const n = 3000;
  const { p, only } = swarm(n, 7);
  const eps = multiScaleEpsilon(domain, n);
  const stepper = new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain });
  const full = new Float64Array(2 * n);
  const part = new Float64Array(2 * n);
  stepper.velocitiesAt(p, full, 0.1);
  stepper.velocitiesAt(p, part, 0.1, only);
  let checked = 0;
  for (let i = 0; i < n; i++) {
    if (!only[i]) continue;
    assert.deepEqual([part[2 * i], part[2 * i + 1]], [full[2 * i], full[2 * i + 1]]);
    checked++;
  }
  assert.ok(checked > 400, `${checked} marked robots`);
});
