import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { MmdMetric, createRng, targetSampler } from '../../src/engine/index.js';
import type { Logger } from '../../src/node/interface.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { createStandalone, runStandalone } from '../../src/standalone/run.js';
import type { LloydLaw } from '../../src/control/laws/lloyd-law.js';

const demoPath = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');
const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });

for (const [drive, count] of [['holonomic', 50], ['diff_drive', 30]] as const) {
  test(`end to end through the nodes: ${count} ${drive} robots from a corner spread over the target`, () => {
    const doc = parse(readFileSync(demoPath, 'utf8'));
    doc.robots.count = count;
    const scenario = parseScenario(doc, () => {
      throw new Error('no maps');
    });
    const r = runStandalone({ scenarioPath: demoPath, scenario, drive, duration: 30, logger: quiet });
    const first = r.history[0];
    const last = r.history[r.history.length - 1];
    assert.ok(last.energy < first.energy / 10, `energy ${first.energy} -> ${last.energy}`);
    // The bar: better than the same number of i.i.d. samples of the target (median of 101 draws).
    const mmd = new MmdMetric(r.target, scenario.metrics.mmdBandwidth);
    const sample = targetSampler(r.target);
    const rng = createRng(8);
    const iid = Array.from({ length: 101 }, () => mmd.evaluate(sample(count, rng))).sort((a, b) => a - b)[50];
    assert.ok(last.mmd2 < iid, `MMD^2 ${last.mmd2} against i.i.d. median ${iid}`);
    // No command above the limits (TurtleBot3 Burger defaults: 0.22 m/s).
    assert.ok(r.maxCommand <= 0.22 * (1 + 1e-9), `fastest command ${r.maxCommand}`);
    assert.ok(r.maxCommand > 0.2, 'the robots used their speed');
    for (let i = 0; i < r.final.length; i++) assert.ok(Math.abs(r.final[i]) <= 1 + 1e-9, 'a robot left the domain');
    assert.equal(last.live, count);
  });
}

test("the standalone mode runs the scenario's law; -p algorithm wins over it", () => {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  doc.robots.count = 5;
  doc.law = { algorithm: 'lloyd', lloyd_gain: 3 };
  const scenario = parseScenario(doc, () => {
    throw new Error('no maps');
  });
  const own = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet });
  assert.equal(own.controller.controller.currentLaw.algorithm, 'lloyd');
  assert.equal((own.controller.controller.currentLaw as LloydLaw).settings.gain, 3);
  const flagged = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, controller: { algorithm: 'langevin' } });
  assert.equal(flagged.controller.controller.currentLaw.algorithm, 'langevin');
  own.sim.destroy();
  flagged.sim.destroy();
});

test('pose_type tf: the controller takes the whole swarm from the simulator\'s /tf, and ends where it ends with odometry', () => {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  doc.robots.count = 40;
  const scenario = parseScenario(doc, () => {
    throw new Error('no maps');
  });
  const odom = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 8, logger: quiet });
  const session = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, controller: { pose_type: 'tf', pose_topic: '/tf' } });
  assert.equal(session.bus.subscriptionCount('/robot_0/odom'), 0, 'no odometry subscription');
  session.sim.destroy();
  const tf = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 8, logger: quiet, controller: { pose_type: 'tf', pose_topic: '/tf' } });
  assert.equal(tf.history.at(-1)!.live, 40);
  // The same poses at the same times (the /tf batch carries each odometry message's pose and stamp): the same run.
  assert.deepEqual([...tf.final], [...odom.final]);
});
