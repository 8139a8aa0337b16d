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
import type { DepositBoard } from '../../src/control/deposits.js';
import type { CoverageControllerNode } from '../../src/control/controller-node.js';
import type { PoseTiles } from '../../src/control/tiles.js';
import { nearestNeighbourStats } from '../../src/engine/index.js';

const demoPath = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');
const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });

/** The demo with `count` robots on a grid over `box` ([xmin, xmax, ymin, ymax]). */
function demo(count: number, box = [-1, 1, -1, 1], radius = 0.005, clearance = 0.005): Scenario {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  doc.robots = { ...doc.robots, count, radius, clearance, initial: { type: 'grid', box } };
  return parseScenario(doc, () => {
    throw new Error('no maps');
  });
}

/** A node's deposit board (private). */
const boardOf = (c: CoverageControllerNode): DepositBoard => (c as unknown as { board: DepositBoard }).board;

test('pose_exchange regional, multiscale, safety off: 4 instances sharing coarse deposits end as near one instance as with the poses exchanged', () => {
  const scenario = demo(400);
  const controller = (exchange: string) => ({ safety: false, publish_markers: false, pose_exchange: exchange });
  const one = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 3, controller: controller('off'), logger: quiet });
  const drift = (exchange: string): { mean: number; mmd: number } => {
    const r = runStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', duration: 3, controller: controller(exchange), logger: quiet, shards: 4 });
    let mean = 0;
    for (let i = 0; i < 400; i++) mean += Math.hypot(r.final[2 * i] - one.final[2 * i], r.final[2 * i + 1] - one.final[2 * i + 1]) / 400;
    return { mean, mmd: r.history.at(-1)!.mmd2 };
  };
  const on = drift('on');
  const regional = drift('regional');
  // Measured: 0.0075 m on average with either; squared MMD 4.30e-5 both, against 4.52e-5 for one instance.
  assert.ok(regional.mean > 0 && regional.mean < 1.5 * on.mean + 1e-3, `regional ${regional.mean} m from one instance, on ${on.mean} m`);
  const mmdOne = one.history.at(-1)!.mmd2;
  assert.ok(regional.mmd < 1.25 * mmdOne, `squared MMD ${regional.mmd} against ${mmdOne}`);
});

test('pose_exchange regional: every instance publishes its coarse deposits, and each adds those of all the others', () => {
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(200), drive: 'holonomic', logger: quiet, shards: 4, controller: { pose_exchange: 'regional', publish_markers: false } });
  assert.equal(s.bus.subscriptionCount('/swarm_density'), 4);
  s.clock.advanceTo(1);
  s.controllers.forEach((c, k) => {
    const b = boardOf(c);
    assert.equal(b.instances, 3, `instance ${k} holds 3 others' deposits`);
    assert.equal(b.robots(), 200 - s.owned[k].length, `instance ${k}: the others' deposits hold their robots`);
  });
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

test('pose_exchange regional: a dead instance\'s deposits age out after pose_timeout, and the others keep commanding', () => {
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(60, [-0.6, 0.2, -0.6, 0.2], 0.02, 0.02), drive: 'holonomic', logger: quiet, shards: 3, controller: { pose_exchange: 'regional', publish_markers: false } });
  s.clock.advanceTo(1);
  assert.equal(boardOf(s.controllers[0]).instances, 2);
  s.controllers[1].crash();
  s.clock.advanceTo(1.3); // pose_timeout is 0.5 s: still held
  assert.equal(boardOf(s.controllers[0]).instances, 2);
  s.clock.advanceTo(1.7);
  assert.equal(boardOf(s.controllers[0]).instances, 1, 'the dead instance\'s deposit is gone');
  assert.equal(boardOf(s.controllers[0]).robots(), s.owned[2].length);
  const before = s.sim.positions();
  s.clock.advanceTo(3);
  const after = s.sim.positions();
  const moved = Math.max(...s.owned[0].map((n) => Number(n.split('_')[1])).map((i) => Math.hypot(after[2 * i] - before[2 * i], after[2 * i + 1] - before[2 * i + 1])));
  assert.ok(moved > 0.005, `the living instances' robots still move (${moved} m)`);
  for (const k of [0, 2]) s.controllers[k].stop();
  s.sim.destroy();
});

