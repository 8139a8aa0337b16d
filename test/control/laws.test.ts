import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobLaw, STABLE_STEP, controllerMultiScaleEpsilon } from '../../src/control/laws/blob-law.js';
import { CoverageController } from '../../src/control/controller.js';
import type { ControllerSettings } from '../../src/control/controller.js';
import { LangevinLaw } from '../../src/control/laws/langevin-law.js';
import type { LawSettings } from '../../src/control/laws/laws.js';
import { createLaw } from '../../src/control/laws/laws.js';
import { LloydLaw } from '../../src/control/laws/lloyd-law.js';
import { Target } from '../../src/engine/index.js';
import { COVERAGE_ALGORITHMS } from '../../src/scenario/scenario.js';

const box = { xmin: 0, xmax: 2, ymin: 0, ymax: 1 };
const uniform = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, box);
const settings = (algorithm: LawSettings['algorithm']): LawSettings => ({
  algorithm,
  blob: { method: 'multiscale', epsilon: 0, diffusivity: 1 },
  lloyd: { gain: 2 },
  langevin: { diffusivity: 0.01, seed: 4, period: 0.1 },
});

test('createLaw builds the law the algorithm names, over the same target', () => {
  const laws = COVERAGE_ALGORITHMS.map((a) => createLaw(uniform, settings(a)));
  assert.ok(laws[0] instanceof BlobLaw && laws[1] instanceof LloydLaw && laws[2] instanceof LangevinLaw);
  assert.deepEqual(laws.map((l) => l.algorithm), ['blob', 'lloyd', 'langevin']);
  for (const l of laws) assert.equal(l.target, uniform);
});

test("Lloyd's law sends each robot towards the centroid of its cell at k times the distance", () => {
  const v = new Float64Array(4);
  const out = createLaw(uniform, settings('lloyd')).evaluate(Float64Array.from([0.3, 0.4, 1.7, 0.4]), v, 0);
  // Cells: the two halves of the box, centroids (0.5, 0.5) and (1.5, 0.5); k = 2.
  assert.deepEqual(Array.from(v).map((x) => Number(x.toFixed(9))), [0.4, 0.2, -0.4, 0.2]);
  assert.ok(out.energy > 0 && out.epsilon === 0);
});

test('the Langevin law is reproducible from its seed and reports no energy', () => {
  const p = Float64Array.from([0.5, 0.5, 1.5, 0.5, 1, 0.2]);
  const run = () => {
    const law = createLaw(uniform, settings('langevin'));
    const a = new Float64Array(6);
    const b = new Float64Array(6);
    const out = law.evaluate(p, a, 0);
    law.evaluate(p, b, 0.1);
    return { a, b, out };
  };
  const first = run();
  const second = run();
  assert.deepEqual(first.a, second.a);
  assert.deepEqual(first.b, second.b);
  assert.notDeepEqual(first.a, first.b, 'each call draws new noise');
  assert.ok(Number.isNaN(first.out.energy));
});

test('whatever the law, the controller sends a robot outside the domain straight back', () => {
  const controllerSettings: ControllerSettings = {
    drive: 'holonomic',
    lookahead: 0.1,
    limits: { maxLinear: 0.22, maxAngular: 2.84, maxLinearAccel: 1, maxAngularAccel: 6 },
    poseTimeout: 0.5,
    enabled: true,
    safety: { enabled: true, robotRadius: 0.01, clearance: 0.005, gain: 2 },
  };
  for (const algorithm of COVERAGE_ALGORITHMS) {
    const ctl = new CoverageController(['robot_0', 'robot_1'], createLaw(uniform, settings(algorithm)), controllerSettings);
    for (const t of [0, 0.1]) {
      ctl.updatePose(0, 2.6, 0.5, 0, t);
      ctl.updatePose(1, 1, 0.5, 0, t);
      const r = ctl.tick(t);
      // Along x (the axis on which it is out) it heads back at 0.6 m / RETURN_TIME, which dominates its command.
      if (t > 0) assert.ok(r.commands[0].vx < 0 && Math.abs(r.commands[0].vy) < Math.abs(r.commands[0].vx) / 5, `${algorithm}: robot at x = 2.6 commanded (${r.commands[0].vx}, ${r.commands[0].vy})`);
    }
  }
});

test('the blob law: its width narrows under 400 robots, moves in 2% steps, and its diffusivity is capped for the period', () => {
  const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
  const spacing = (n: number) => Math.sqrt(4 / n);
  // 0.5 (N / 400)^(1/4) x the mean spacing: 0.25 x at 25 robots, 0.35 x at 100, 0.5 x from 400 on.
  assert.ok(Math.abs(controllerMultiScaleEpsilon(domain, 25) / spacing(25) - 0.25) < 1e-12);
  assert.ok(Math.abs(controllerMultiScaleEpsilon(domain, 100) / spacing(100) - 0.5 / Math.SQRT2) < 1e-12);
  assert.ok(Math.abs(controllerMultiScaleEpsilon(domain, 1000) / spacing(1000) - 0.5) < 1e-12);
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);
  const law = new BlobLaw(target, { method: 'multiscale', epsilon: 0, diffusivity: 1, period: 0.1 });
  const eps = law.epsilonFor(100);
  assert.ok(Math.abs(eps / controllerMultiScaleEpsilon(domain, 100) - 1) <= 0.01, 'the auto width is the rule to within a 2% step');
  assert.equal(law.epsilonFor(99), eps, 'one robot less: the same width, the same fields');
  const p = Float64Array.of(-0.5, -0.5, 0.5, 0.5, 0.1, -0.3);
  const v = new Float64Array(6);
  const out = law.evaluate(p, v, 0);
  // D dt / eps^2 is capped at STABLE_STEP: the law reports the diffusivity it applied.
  assert.ok(Math.abs(out.diffusivity! - Math.min(1, (STABLE_STEP * out.epsilon ** 2) / 0.1)) < 1e-12, `${out.diffusivity}`);
  const w = new Float64Array(6);
  const uncapped = new BlobLaw(target, { method: 'multiscale', epsilon: 0, diffusivity: 1 }).evaluate(p, w, 0);
  assert.equal(uncapped.diffusivity, 1, 'without a period (offline use) nothing is capped');
  assert.ok(out.diffusivity! < 1, 'the cap binds at 100 robots and 10 Hz');
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(v[k] - out.diffusivity! * w[k]) <= 1e-12 * Math.abs(w[k]) + 1e-15, 'velocities scaled by the cap');
});
