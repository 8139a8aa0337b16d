import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { controllerMmd } from '../../src/control/laws/law-build.js';
import type { LangevinLaw } from '../../src/control/laws/langevin-law.js';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger } from '../../src/node/interface.js';
import type { DiagnosticArray, OccupancyGrid, Twist, TwistStamped } from '../../src/node/messages.js';
import { quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';

const demo = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');

function setup(parameters: ParamValues) {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const node = bus.createNode('blob_coverage_controller', { logger, parameters: { robot_count: 3, rate: 10, ...parameters } });
  const ctl = new CoverageControllerNode(node, demo);
  const robots = bus.createNode('robots', { logger });
  const cmds: unknown[][] = [[], [], []];
  return { clock, bus, node, ctl, robots, cmds, warnings };
}

function poseAt(x: number, y: number, t: number) {
  return {
    header: { stamp: timeMsg(t), frame_id: 'map' },
    child_frame_id: 'base_link',
    pose: { pose: { position: { x, y, z: 0 }, orientation: quaternionOfYaw(0) } },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } },
  };
}

test('odometry in, Twist out at the rate; a robot whose pose goes stale gets zero', () => {
  const { clock, robots, cmds } = setup({});
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  for (let k = 0; k < 10; k++) {
    const t = clock.now();
    odom.forEach((p, i) => (i < 2 || t < 0.3 ? p.publish(poseAt(-0.5 + 0.03 * i, -0.5, t)) : undefined));
    clock.advanceTo(t + 0.1);
  }
  assert.equal(cmds[0].length, 10, 'one command per tick at 10 Hz');
  const last = (i: number) => cmds[i].at(-1) as Twist;
  assert.ok(Math.hypot(last(0).linear.x, last(0).linear.y) > 0, 'a live robot moves');
  assert.deepEqual(last(2).linear, { x: 0, y: 0, z: 0 }, 'robot_2 stopped reporting at 0.3 s: zero');
  assert.ok(Math.hypot((cmds[2][2] as Twist).linear.x, (cmds[2][2] as Twist).linear.y) > 0, 'robot_2 moved while it reported');
});

test('PoseStamped in, TwistStamped out, stamped with the node clock', () => {
  const { clock, bus, robots, cmds } = setup({ pose_type: 'pose_stamped', pose_topic: 'pose', cmd_type: 'twist_stamped' });
  const pubs = [0, 1, 2].map((i) => robots.createPublisher('geometry_msgs/msg/PoseStamped', `/robot_${i}/pose`, 'sensor'));
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/TwistStamped', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  for (let k = 0; k < 5; k++) {
    const t = clock.now();
    pubs.forEach((p, i) => p.publish({ header: { stamp: timeMsg(t), frame_id: 'map' }, pose: { position: { x: 0.2 * i - 0.2, y: 0, z: 0 }, orientation: quaternionOfYaw(0.3) } }));
    clock.advanceTo(t + 0.1);
  }
  bus.flush();
  const m = cmds[1].at(-1) as TwistStamped;
  assert.equal(m.header.frame_id, 'robot_1/base_link');
  assert.ok(Math.abs(m.header.stamp.sec + m.header.stamp.nanosec * 1e-9 - 0.5) < 1e-6);
  assert.ok(cmds[0].length >= 4);
});

test('emergency stop topic stops everyone until released; shutdown sends zero', () => {
  const { clock, bus, ctl, robots, cmds } = setup({});
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  const estop = robots.createPublisher('std_msgs/msg/Bool', '/emergency_stop', 'latched');
  const run = (n: number) => {
    for (let k = 0; k < n; k++) {
      const t = clock.now();
      odom.forEach((p, i) => p.publish(poseAt(-0.5 + 0.03 * i, -0.5, t)));
      clock.advanceTo(t + 0.1);
    }
  };
  run(3);
  assert.ok(cmds.every((c) => Math.hypot((c.at(-1) as Twist).linear.x, (c.at(-1) as Twist).linear.y) > 0));
  estop.publish({ data: true });
  run(3);
  assert.ok(cmds.every((c) => (c.at(-1) as Twist).linear.x === 0 && (c.at(-1) as Twist).linear.y === 0));
  estop.publish({ data: false });
  run(3);
  assert.ok(cmds.some((c) => (c.at(-1) as Twist).linear.x !== 0));
  const counts = cmds.map((c) => c.length);
  ctl.stop(3);
  bus.flush();
  cmds.forEach((c, i) => {
    assert.equal(c.length, counts[i] + 3);
    for (const m of c.slice(-3)) assert.deepEqual((m as Twist).linear, { x: 0, y: 0, z: 0 });
  });
  clock.advanceTo(clock.now() + 1);
  assert.equal(cmds[0].length, counts[0] + 3, 'no command after stop');
});

