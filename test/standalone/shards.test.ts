import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Logger } from '../../src/node/interface.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { createStandalone, runStandalone } from '../../src/standalone/run.js';
import { nearestNeighbourStats } from '../../src/engine/index.js';

const demoPath = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');
const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });

/** The demo with `count` robots on a grid over the box (robot radius and clearance in m). */
function demo(count: number, radius = 0.02, clearance = 0.02): Scenario {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  doc.robots = { ...doc.robots, count, radius, clearance, initial: { type: 'grid', box: [-0.6, 0.2, -0.6, 0.2] } };
  return parseScenario(doc, () => {
    throw new Error('no maps');
  });
}

test('fixed flow, safety off: three instances end on exactly the positions of one', () => {
  const scenario = demo(45);
  const controller = { method: 'fixed', safety: false, pose_exchange: 'off' };
  const one = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 4, controller, logger: quiet });
  const three = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 4, controller, logger: quiet, shards: 3 });
  let moved = 0;
  for (let i = 0; i < one.final.length; i++) moved = Math.max(moved, Math.abs(one.final[i] - one.initial[i]));
  assert.ok(moved > 0.1, `the swarm moved (${moved} m)`);
  assert.deepEqual(Array.from(three.final), Array.from(one.final));
});

test('multiscale flow, safety off: four instances, each depositing only the robots within reach of its own, end on exactly the positions of one', () => {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  doc.robots = { ...doc.robots, count: 400, radius: 0.005, clearance: 0.005, initial: { type: 'grid', box: [-1, 1, -1, 1] } };
  const scenario = parseScenario(doc, () => {
    throw new Error('no maps');
  });
  const controller = { safety: false, publish_markers: false, pose_exchange: 'off' };
  const one = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 1, controller, logger: quiet });
  const four = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 1, controller, logger: quiet, shards: 4 });
  assert.deepEqual(Array.from(four.final), Array.from(one.final));
});

test('safety on: the separation holds across instances (pairs owned by two instances included)', () => {
  const scenario = demo(40, 0.03, 0.02);
  const minSep = 2 * 0.03 + 0.02;
  const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 4 });
  let closest = Infinity;
  for (let t = 0.1; t <= 6 + 1e-9; t += 0.1) {
    s.clock.advanceTo(t);
    closest = Math.min(closest, nearestNeighbourStats(s.sim.positions()).min);
  }
  // The grid starts 0.8 / 6 = 0.13 m apart, well outside; the flow gathers towards the demo's bumps.
  assert.ok(closest >= minSep - 1e-6, `closest pair ${closest} m, separation ${minSep} m`);
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

test('one instance killed: its robots stop by their command timeout, the others go on around them; restarted, it rejoins', () => {
  const scenario = demo(30);
  const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 3 });
  const mine = (k: number): number[] => s.owned[k].map((n) => Number(n.split('_')[1]));
  const moved = (a: Float64Array, b: Float64Array, robots: number[]): number => Math.max(...robots.map((i) => Math.hypot(b[2 * i] - a[2 * i], b[2 * i + 1] - a[2 * i + 1])));
  s.clock.advanceTo(1);
  s.controllers[1].crash();
  s.clock.advanceTo(1.6); // the simulator's command timeout is 0.5 s
  const stopped = s.sim.positions();
  s.clock.advanceTo(3);
  const later = s.sim.positions();
  assert.equal(moved(stopped, later, mine(1)), 0, 'the killed instance robots stand still');
  assert.ok(moved(stopped, later, [...mine(0), ...mine(2)]) > 0.01, 'the others keep going');
  const minSep = 2 * 0.02 + 0.02;
  assert.ok(nearestNeighbourStats(later).min >= minSep - 1e-6, 'and keep clear of the standing robots');
  const back = s.restart(1);
  s.clock.advanceTo(5);
  assert.ok(moved(later, s.sim.positions(), mine(1)) > 0.01, 'the restarted instance drives its robots again');
  assert.ok(nearestNeighbourStats(s.sim.positions()).min >= minSep - 1e-6);
  for (const c of [s.controllers[0], back, s.controllers[2]]) c.stop();
  s.sim.destroy();
});

test('owned_robots is checked: unknown names and repeats are refused with the reason', () => {
  const scenario = demo(6);
  for (const [owned, reason] of [[['robot_9'], /not in the swarm.*robot_9/], [['robot_1', 'robot_1'], /twice/]] as const) {
    assert.throws(() => createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, controller: { owned_robots: [...owned] } }), reason);
  }
});
