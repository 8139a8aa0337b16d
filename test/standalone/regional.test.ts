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
import type { DepositBoard } from '../../src/control/exchange/deposits.js';
import type { CoverageControllerNode } from '../../src/control/controller-node.js';
import type { PoseTiles } from '../../src/control/exchange/tiles.js';
import { nearestNeighbourStats } from '../../src/engine/index.js';
import { controllerSettings } from '../../src/control/controller-node.js';
import { barrierRange } from '../../src/control/safety/nearby.js';

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

/** A node's private field (the tests of the tile guard read its state). */
const fieldOf = <T>(c: CoverageControllerNode, name: string): T => (c as unknown as Record<string, T>)[name];

/**
 * Watches every instance's ticks: counts the robots it commands to move while another instance's robot is within the
 * barrier range of them and unknown to it (no pose held: never heard, or forgotten), and the closest true pair.
 */
function watchExposure(s: ReturnType<typeof createStandalone>, heldFrom = Infinity): { exposed: number; closest: number; moving: number; heldLater: number } {
  const out = { exposed: 0, closest: Infinity, moving: 0, heldLater: 0 };
  const v = s.controllers[0].parameters;
  const settings = controllerSettings(v);
  const vmax = settings.limits.maxLinear;
  const range = barrierRange(settings.safety, { hold: settings.commandTimeout ?? 0.5, brake: settings.limits.maxLinearAccel }, vmax, (vmax * 2) / (v.rate as number));
  for (const c of s.controllers) {
    c.onTick = (r, now) => {
      if (now >= heldFrom) out.heldLater += fieldOf<{ held: number } | undefined>(c, 'guardReport')?.held ?? 0;
      const p = s.sim.positions();
      out.closest = Math.min(out.closest, nearestNeighbourStats(p).min);
      const owned = c.controller.owned;
      for (let i = 0; i < owned.length; i++) {
        const cmd = r.commands[i];
        if (!owned[i] || (cmd.vx === 0 && cmd.vy === 0 && cmd.wz === 0)) continue;
        out.moving++;
        for (let j = 0; j < owned.length; j++) {
          if (owned[j] || c.controller.poseTime(j) !== -Infinity) continue;
          if (Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]) <= range) out.exposed++;
        }
      }
    };
  }
  return out;
}

test('pose_exchange regional, tiles on a slow graph: each new tile subscription hears nothing for 1 s (the tail measured on a loaded machine: 0.83 s); robots near a tile not heard in time are held, no moving robot has an unheard robot within its barrier range, and swarm_match_latency removes the holds', () => {
  const run = (latency: number): { exposed: number; closest: number; moving: number; heldLater: number; held: number; moved: number } => {
    const scenario = demo(150, [-1, 1, -1, 1], 0.02, 0.02);
    const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 9, controller: { pose_exchange: 'regional', publish_markers: false, max_linear_speed: 0.1, epsilon: 0.02, swarm_match_latency: latency } });
    s.bus.matchDelay = (topic) => (topic.startsWith('/swarm_poses/') ? 1 : 0);
    const watch = watchExposure(s, 2);
    const start = s.sim.positions();
    s.clock.advanceTo(6);
    const end = s.sim.positions();
    let moved = 0;
    for (let i = 0; i < 150; i++) moved += Math.hypot(end[2 * i] - start[2 * i], end[2 * i + 1] - start[2 * i + 1]) / 150;
    const held = s.controllers.reduce((sum, c) => sum + fieldOf<number>(c, 'heldTicks'), 0);
    for (const c of s.controllers) c.stop();
    s.sim.destroy();
    return { ...watch, held, moved };
  };
  const minSep = 2 * 0.02 + 0.02;
  const bare = run(0);
  // Measured: 0 exposed of 6,986 robot-ticks commanded to move, 1,806 held (381 after 2 s), mean displacement 0.243 m. With
  // the guard switched off (an experiment, not kept): 741 robot-ticks moved with an unheard robot within range.
  assert.ok(bare.moving > 1000, `${bare.moving} robot-ticks commanded to move`);
  assert.equal(bare.exposed, 0, 'no robot moved with an unheard robot of another instance within its barrier range');
  assert.ok(bare.held > 0, 'with no latency margin, the tiles subscribed mid-run come too late: robots near them are held');
  assert.ok(bare.closest >= minSep - 1e-6, `closest pair ${bare.closest} m, separation ${minSep} m`);
  const widened = run(1);
  assert.equal(widened.exposed, 0);
  // At start every instance waits for its tiles either way (their robots may be near already); later, the margin
  // subscribes early enough that no tile is late.
  assert.ok(bare.heldLater > 0, 'with no latency margin, robots are held after the start too');
  assert.ok(widened.heldLater < bare.heldLater / 4, `after 2 s, with swarm_match_latency 1 s, ${widened.heldLater} robot-ticks held against ${bare.heldLater}`);
  assert.ok(widened.closest >= minSep - 1e-6, `closest pair ${widened.closest} m`);
  assert.ok(widened.moved > 0.05 && bare.moved > 0.05, `the swarm moves: ${bare.moved} / ${widened.moved} m on average`);
  process.stdout.write(`# slow graph: held ${bare.held} robot-ticks, ${bare.heldLater} after 2 s (swarm_match_latency 0) / ${widened.held}, ${widened.heldLater} (1 s) of ${bare.moving} / ${widened.moving} moving; mean displacement ${bare.moved.toFixed(3)} / ${widened.moved.toFixed(3)} m\n`);
});