test('live parameters: accepted, refused with the reason, and the node keeps its last good configuration', async () => {
  const { node, ctl, warnings } = setup({});
  assert.deepEqual(node.setParameters({ max_linear_speed: 0.5, rate: 20 }), { successful: true });
  await ctl.whenSettled();
  const law = ctl.controller.currentLaw;
  // Quick checks refuse at once, through set_parameters.
  const refused = [
    [{ max_linear_speed: -1 }, /'max_linear_speed' must be >= 0.001/],
    [{ target: '{domain: {xmin: 0, xmax: 1}' }, /'target' is not valid YAML/],
    [{ target: '{domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}, target: {type: expression, expr: "sum(1:2000)*0+1"}}' }, /'target: target.expr' calls 'sum', which is not allowed/],
    [{ target_file: '/nonexistent/scenario.yaml' }, /scenario file not found/],
    [{ target_file: '/dev/zero' }, /scenario file is not a regular file/],
    [{ robot_count: 9 }, /read-only/],
    [{ method: 'lloyd' }, /must be one of multiscale, fixed/],
  ] as const;
  for (const [u, pattern] of refused) {
    const r = node.setParameters(u as ParamValues);
    assert.ok(!r.successful, JSON.stringify(u));
    assert.match((r as { reason: string }).reason, pattern);
  }
  const state = (): string => ctl.targetStatus.state;
  assert.equal(state(), 'ok', 'quick refusals start no build');
  // A target that only its values show wrong is refused when built: ERROR, status, and the parameter restored.
  const negative = '{domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}, target: {type: expression, expr: "x - 0.5"}}';
  assert.deepEqual(node.setParameters({ target: negative, max_linear_speed: 0.4 }), { successful: true });
  assert.equal(state(), 'building');
  await ctl.whenSettled();
  const status = ctl.targetStatus;
  assert.equal(status.state, 'refused');
  assert.match((status as { reason: string }).reason, /negative at/);
  assert.deepEqual((status as { keys: readonly string[] }).keys, ['target']);
  assert.ok(warnings.some((w) => /change of target refused: .*negative at.*last good target/.test(w)), warnings.join('\n'));
  const values = (ctl as unknown as { values: ParamValues }).values;
  assert.equal(values.target, '', 'the target parameter is back to its last good value');
  assert.equal(values.max_linear_speed, 0.4, 'the rest of the batch stays in force');
  assert.equal(ctl.controller.currentLaw, law, 'refused changes left the law as it was');
  warnings.length = 0;
  const ok = node.setParameters({ target: '{domain: {xmin: -1, xmax: 1, ymin: -1, ymax: 1}, target: {type: expression, expr: "1 + x^2"}}' });
  assert.deepEqual(ok, { successful: true });
  assert.equal(ctl.controller.currentLaw, law, 'the old law commands until the new one is built');
  await ctl.whenSettled();
  assert.notEqual(ctl.controller.currentLaw, law);
  assert.equal(ctl.controller.currentLaw.target.valueAt(1, 0), 2);
  assert.equal(state(), 'ok');
  assert.equal(warnings.length, 0);
  ctl.close();
});

test('the target density is latched and diagnostics come at ~1 Hz with pose ages', () => {
  const { clock, bus, robots } = setup({});
  const grids: OccupancyGrid[] = [];
  const diags: DiagnosticArray[] = [];
  clock.advanceTo(2.05);
  robots.createSubscription('nav_msgs/msg/OccupancyGrid', '/blob_coverage_controller/target_density', 'latched', (m) => grids.push(m));
  robots.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', 'default', (m) => diags.push(m));
  bus.flush();
  assert.equal(grids.length, 1, 'a late subscriber gets the latched density');
  const g = grids[0];
  assert.equal(g.info.width * g.info.height, g.data.length);
  assert.ok(Math.max(...Array.from(g.data)) === 100);
  clock.advanceTo(4.05);
  assert.equal(diags.length, 2);
  const s = diags[0].status[0];
  assert.equal(s.level, 1, 'no robot has a pose: WARN');
  assert.match(s.message, /3 robots without a fresh pose/);
  assert.equal(s.values.find((kv) => kv.key === 'max pose age (s)')?.value, 'never');
  assert.equal(s.values.find((kv) => kv.key === 'mmd2')?.value, 'n/a');
  for (const key of ['live', 'saturated', 'loop time (ms)', 'energy']) assert.ok(s.values.some((kv) => kv.key === key), key);
});

