import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiScaleStepper, Target, createRng, multiScaleEpsilon, uniformInBox } from '../../src/engine/index.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const uniform = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);

const starts = [
  ['exactly on the top wall', { xmin: -1, xmax: 1, ymin: 1, ymax: 1 }],
  ['in a strip along a wall', { xmin: -1, xmax: 1, ymin: 0.97, ymax: 1 }],
  ['in a corner box', { xmin: -1, xmax: -0.8, ymin: -1, ymax: -0.8 }],
] as const;

for (const [name, box] of starts) {
  test(`multiscale flow from robots ${name}: energy never rises, nobody leaves or sticks to a wall`, () => {
    const eps = multiScaleEpsilon(domain, 100);
    const stepper = new MultiScaleStepper(uniform, { epsilon: eps, diffusivity: 1 }, { domain });
    const p = uniformInBox(100, box, createRng(2));
    let t = 0;
    let last = Infinity;
    while (t < 20) {
      const r = stepper.step(p, 20 - t);
      t += r.dt;
      assert.ok(r.energy <= last * (1 + 1e-12), `energy rose at t = ${t}`);
      last = r.energy;
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i]) <= 1, 'a robot left the domain');
    }
    let closest = Infinity;
    for (let i = 0; i < p.length; i += 2) closest = Math.min(closest, 1 - Math.abs(p[i]), 1 - Math.abs(p[i + 1]));
    // On a uniform target the ideal distance to a wall is half the spacing (0.1 m = 1 eps); measured ~0.8 eps.
    assert.ok(closest > 0.5 * eps, `closest robot ${closest / eps} eps from a wall`);
  });
}
