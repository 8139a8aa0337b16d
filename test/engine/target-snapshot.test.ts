import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lawSettings } from '../../src/control/controller-node.js';
import { buildLaw, controllerMmd, densityGrid, transferables } from '../../src/control/laws/law-build.js';
import { createLaw } from '../../src/control/laws/laws.js';
import { crowdingCheck } from '../../src/control/safety/safety.js';
import { Target } from '../../src/engine/target/target.js';
import type { TargetSnapshot } from '../../src/engine/target/target.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { defaults } from '../../src/params/schema.js';

const scenarios = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios');

test('a target rebuilt from its transferred snapshot gives the same law, and computes none of its arrays again', () => {
  for (const [file, algorithm] of [['ring.yaml', 'blob'], ['l-shape.yaml', 'lloyd'], ['floor.yaml', 'langevin']] as const) {
    const v = { ...defaults(CONTROLLER_SCHEMA), algorithm };
    const robots = 60;
    const built = buildLaw({ source: { inline: '', file: join(scenarios, file), fallback: join(scenarios, 'demo.yaml') }, law: lawSettings(v), robots, densityResolution: 0.05 });
    // What the law built in place answers (before its arrays are moved away).
    const p = Float64Array.from({ length: 2 * robots }, (_, k) => 0.8 * Math.sin(1.7 * k + 0.3));
    const [a, b] = [new Float64Array(2 * robots), new Float64Array(2 * robots)];
    const ea = built.law.evaluate(p, a, 3);
    const value = built.target.valueAt(0.3, -0.2);
    const snapshot = built.target.snapshot();
    const keys = snapshot.cache.map(([k]) => k).sort();
    // As the worker sends it: cloned, every typed array transferred.
    const copy = structuredClone(snapshot, { transfer: transferables(snapshot) }) as TargetSnapshot;
    assert.ok(snapshot.cache.every(([, value]) => transferables(value).every((b) => b.byteLength === 0)), `${file}: the arrays were moved, not copied`);
    const target = Target.fromSnapshot(copy);
    const law = createLaw(target, lawSettings(v));
    law.prepare?.(robots);
    densityGrid(target, 0.05);
    controllerMmd(target);
    crowdingCheck(target, robots, 0.1);
    assert.deepEqual(target.snapshot().cache.map(([k]) => k).sort(), keys, `${file}: nothing was computed again`);
    assert.equal(target.mass, snapshot.mass);
    const eb = law.evaluate(p, b, 3);
    if (algorithm !== 'langevin') assert.equal(eb.energy, ea.energy, `${file}: same energy`);
    assert.deepEqual(Array.from(b), Array.from(a), `${file}: same velocities, bit for bit`);
    assert.equal(target.valueAt(0.3, -0.2), value);
  }
});