test('pose_exchange regional, a dead instance\'s robots never heard: the other instance\'s robots stop short of its last tiles and never come within the barrier range of its standing robots', () => {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  const corner = (x0: number): [number, number][] => [0, 1, 2, 3].flatMap((a) => [0, 1, 2, 3].map((b): [number, number] => [x0 + 0.08 * a, x0 + 0.08 * b]));
  doc.robots = { radius: 0.02, clearance: 0.02, initial: { type: 'positions', positions: [...corner(-0.52), ...corner(0.2)] } }; // the dead cluster on the target's lower bump
  const scenario = parseScenario(doc, () => {
    throw new Error('no maps');
  });
  // The target: the dead cluster's place, so that the law drives the other robots there once its deposits age out.
  const target = '{domain: {xmin: -1.0, xmax: 1.0, ymin: -1.0, ymax: 1.0}, target: {type: mixture, components: [{type: uniform, weight: 0.05}, {type: gaussian, weight: 0.95, mean: [-0.4, -0.4], sigma: 0.15}]}}';
  const s = createStandalone({ scenarioPath: demoPath, scenario, drive: 'holonomic', logger: quiet, shards: 2, controller: { pose_exchange: 'regional', publish_markers: false, max_linear_speed: 0.1, epsilon: 0.02, target } });
  const dead = s.controllers.findIndex((c) => c.controller.owned[0] === 1);
  const alive = 1 - dead;
  const c = s.controllers[alive];
  const deadRobots = s.owned[dead].map((n) => Number(n.split('_').at(-1)));
  assert.deepEqual(deadRobots, [...Array(16).keys()], 'one instance commands the corner cluster');
  s.clock.advanceTo(0.8);
  // With the guard switched off (an experiment, not kept): 60 robot-ticks moved with an unheard dead robot within
  // range, closest pair 0.0600 m for a separation of 0.06; with it, 0, closest 0.090 m, at most 5 robots held at once.
  const unheard = deadRobots.filter((i) => c.controller.poseTime(i) === -Infinity).length;
  assert.ok(unheard >= 8, `the other instance never heard ${unheard} of the corner cluster's 16 robots`);
  s.controllers[dead].crash();
  const watch = watchExposure(s);
  let held = 0;
  let tombs = 0;
  let standing = s.sim.positions();
  for (let t = 0.9; t <= 12 + 1e-9; t += 0.1) {
    s.clock.advanceTo(t);
    if (Math.abs(t - 1.5) < 1e-9) standing = s.sim.positions(); // the simulator's command timeout (0.5 s) has stopped them
    held = Math.max(held, fieldOf<{ held: number } | undefined>(c, 'guardReport')?.held ?? 0);
    tombs = Math.max(tombs, boardOf(c).tombstones.size);
  }
  const end = s.sim.positions();
  assert.ok(tombs > 0, 'the dead instance\'s last tiles are remembered');
  assert.ok(held > 0, 'robots coming near them were held');
  assert.equal(watch.exposed, 0, 'no robot moved with a dead, unheard robot within its barrier range');
  let nearest = Infinity;
  for (const i of deadRobots) for (let j = 16; j < 32; j++) nearest = Math.min(nearest, Math.hypot(end[2 * i] - end[2 * j], end[2 * i + 1] - end[2 * j + 1]));
  assert.ok(watch.closest >= 0.06 - 1e-6, `closest pair ${watch.closest} m`);
  assert.ok(deadRobots.every((i) => end[2 * i] === standing[2 * i] && end[2 * i + 1] === standing[2 * i + 1]), 'the dead instance\'s robots stand');
  const spread = Math.max(...Array.from({ length: 16 }, (_, k) => Math.hypot(end[2 * (16 + k)] - standing[2 * (16 + k)], end[2 * (16 + k) + 1] - standing[2 * (16 + k) + 1])));
  assert.ok(spread > 0.05, `the living instance's robots still move after the death (${spread} m at most)`);
  process.stdout.write(`# dead instance: ${unheard} of its 16 robots never heard; at most ${held} robots held at once; nearest living robot to a dead one ${nearest.toFixed(3)} m at the end; living robots moved up to ${spread.toFixed(3)} m after 1.5 s\n`);
  c.stop();
  s.sim.destroy();
});
