import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobField, FlowIntegrator, MmdMetric, Target, blobFlow, createRng, reflectInto, targetSampler, uniformInBox } from '../../src/engine/index.js';
import type { DensitySpec } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };


function simulate(spec: DensitySpec, start: Float64Array, eps: number, duration: number) {
  const target = new Target(spec, domain);
  const field = new BlobField(target, { epsilon: eps, diffusivity: 1 });
  const integ = new FlowIntegrator(blobFlow(field), { domain });
  const p = Float64Array.from(start);
  const energies = [field.energy(p)];
  let t = 0;
  let outside = 0;
  while (t < duration) {
    const r = integ.step(p, duration - t);
    t += r.dt;
    energies.push(r.energy);
    for (let i = 0; i < p.length; i += 2) if (p[i] < -1 || p[i] > 1 || p[i + 1] < -1 || p[i + 1] > 1) outside++;
  }
  return { target, p, energies, outside };
}

const starts: [string, Float64Array][] = [
  ['centred', uniformInBox(100, { xmin: -0.3, xmax: 0.3, ymin: -0.3, ymax: 0.3 }, createRng(1))],
  ['corner', uniformInBox(100, { xmin: -1, xmax: -0.8, ymin: -1, ymax: -0.8 }, createRng(2))],
  ['along a wall', uniformInBox(60, { xmin: -1, xmax: 1, ymin: 0.97, ymax: 1 }, createRng(3))],
];

for (const [name, start] of starts) {
  test(`fixed-eps flow from a ${name} start: energy never rises, robots stay inside and off the walls`, () => {
    const eps = 0.12;
    const { p, energies, outside } = simulate(PUBLIC_S1, start, eps, 5);
    for (let k = 1; k < energies.length; k++) assert.ok(energies[k] <= energies[k - 1] * (1 + 1e-12), `energy rose at step ${k}`);
    assert.ok(energies.at(-1)! < energies[0]);
    assert.equal(outside, 0);
    let closest = Infinity;
    for (let i = 0; i < p.length; i += 2) closest = Math.min(closest, 1 - Math.abs(p[i]), 1 - Math.abs(p[i + 1]));
    // The floor outside the domain keeps robots off the walls (the design note measured ~1.4 eps).
    assert.ok(closest > 0.5 * eps, `closest robot ${closest} m from a wall`);
  });
}

test('on public-s1 the final squared MMD beats the median of i.i.d. target samples by at least 2x', () => {
  const { target, p } = simulate(PUBLIC_S1, starts[0][1], 0.12, 10);
  const mmd = new MmdMetric(target, 0.1);
  const sample = targetSampler(target);
  const rng = createRng(11);
  const iid = Array.from({ length: 100 }, () => mmd.evaluate(sample(100, rng))).sort((a, b) => a - b);
  const median = (iid[49] + iid[50]) / 2;
  const final = mmd.evaluate(p);
  assert.ok(final * 2 < median, `final ${final} vs i.i.d. median ${median}`);
});

test('reflection maps a coordinate back inside across the wall it crossed', () => {
  assert.ok(Math.abs(reflectInto(-1.1, -1, 1) + 0.9) < 1e-12);
  assert.ok(Math.abs(reflectInto(1.25, -1, 1) - 0.75) < 1e-12);
  assert.equal(reflectInto(0.3, -1, 1), 0.3);
  assert.equal(reflectInto(5, -1, 1), -1);
});
