import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObstacleMap, Target } from '../../src/engine/index.js';
import { HeatKernelField } from '../../src/engine/field/heat-kernel.js';

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
const uniform = { type: 'mixture', components: [{ type: 'uniform', weight: 1 }] } as const;
/** A closed wall at x in [1.95, 2.05] with a 0.6 m door at y in [0.4, 1.0]. */
const wall = new ObstacleMap([
  [[1.95, 0], [2.05, 0], [2.05, 0.4], [1.95, 0.4]],
  [[1.95, 1.0], [2.05, 1.0], [2.05, 4], [1.95, 4]],
]);

test('heat kernel away from walls: variance 2 eps^2 plus the bilinear deposit\'s, exactly; mass and mean kept', () => {
  const target = new Target(uniform, domain);
  const eps = 0.2;
  const field = new HeatKernelField(target, { epsilon: eps, diffusivity: 1 });
  field.energy(Float64Array.of(2.03, 1.97));
  const f = (field as unknown as { f: Float64Array }).f;
  const g = field.grid;
  let mass = 0;
  let mx = 0;
  let m2 = 0;
  for (let k = 0; k < f.length; k++) {
    const x = g.x0 + (k % g.nx) * g.hx;
    const y = g.y0 + Math.floor(k / g.nx) * g.hy;
    const w = f[k] * g.hx * g.hy;
    mass += w;
    mx += w * x;
    m2 += w * ((x - 2.03) ** 2 + (y - 1.97) ** 2);
  }
  assert.ok(Math.abs(mass - 1) < 1e-12, `mass ${mass}`);
  assert.ok(Math.abs(mx - 2.03) < 1e-9, `mean x ${mx}`);
  // The passes are a random walk of variance 2 t = eps^2 per axis; the bilinear deposit adds t (1 - t) h^2 per axis.
  const tx = (2.03 - g.x0) / g.hx - Math.floor((2.03 - g.x0) / g.hx);
  const ty = (1.97 - g.y0) / g.hy - Math.floor((1.97 - g.y0) / g.hy);
  const expected = 2 * eps * eps + tx * (1 - tx) * g.hx ** 2 + ty * (1 - ty) * g.hy ** 2;
  assert.ok(Math.abs(m2 - expected) / expected < 1e-9, `second moment ${m2} against ${expected}`);
});

test('heat kernel: no mass crosses a wall; it goes round through the door', () => {
  const target = new Target(uniform, domain, { obstacles: wall });
  const field = new HeatKernelField(target, { epsilon: 0.3, diffusivity: 1 });
  field.energy(Float64Array.of(1.85, 3.0)); // just left of the wall, far above the door
  const f = (field as unknown as { f: Float64Array }).f;
  const g = field.grid;
  let across = 0;
  let total = 0;
  for (let k = 0; k < f.length; k++) {
    const x = g.x0 + (k % g.nx) * g.hx;
    total += f[k];
    if (x > 2.05) across += f[k];
  }
  assert.ok(across / total < 1e-12, `fraction across the wall ${across / total}`);
});