test('diagnostics give the age of the oldest pose', () => {
  const { clock, robots } = setup({});
  const diags: DiagnosticArray[] = [];
  robots.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', 'default', (m) => diags.push(m));
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  clock.advanceTo(0.55);
  odom[2].publish(poseAt(0.2, 0.1, 0.55));
  clock.advanceTo(0.85);
  odom[0].publish(poseAt(-0.2, 0.1, 0.85));
  odom[1].publish(poseAt(0, -0.1, 0.85));
  clock.advanceTo(2.05);
  const last = diags.at(-1);
  assert.ok(last, 'diagnostics came');
  const now = last.header.stamp.sec + last.header.stamp.nanosec * 1e-9;
  const age = last.status[0].values.find((kv) => kv.key === 'max pose age (s)')?.value;
  assert.equal(age, (now - 0.55).toFixed(3), 'robot_2, the oldest');
});

test('NaN poses are ignored with a warning', () => {
  const { clock, robots, warnings } = setup({});
  robots.createPublisher('nav_msgs/msg/Odometry', '/robot_0/odom', 'sensor').publish(poseAt(Number.NaN, 0, 0));
  clock.advanceTo(0.1);
  assert.ok(warnings.some((w) => /robot_0 is not finite/.test(w)), warnings.join('\n'));
});

test('markers: DELETEALL first, one sphere per robot and one arrow per command; none while nobody subscribes', () => {
  const { clock, bus, robots } = setup({});
  const got: import('../../src/node/messages.js').MarkerArray[] = [];
  let sent = 0;
  bus.filter = (topic) => (topic === '/blob_coverage_controller/markers' && sent++, true);
  clock.advanceTo(0.35);
  assert.equal(sent, 0, 'no subscriber: no markers built');
  robots.createSubscription('visualization_msgs/msg/MarkerArray', '/blob_coverage_controller/markers', 'default', (m) => got.push(m));
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  for (let k = 0; k < 3; k++) {
    odom.forEach((p, i) => p.publish(poseAt(-0.5 + 0.03 * i, -0.5, clock.now())));
    clock.advanceTo(clock.now() + 0.1);
  }
  const last = got.at(-1)!;
  assert.equal(last.markers[0].action, 3);
  const spheres = last.markers.find((m) => m.ns === 'robots')!;
  const arrows = last.markers.find((m) => m.ns === 'commands')!;
  assert.equal(spheres.points.length, 3);
  assert.equal(arrows.points.length, 6);
  assert.ok(Math.abs(spheres.points[1].x - -0.47) < 1e-12);
  assert.equal(sent, got.length);
});

test('parameter algorithm switches the law live over the same target; an unknown law is refused with the reason', async () => {
  const { clock, node, ctl, robots, cmds } = setup({});
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  const fly = (ticks: number) => {
    for (let k = 0; k < ticks; k++) {
      const t = clock.now();
      odom.forEach((p, i) => p.publish(poseAt(-0.5 + 0.2 * i, -0.5, t)));
      clock.advanceTo(t + 0.1);
    }
  };
  fly(2);
  const blob = ctl.controller.currentLaw;
  assert.equal(blob.algorithm, 'blob');
  for (const algorithm of ['lloyd', 'langevin', 'blob'] as const) {
    assert.deepEqual(node.setParameters({ algorithm }), { successful: true });
    await ctl.whenSettled();
    const law = ctl.controller.currentLaw;
    assert.equal(law.algorithm, algorithm);
    assert.equal(law.target, blob.target, 'the target is kept, not read again');
    fly(3);
    assert.ok(cmds.every((c) => Math.hypot((c.at(-1) as Twist).linear.x, (c.at(-1) as Twist).linear.y) > 0), `${algorithm}: every robot moves`);
  }
  const refused = node.setParameters({ algorithm: 'voronoi' });
  assert.equal(refused.successful, false);
  assert.match((refused as { reason: string }).reason, /parameter 'algorithm' must be one of blob, lloyd, langevin, got 'voronoi'/);
  assert.equal(ctl.controller.currentLaw.algorithm, 'blob');
  // Lloyd's gain is checked against the rate when Lloyd's law runs (it would overshoot within a tick).
  assert.deepEqual(node.setParameters({ lloyd_gain: 20.0 }), { successful: true });
  const tooFast = node.setParameters({ algorithm: 'lloyd' });
  assert.match((tooFast as { reason: string }).reason, /algorithm lloyd needs lloyd_gain \(20 1\/s\) <= rate \(10 Hz\)/);
  assert.deepEqual(node.setParameters({ algorithm: 'lloyd', rate: 25.0 }), { successful: true });
  await ctl.whenSettled();
  assert.equal(ctl.controller.currentLaw.algorithm, 'lloyd');
  ctl.close();
});