test('pose_exchange regional: a deposit on another grid (width, target) or malformed is refused with a WARN naming the problem, the last good one kept', () => {
  const warnings: string[] = [];
  const logger = (): Logger => ({ debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} });
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(40), drive: 'holonomic', logger, shards: 2, controller: { pose_exchange: 'regional', publish_markers: false } });
  s.clock.advanceTo(0.5);
  const board = boardOf(s.controllers[0]);
  const good = board.robots();
  assert.equal(good, s.owned[1].length);
  // What instance 1 sends, with its widths changed: another grid.
  const rogue = s.bus.createNode('rogue', { logger: quiet() });
  const pub = rogue.createPublisher('std_msgs/msg/Float32MultiArray', '/swarm_density', 'command');
  let last: { layout: { dim: { label: string; size: number; stride: number }[]; data_offset: number }; data: ArrayLike<number> } | undefined;
  const spy = rogue.createSubscription('std_msgs/msg/Float32MultiArray', '/swarm_density', 'sensor', (m) => {
    if (m.layout.dim[0].label.includes('controller_1')) last = m;
  });
  s.clock.advanceTo(0.61);
  spy.destroy();
  assert.ok(last, 'instance 1 publishes its deposits');
  const wider = { ...last!, layout: { ...last!.layout, dim: last!.layout.dim.map((d, k) => (k === 0 ? { ...d, label: d.label.replace(/robots=\d+/, 'robots=999').replace(/stamp=\S+/, 'stamp=0.62') } : { ...d, label: d.label.replace(/eps (\S+)/, 'eps 0.5') })) } };
  pub.publish(wider);
  s.bus.flush();
  assert.ok(warnings.some((w) => /ignored a deposit on swarm_density: grid of scale 0 from \S+: another width 0.5 against \S+ than this instance's \(its last good grids are kept\)/.test(w)), warnings.join('\n'));
  assert.equal(board.robots(), good, 'the refused deposit is not taken');
  const retarget = { ...last!, layout: { ...last!.layout, dim: last!.layout.dim.map((d, k) => (k === 0 ? { ...d, label: d.label.replace(/robots=\d+/, 'robots=999') } : { ...d, label: d.label.replace(/target \S+/, 'target 00000000') })) } };
  warnings.length = 0;
  s.clock.advanceTo(5.7); // past the WARN's throttle
  pub.publish(retarget);
  s.bus.flush();
  assert.ok(warnings.some((w) => /another target than this instance's/.test(w)), warnings.join('\n'));
  warnings.length = 0;
  s.clock.advanceTo(11);
  pub.publish({ layout: { dim: [{ label: 'secret', size: 0, stride: 0 }], data_offset: 0 }, data: [] });
  s.bus.flush();
  assert.ok(warnings.some((w) => /ignored a deposit on swarm_density: a first dimension that does not name/.test(w)), warnings.join('\n'));
  assert.ok(warnings.every((w) => !w.includes('secret')), 'the bad label is not quoted');
  assert.equal(board.robots(), s.owned[1].length);
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

/** A node's pose tiles (private). */
const tilesOf = (c: CoverageControllerNode): PoseTiles => (c as unknown as { tiles: PoseTiles }).tiles;

test('pose_exchange regional, tiles: each instance hears only the tiles near its robots, follows them as they move, and the separation holds as robots cross tile borders', () => {
  const scenario = demo(150, [-1, 1, -1, 1], 0.02, 0.02);
  const minSep = 2 * 0.02 + 0.02;
  const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 9, controller: { pose_exchange: 'regional', publish_markers: false, max_linear_speed: 0.1, epsilon: 0.02 } });
  const grid = tilesOf(s.controllers[0]).grid;
  assert.ok(grid.count >= 36, `${grid.nx} x ${grid.ny} tiles`);
  const start = s.sim.positions();
  const seen: string[][] = s.controllers.map(() => []);
  let closest = Infinity;
  let partial = 0;
  let staleHeld = 0;
  for (let t = 0.1; t <= 6 + 1e-9; t += 0.1) {
    s.clock.advanceTo(t);
    closest = Math.min(closest, nearestNeighbourStats(s.sim.positions()).min);
    s.controllers.forEach((c, k) => {
      const subscribed = tilesOf(c).subscribed;
      if (seen[k].at(-1) !== subscribed.join(',')) seen[k].push(subscribed.join(','));
      assert.ok(subscribed.length < grid.count, `instance ${k} subscribes to ${subscribed.length} of ${grid.count} tiles`);
      let heard = 0;
      const now = s.clock.now();
      for (let i = 0; i < 150; i++) {
        const age = now - c.controller.poseTime(i);
        if (age <= 0.5) heard++;
        // A robot that left this instance's tiles is forgotten, not kept as a stale disc (3 periods at 10 Hz).
        if (age > 0.35 && age < Infinity) staleHeld++;
      }
      if (heard < 150) partial++;
    });
  }
  const end = s.sim.positions();
  let crossed = 0;
  for (let i = 0; i < 150; i++) if (grid.tileOf(start[2 * i], start[2 * i + 1]) !== grid.tileOf(end[2 * i], end[2 * i + 1])) crossed++;
  assert.ok(crossed >= 10, `${crossed} robots crossed a tile border`);
  assert.ok(seen.some((sets) => sets.length > 2), 'the subscriptions follow the robots');
  assert.ok(partial > 0.9 * 60 * 9, `instances heard part of the swarm in ${partial} of ${60 * 9} ticks`);
  assert.equal(staleHeld, 0, 'robots gone out of sight are forgotten');
  assert.ok(closest >= minSep - 1e-6, `closest pair ${closest} m, separation ${minSep} m`);
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});

test('pose_exchange regional, tiles: until the tiles near its robots have come once, an instance commands zero', () => {
  const s = createStandalone({ scenarioPath: demoPath, scenario: demo(60, [-0.6, 0.2, -0.6, 0.2], 0.02, 0.02), drive: 'holonomic', logger: quiet, shards: 3, controller: { pose_exchange: 'regional', publish_markers: false } });
  s.bus.filter = (topic) => !topic.startsWith('/swarm_poses/');
  s.clock.advanceTo(0.45);
  const held = s.sim.positions();
  assert.ok(s.controllers.every((c) => tilesOf(c).subscribed.length > 0), 'the tiles are subscribed');
  assert.deepEqual(Array.from(held), Array.from(s.sim.positions()));
  const start = createStandalone({ scenarioPath: demoPath, scenario: demo(60, [-0.6, 0.2, -0.6, 0.2], 0.02, 0.02), drive: 'holonomic', logger: quiet }).sim.positions();
  assert.deepEqual(Array.from(held), Array.from(start), 'nobody moved while the tiles were silent');
  s.bus.filter = () => true;
  s.clock.advanceTo(1);
  const moved = Math.max(...Array.from({ length: 60 }, (_, i) => Math.hypot(s.sim.positions()[2 * i] - held[2 * i], s.sim.positions()[2 * i + 1] - held[2 * i + 1])));
  assert.ok(moved > 0.005, `once they come, the robots move (${moved} m)`);
  for (const c of s.controllers) c.stop();
  s.sim.destroy();
});