test('heat-kernel velocities are the gradient of its energy (finite differences), near a wall too', () => {
  const spec = { type: 'mixture', components: [{ type: 'uniform', weight: 0.2 }, { type: 'gaussian', weight: 0.8, mean: [3, 2.8], sigma: 0.45 }] } as const;
  const target = new Target(spec, domain, { obstacles: wall });
  const field = new HeatKernelField(target, { epsilon: 0.25, diffusivity: 1 });
  const p = Float64Array.of(1.7, 2.2, 1.88, 0.7, 2.3, 0.75, 1.5, 1.5, 2.6, 3.1);
  const v = new Float64Array(p.length);
  field.evaluate(p, v);
  const n = p.length / 2;
  const h = 1e-6;
  for (let k = 0; k < p.length; k++) {
    const a = p.slice();
    const b = p.slice();
    a[k] += h;
    b[k] -= h;
    const grad = (field.energy(a) - field.energy(b)) / (2 * h);
    const expected = -grad * n; // v = -D grad E / m, m = 1/N
    assert.ok(Math.abs(v[k] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `component ${k}: ${v[k]} against ${expected}`);
  }
});

test('heat-kernel field: the pull reaches a robot behind the wall through the door, not through the wall', () => {
  // Target in the right room; a robot in the left room at the door's height is pulled towards the door (+x), one
  // high above it is not pulled into the wall (+x) but down along it (-y) or not at all.
  const spec = { type: 'mixture', components: [{ type: 'uniform', weight: 0.2 }, { type: 'gaussian', weight: 0.8, mean: [3, 2.8], sigma: 0.45 }] } as const;
  const target = new Target(spec, domain, { obstacles: wall });
  const field = new HeatKernelField(target, { epsilon: 0.6, diffusivity: 1 });
  const p = Float64Array.of(1.6, 0.7, 1.75, 2.8);
  const v = new Float64Array(4);
  field.evaluate(p, v);
  assert.ok(v[0] > 0, `robot by the door moves towards it: vx ${v[0]}`);
  assert.ok(Math.abs(v[2]) < Math.abs(v[3]) || v[2] <= 0, `robot above the door is not pulled into the wall: v = (${v[2]}, ${v[3]})`);
});

test('heat-kernel field: bad options are refused with the reason', () => {
  const target = new Target(uniform, domain);
  assert.throws(() => new HeatKernelField(target, { epsilon: 0, diffusivity: 1 }), /epsilon must be a positive number/);
  assert.throws(() => new HeatKernelField(target, { epsilon: 0.2, diffusivity: -1 }), /diffusivity/);
  assert.throws(() => new HeatKernelField(target, { epsilon: 0.2, diffusivity: 1, gridSpacing: 3 }), /gridSpacing/);
});

test('the multiscale flow: open rooms keep the folded Gaussians and their schedule exactly; rooms with walls get the heat kernel', async () => {
  const { MultiScaleStepper, NeumannBlobField, ROOM_SCALE } = await import('../../src/engine/field/bandwidth.js');
  const open = new Target(uniform, domain);
  const eps = 0.15;
  const p = Float64Array.of(0.5, 0.5, 0.7, 0.6, 3.1, 2.2, 1.2, 3.3);
  const ms = new MultiScaleStepper(open, { epsilon: eps, diffusivity: 1 }, { domain });
  assert.ok(ms.fine instanceof NeumannBlobField && ms.coarse.every((f) => f instanceof NeumannBlobField));
  assert.deepEqual(ms.coarse.map((f) => f.epsilon), [4 * eps, 2 * eps]);
  // The same velocities as the flow spelled out with the pre-rooms defaults (scales, weights, decay 0.75 |Omega| / D).
  const explicit = new MultiScaleStepper(open, { epsilon: eps, diffusivity: 1, scales: [4 * eps, 2 * eps], weights: [20, 5], decay: 0.75 * 16 }, { domain });
  for (const t of [0, 3, 30]) {
    const a = new Float64Array(p.length);
    const b = new Float64Array(p.length);
    assert.equal(ms.velocitiesAt(p, a, t), explicit.velocitiesAt(p, b, t));
    assert.deepEqual(a, b);
  }
  const room = new MultiScaleStepper(new Target(uniform, domain, { obstacles: wall }), { epsilon: eps, diffusivity: 1 }, { domain });
  assert.ok(room.fine instanceof HeatKernelField && room.coarse.every((f) => f instanceof HeatKernelField));
  assert.deepEqual(room.coarse.map((f) => f.epsilon), [ROOM_SCALE * 4, 4 * eps, 2 * eps]);
});

test('the multiscale flow in a room: its energy never rises along the integrated flow (a Lyapunov function)', async () => {
  const { MultiScaleStepper } = await import('../../src/engine/field/bandwidth.js');
  const spec = { type: 'mixture', components: [{ type: 'uniform', weight: 0.2 }, { type: 'gaussian', weight: 0.8, mean: [3, 2.8], sigma: 0.45 }] } as const;
  const target = new Target(spec, domain, { obstacles: wall });
  const p = new Float64Array(60);
  for (let i = 0; i < 30; i++) {
    p[2 * i] = 0.3 + 0.25 * (i % 6);
    p[2 * i + 1] = 2.2 + 0.3 * Math.floor(i / 6);
  }
  const ms = new MultiScaleStepper(target, { epsilon: 0.2, diffusivity: 1 }, { domain, scheme: 'euler' });
  let last = Infinity;
  for (let s = 0; s < 40; s++) {
    const r = ms.step(p, 0.05);
    assert.ok(r.energy <= last * (1 + 1e-9), `step ${s}: E ${last} -> ${r.energy}`);
    last = r.energy;
  }
  for (let i = 0; i < 30; i++) assert.ok(!wall.contains(p[2 * i], p[2 * i + 1]), `robot ${i} in the wall`);
});
