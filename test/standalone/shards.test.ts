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

for (const exchange of ['auto', 'off', 'regional']) {
test(`safety on: the separation holds across instances (pairs owned by two instances included), pose_exchange ${exchange}`, () => {
  const scenario = demo(40, 0.03, 0.02);
  const minSep = 2 * 0.03 + 0.02;
  const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 4, controller: { pose_exchange: exchange } });
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
}

for (const exchange of ['auto', 'off', 'regional']) {
test(`one instance killed: its robots stop by their command timeout, the others go on around them; restarted, it rejoins (pose_exchange ${exchange})`, () => {
  const scenario = demo(30);
  const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 3, controller: { pose_exchange: exchange } });
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
}

test('pose exchange: an instance subscribes to its own robots\' pose topics only and takes the others\' poses, with their own stamps, from the other instances', () => {
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(30), drive: 'holonomic', logger: quiet, shards: 3 });
  s.clock.advanceTo(1.05); // between two ticks: the owners have newer odometry than they last published
  for (let i = 0; i < 30; i++) assert.equal(s.bus.subscriptionCount(`/robot_${i}/odom`), 1, `robot_${i}/odom has one subscription`);
  assert.equal(s.bus.subscriptionCount('/swarm_poses'), 3);
  const period = 0.1; // the scenario's controller rate, 10 Hz
  const owner = (i: number): number => s.owned.findIndex((names) => names.includes(`robot_${i}`));
  let lag = 0;
  s.controllers.forEach((c, k) => {
    for (let i = 0; i < 30; i++) {
      if (owner(i) === k) continue;
      const here = c.controller.poseTime(i);
      const there = s.controllers[owner(i)].controller.poseTime(i);
      // The stamp is the pose's own, a period old at most against the owner's latest: the age counts the lag.
      assert.ok(here <= there + 1e-9 && here >= there - period - 1e-9, `robot_${i} at instance ${k}: stamp ${here} s, its owner's ${there} s`);
      lag = Math.max(lag, there - here);
    }
  });
  assert.ok(lag > 0, 'some exchanged poses are older than the owner\'s');
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

test('pose exchange, fixed flow, safety off: three instances end near one (the others\' poses a period late)', () => {
  const scenario = demo(45);
  const controller = { method: 'fixed', safety: false };
  const one = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 4, controller, logger: quiet });
  const three = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 4, controller, logger: quiet, shards: 3 });
  let mean = 0;
  for (let i = 0; i < 45; i++) mean += Math.hypot(three.final[2 * i] - one.final[2 * i], three.final[2 * i + 1] - one.final[2 * i + 1]) / 45;
  // Measured: 0.019 m on average (the swarm moves up to 0.66 m), squared MMD 0.0120 against 0.0116.
  assert.ok(mean > 0 && mean < 0.05, `final positions ${mean} m from one instance's on average`);
  const [a, b] = [one.history.at(-1)!.mmd2, three.history.at(-1)!.mmd2];
  assert.ok(b < 1.1 * a, `squared MMD ${b} against ${a}`);
});

test('a malformed swarm_poses message: the bad transforms are skipped with a WARN, the good ones taken, and the instance keeps commanding', () => {
  const warnings: string[] = [];
  const logger = (): Logger => ({ debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} });
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(6), drive: 'holonomic', logger, shards: 2 });
  s.clock.advanceTo(0.5);
  const mine = new Set(s.owned[0]);
  const foreign = [0, 1, 2, 3, 4, 5].find((i) => !mine.has(`robot_${i}`))!;
  const rogue = s.bus.createNode('rogue', { logger: quiet() });
  const pub = rogue.createPublisher('tf2_msgs/msg/TFMessage', '/swarm_poses', 'command');
  const stamp = { sec: 0, nanosec: 605_000_000 }; // newer than the owner's last (0.6 s)
  const good = { header: { stamp, frame_id: 'map' }, child_frame_id: `robot_${foreign}/base_link`, transform: { translation: { x: 0.31, y: 0.32, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } } };
  s.clock.advanceTo(0.61);
  pub.publish({ transforms: [{ ...good, child_frame_id: 'secret/base_link' }, { ...good, header: { stamp, frame_id: 'odom' } }, null as never, good] });
  pub.publish({ nonsense: 1 } as never);
  s.bus.flush();
  assert.ok(warnings.some((w) => /ignored 3 of 4 poses on swarm_poses \(first problem: a child frame that is no robot/.test(w)), warnings.join('\n'));
  assert.ok(warnings.every((w) => !w.includes('secret')), 'the bad frame name is not quoted');
  assert.ok(warnings.some((w) => /malformed message on swarm_poses/.test(w)));
  assert.deepEqual(Array.from(s.controllers[0].controller.positions().subarray(2 * foreign, 2 * foreign + 2)), [0.31, 0.32]);
  const before = s.sim.positions();
  s.clock.advanceTo(1.5);
  let moved = 0;
  const after = s.sim.positions();
  for (const n of mine) {
    const i = Number(n.split('_')[1]);
    moved = Math.max(moved, Math.hypot(after[2 * i] - before[2 * i], after[2 * i + 1] - before[2 * i + 1]));
  }
  assert.ok(moved > 0.01, 'its robots are still commanded');
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

test('owned_robots is checked: unknown names and repeats are refused with the reason', () => {
  const scenario = demo(6);
  for (const [owned, reason] of [[['robot_9'], /not in the swarm.*robot_9/], [['robot_1', 'robot_1'], /twice/]] as const) {
    assert.throws(() => createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, controller: { owned_robots: [...owned] } }), reason);
  }
});

test("each instance's markers show its own robots only", () => {
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(10), drive: 'holonomic', logger: quiet, shards: 2, controller: { publish_markers: true } });
  const got: number[][] = [[], []];
  const watcher = s.bus.createNode('watcher', { logger: quiet() });
  [0, 1].forEach((k) =>
    watcher.createSubscription('visualization_msgs/msg/MarkerArray', `/blob_coverage_controller_${k}/markers`, 'default', (m) => got[k].push(m.markers.find((x) => x.ns === 'robots')!.points.length)),
  );
  s.clock.advanceTo(1);
  assert.deepEqual([got[0].at(-1), got[1].at(-1)], [s.owned[0].length, s.owned[1].length]);
  assert.equal(s.owned[0].length + s.owned[1].length, 10);
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

test('an instance with no pose of its robots yet publishes no swarm_poses message (nothing to exchange)', () => {
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(6), drive: 'holonomic', logger: quiet, shards: 2 });
  s.sim.destroy(); // no odometry at all
  const seen: number[] = [];
  const observer = s.bus.createNode('observer', { logger: quiet() });
  observer.createSubscription('tf2_msgs/msg/TFMessage', '/swarm_poses', 'sensor', (m: { transforms: unknown[] }) => void seen.push(m.transforms.length));
  let commands = 0;
  for (let i = 0; i < 6; i++) observer.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', () => void commands++);
  s.clock.advanceTo(0.5);
  s.bus.flush();
  assert.ok(commands >= 6, `the instances ticked and commanded zero (${commands} commands)`);
  assert.deepEqual(seen, [], 'no message, empty or not');
  for (const c of s.controllers) c.stop();
});