test('the Langevin law is rebuilt when the rate changes: its noise follows the control period', async () => {
  const { node, ctl } = setup({ algorithm: 'langevin' });
  const law = ctl.controller.currentLaw as LangevinLaw;
  assert.equal(law.settings.period, 0.1);
  assert.deepEqual(node.setParameters({ rate: 20.0 }), { successful: true });
  await ctl.whenSettled();
  const rebuilt = ctl.controller.currentLaw as LangevinLaw;
  assert.notEqual(rebuilt, law);
  assert.equal(rebuilt.settings.period, 0.05);
  ctl.close();
});

test('frames: a pose in another frame than world_frame is refused, its robot held at zero, WARN naming both frames, /diagnostics ERROR', () => {
  const { clock, bus, robots, cmds, warnings } = setup({});
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  const diags: DiagnosticArray[] = [];
  robots.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', 'sensor', (m) => diags.push(m));
  for (let k = 0; k < 12; k++) {
    const t = clock.now();
    odom.forEach((p, i) => {
      const m = poseAt(-0.5 + 0.3 * i, -0.5, t);
      if (i === 1) m.header.frame_id = 'robot_1/odom';
      p.publish(m);
    });
    clock.advanceTo(t + 0.1);
  }
  bus.flush();
  const speed = (i: number) => Math.hypot((cmds[i].at(-1) as Twist).linear.x, (cmds[i].at(-1) as Twist).linear.y);
  assert.ok(speed(0) > 0 && speed(2) > 0, 'robots in the world frame move');
  assert.equal(speed(1), 0, 'the robot in another frame is held at zero');
  assert.ok(warnings.some((w) => /robot_1.*'robot_1\/odom'.*world_frame 'map'/.test(w)), warnings.join('\n'));
  const status = diags.at(-1)!.status[0];
  assert.equal(status.level, 2);
  assert.match(status.message, /1 robots send poses in another frame than world_frame 'map' \(robot_1: 'robot_1\/odom'\)/);
  // A leading slash is the same frame for tf2.
  const { clock: c2, robots: r2, cmds: k2, warnings: w2 } = setup({ world_frame: '/map' });
  const o2 = [0, 1, 2].map((i) => r2.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  [0, 1, 2].forEach((i) => r2.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => k2[i].push(m)));
  for (let k = 0; k < 3; k++) {
    const t = c2.now();
    o2.forEach((p, i) => p.publish(poseAt(-0.5 + 0.3 * i, -0.5, t)));
    c2.advanceTo(t + 0.1);
  }
  assert.equal(w2.length, 0, w2.join('\n'));
});

test('pose_offsets place odometry that starts at zero at each robot\'s spawn pose in the world frame', () => {
  const offsets = [0.5, 0.5, Math.PI / 2, -0.5, 0.5, 0, 0, -0.5, Math.PI];
  const { clock, ctl, robots } = setup({ pose_offsets: offsets });
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  const t = clock.now();
  odom.forEach((p) => {
    const m = poseAt(0.2, 0, t);
    m.header.frame_id = 'odom';
    p.publish(m);
  });
  clock.advanceTo(t + 0.1);
  const p = ctl.controller.positions();
  // 0.2 m forward in each odometry frame: rotated by the spawn yaw, then moved to the spawn point.
  const expected = [0.5, 0.7, -0.3, 0.5, -0.2, -0.5];
  expected.forEach((v, k) => assert.ok(Math.abs(p[k] - v) < 1e-12, `coordinate ${k}: ${p[k]} vs ${v}`));
  assert.throws(() => setup({ pose_offsets: [0, 0, 0] }), /pose_offsets must hold 3 numbers \(x, y, yaw\) for each of the 3 robots: 9 numbers, got 3/);
});

test('the ~/emergency_stop service (std_srvs/SetBool) stops every robot at once and releases them', () => {
  const { clock, bus, robots, cmds } = setup({});
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  const run = (n: number) => {
    for (let k = 0; k < n; k++) {
      const t = clock.now();
      odom.forEach((p, i) => p.publish(poseAt(-0.5 + 0.3 * i, -0.5, t)));
      clock.advanceTo(t + 0.1);
    }
  };
  run(3);
  const counts = cmds.map((c) => c.length);
  const r = bus.callService('std_srvs/srv/SetBool', '/blob_coverage_controller/emergency_stop', { data: true });
  assert.equal(r.success, true);
  cmds.forEach((c, i) => {
    assert.equal(c.length, counts[i] + 1, 'zero sent on the call, before the next tick');
    assert.deepEqual((c.at(-1) as Twist).linear, { x: 0, y: 0, z: 0 });
  });
  run(3);
  assert.ok(cmds.every((c) => (c.at(-1) as Twist).linear.x === 0 && (c.at(-1) as Twist).linear.y === 0));
  assert.equal(bus.callService('std_srvs/srv/SetBool', '/blob_coverage_controller/emergency_stop', { data: false }).success, true);
  run(3);
  assert.ok(cmds.some((c) => (c.at(-1) as Twist).linear.x !== 0));
  assert.equal(bus.callService('std_srvs/srv/SetBool', '/blob_coverage_controller/emergency_stop', {} as { data: boolean }).success, false);
});

test('/diagnostics reports the squared MMD of the live robots, measured a slice a tick, exactly', () => {
  const { clock, bus, robots, ctl } = setup({});
  const diags: DiagnosticArray[] = [];
  robots.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', 'default', (m) => diags.push(m));
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  const at = [[-0.5, -0.5], [0.1, 0.2], [0.4, -0.3]];
  for (let k = 0; k < 30; k++) {
    const t = clock.now();
    odom.forEach((p, i) => p.publish(poseAt(at[i][0], at[i][1], t)));
    clock.advanceTo(t + 0.1);
  }
  bus.flush();
  const reported = diags.map((d) => d.status[0].values.find((kv) => kv.key === 'mmd2')?.value);
  const expected = controllerMmd(ctl.controller.currentLaw.target).evaluate(Float64Array.from(at.flat())).toExponential(3);
  assert.equal(reported.at(-1), expected);
  ctl.close();
});

test('pose_type tf: one TFMessage topic gives every robot its pose; other transforms are ignored, a robot in another frame is refused', () => {
  const { clock, bus, robots, cmds, warnings } = setup({ pose_type: 'tf', pose_topic: '/tf' });
  [0, 1, 2].forEach((i) => robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m) => cmds[i].push(m)));
  assert.equal(bus.subscriptionCount('/robot_0/odom'), 0, 'no per-robot pose topics');
  const tf = robots.createPublisher('tf2_msgs/msg/TFMessage', '/tf', 'default');
  const transform = (parent: string, child: string, x: number, y: number, t: number) => ({
    header: { stamp: timeMsg(t), frame_id: parent },
    child_frame_id: child,
    transform: { translation: { x, y, z: 0 }, rotation: quaternionOfYaw(0) },
  });
  clock.advanceTo(0.05); // a zero stamp is no stamp
  for (let k = 0; k < 10; k++) {
    const t = clock.now();
    tf.publish({
      transforms: [
        transform('map', 'robot_0/base_link', -0.5, -0.5, t),
        transform('map', 'robot_1', 0, -0.5, t), // a bare name, as Gazebo's pose info and mocap bodies give it
        transform('robot_2/odom', 'robot_2/base_link', 0, 0, t), // a tf tree's odometry: not a world-frame pose
        transform('map', 'lidar_link', 0, 0, t), // not a robot: ignored without a word
      ],
    });
    clock.advanceTo(t + 0.1);
  }
  bus.flush();
  const speed = (i: number) => Math.hypot((cmds[i].at(-1) as Twist).linear.x, (cmds[i].at(-1) as Twist).linear.y);
  assert.ok(speed(0) > 0 && speed(1) > 0, 'robots with a world-frame transform move');
  assert.equal(speed(2), 0, 'robot_2 has no pose in world_frame: zero');
  assert.ok(warnings.some((w) => /ignored 1 of 4 poses on \/tf \(first problem: a frame other than world_frame 'map'\)/.test(w)), warnings.join('\n'));
  assert.ok(!warnings.some((w) => /lidar_link|no robot of the swarm/.test(w)), 'other child frames are not a problem on /tf');
});

test('an absolute pose_topic is refused unless pose_type is tf', () => {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const logger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const node = bus.createNode('blob_coverage_controller', { logger, parameters: { robot_count: 3, pose_topic: '/tf' } });
  assert.throws(() => new CoverageControllerNode(node, demo), /'pose_topic' must be relative .*an absolute name only with pose_type tf/);
});
