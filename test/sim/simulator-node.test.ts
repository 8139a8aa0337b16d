import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Odometry, PoseStamped, TFMessage } from '../../src/node/messages.js';
import { MSG, secondsOf, timeMsg, yawOf } from '../../src/node/messages.js';
import { checkParam, defaults } from '../../src/params/schema.js';
import { SIMULATOR_SCHEMA, robotNamesOf, simulatorCrossCheck } from '../../src/sim/params.js';
import { SwarmSimulatorNode, simulatorLayout } from '../../src/sim/simulator-node.js';
import type { ParamValues } from '../../src/params/schema.js';
import { collect, quiet, rig, twist } from './rig.js';

test('the schema: every default passes its checks, names are unique, robots are named from the prefix', () => {
  const names = new Set<string>();
  for (const p of SIMULATOR_SCHEMA) {
    assert.equal(checkParam(p, p.default), undefined, p.name);
    assert.ok(!names.has(p.name), `duplicate ${p.name}`);
    names.add(p.name);
    assert.ok(p.description.length > 10, `${p.name} needs a description`);
  }
  const d = defaults(SIMULATOR_SCHEMA);
  assert.equal(simulatorCrossCheck(d), undefined);
  assert.equal(d.rate, 50);
  assert.equal(d.cmd_timeout, 0.5);
  assert.deepEqual(robotNamesOf({ ...d, robot_count: 3 }), ['robot_0', 'robot_1', 'robot_2']);
  assert.deepEqual(robotNamesOf({ ...d, robot_names: ['cf1', 'cf2'] }), ['cf1', 'cf2']);
});

test('Twist commands drive the addressed robot, on /<name>/cmd_vel', () => {
  const r = rig({ robot_count: 3 });
  const pub = r.driver.createPublisher(MSG.Twist, '/robot_1/cmd_vel', 'command');
  pub.publish(twist(0.5, 0.25));
  r.bus.flush();
  r.clock.advanceTo(0.2);
  const p = r.sim.positions();
  assert.ok(Math.abs(p[2] - (2 + 0.1)) < 1e-12, `x ${p[2]}`);
  assert.ok(Math.abs(p[3] - 0.05) < 1e-12, `y ${p[3]}`);
  assert.deepEqual([p[0], p[1], p[4], p[5]], [0, 0, 4, 0], 'the other robots stay');
  assert.equal(r.sim.stats().ticks, 10, '50 Hz');
});

test('TwistStamped commands drive the robot when cmd_type is twist_stamped (and a custom topic is honoured)', () => {
  const r = rig({ robot_names: ['tb3_0', 'tb3_1'], cmd_type: 'twist_stamped', cmd_topic: 'cmd_vel_stamped', drive: 'diff_drive' }, { initial: new Float64Array([0, 0, 1, 1]) });
  const pub = r.driver.createPublisher(MSG.TwistStamped, '/tb3_0/cmd_vel_stamped', 'command');
  pub.publish({ header: { stamp: timeMsg(0), frame_id: 'tb3_0/base_link' }, twist: twist(0.2, 0, 1) });
  r.bus.flush();
  r.clock.advanceTo(0.4);
  const p = r.sim.positions();
  const y = r.sim.yaws();
  // The unicycle arc: x = v/w sin(wt), y = v/w (1 - cos(wt)).
  assert.ok(Math.abs(p[0] - 0.2 * Math.sin(0.4)) < 1e-12, `x ${p[0]}`);
  assert.ok(Math.abs(p[1] - 0.2 * (1 - Math.cos(0.4))) < 1e-12, `y ${p[1]}`);
  assert.ok(Math.abs(y[0] - 0.4) < 1e-12);
  assert.deepEqual([p[2], p[3], y[1]], [1, 1, 0]);
  // A Twist publisher on the stamped topic is a type conflict, as in ROS.
  assert.throws(() => r.driver.createPublisher(MSG.Twist, '/tb3_0/cmd_vel_stamped', 'command'), /carries/);
});

test('a robot stops 0.5 s after its last command', () => {
  const r = rig({ robot_count: 1 }, { initial: new Float64Array([0, 0]) });
  const pub = r.driver.createPublisher(MSG.Twist, '/robot_0/cmd_vel', 'command');
  const odom = collect<Odometry>(r, MSG.Odometry, '/robot_0/odom');
  pub.publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(0.4);
  assert.ok(Math.abs(r.sim.positions()[0] - 0.4) < 1e-12);
  r.clock.advanceTo(2);
  assert.ok(Math.abs(r.sim.positions()[0] - 0.5) < 1e-12, `stopped at ${r.sim.positions()[0]}`);
  assert.equal(odom[odom.length - 1].twist.twist.linear.x, 0, 'odometry reports the stop');
  assert.equal(odom[10].twist.twist.linear.x, 1, 'and the motion before');
});

test('Odometry and PoseStamped: stamps from the node clock, frames, yaw quaternion, twist', () => {
  const r = rig({ robot_count: 2, also_pose_stamped: true, world_frame: 'world' }, { initial: new Float64Array([1, 2, 3, 4]), initialYaw: new Float64Array([1.2, -2.5]) });
  const odom = collect<Odometry>(r, MSG.Odometry, '/robot_1/odom');
  const poses = collect<PoseStamped>(r, MSG.PoseStamped, '/robot_1/pose');
  const stampsAtReceipt: number[] = [];
  r.driver.createSubscription(MSG.Odometry, '/robot_0/odom', 'sensor', () => stampsAtReceipt.push(r.clock.now()));
  r.clock.advanceTo(1);
  assert.equal(odom.length, 50);
  assert.equal(poses.length, 50);
  odom.forEach((m, k) => {
    assert.ok(Math.abs(secondsOf(m.header.stamp) - (k + 1) / 50) < 1e-9, `stamp ${k}`);
    assert.equal(m.header.frame_id, 'world');
    assert.equal(m.child_frame_id, 'robot_1/base_link');
  });
  assert.deepEqual(stampsAtReceipt.slice(0, 2).map((t) => Math.round(t * 50)), [1, 2]);
  const last = odom[49];
  assert.deepEqual(last.pose.pose.position, { x: 3, y: 4, z: 0 });
  assert.ok(Math.abs(yawOf(last.pose.pose.orientation) - -2.5) < 1e-12);
  assert.ok(Math.abs(last.pose.pose.orientation.z - Math.sin(-1.25)) < 1e-15);
  assert.ok(Math.abs(last.pose.pose.orientation.w - Math.cos(-1.25)) < 1e-15);
  const lp = poses[49];
  assert.deepEqual(lp.header, last.header);
  assert.deepEqual(lp.pose, last.pose.pose);
  // Without also_pose_stamped no pose topic exists.
  const plain = rig({ robot_count: 2 });
  assert.ok(!plain.bus.topicNames().includes('/robot_0/pose'));
  assert.ok(plain.bus.topicNames().includes('/robot_0/odom'));
  assert.ok(plain.bus.topicNames().includes('/robot_0/cmd_vel'));
});

test('pose noise is seeded: same seed same poses, another seed other poses, zero noise the true pose', () => {
  const run = (params: ParamValues) => {
    const r = rig({ robot_count: 4, ...params });
    const odom = collect<Odometry>(r, MSG.Odometry, '/robot_2/odom');
    r.driver.createPublisher(MSG.Twist, '/robot_2/cmd_vel', 'command').publish(twist(0.3, 0, 0.5));
    r.bus.flush();
    r.clock.advanceTo(0.3);
    return { r, xs: odom.map((m) => [m.pose.pose.position.x, m.pose.pose.position.y, yawOf(m.pose.pose.orientation)]) };
  };
  const a = run({ pose_noise: 0.05, yaw_noise: 0.1, seed: 11 });
  const b = run({ pose_noise: 0.05, yaw_noise: 0.1, seed: 11 });
  const c = run({ pose_noise: 0.05, yaw_noise: 0.1, seed: 12 });
  const z = run({ seed: 11 });
  assert.equal(a.xs.length, 15);
  assert.deepEqual(a.xs, b.xs);
  assert.notDeepEqual(a.xs, c.xs);
  // The noise is on the published pose only: the true state is that of the noise-free run.
  assert.deepEqual([...a.r.sim.positions()], [...z.r.sim.positions()]);
  assert.deepEqual([...a.r.sim.yaws()], [...z.r.sim.yaws()]);
  const truth = z.r.sim.positions();
  const [zx, zy, zyaw] = z.xs[z.xs.length - 1];
  assert.equal(zx, truth[4]);
  assert.equal(zy, truth[5]);
  assert.ok(Math.abs(zyaw - z.r.sim.yaws()[2]) < 1e-15);
  assert.ok(a.xs.some(([x], k) => Math.abs(x - z.xs[k][0]) > 1e-3), 'the noise is visible');
});

test('odometry drops happen at about the configured rate, reproducibly', () => {
  const run = (seed: number) => {
    const r = rig({ robot_count: 10, drop_probability: 0.3, seed });
    let got = 0;
    for (let i = 0; i < 10; i++) r.driver.createSubscription(MSG.Odometry, `/robot_${i}/odom`, 'sensor', () => got++);
    r.clock.advanceTo(4); // 200 ticks x 10 robots = 2000 draws
    return { got, stats: r.sim.stats() };
  };
  const a = run(5);
  assert.equal(a.stats.ticks, 200);
  assert.equal(a.got + a.stats.dropped, 2000);
  assert.equal(a.got, a.stats.published);
  // Binomial(2000, 0.3): std ~ 20.5; allow 4 std.
  assert.ok(Math.abs(a.stats.dropped - 600) < 82, `dropped ${a.stats.dropped}`);
  assert.equal(run(5).got, a.got, 'same seed, same drops');
  const none = rig({ robot_count: 2 });
  none.clock.advanceTo(1);
  assert.equal(none.sim.stats().dropped, 0);
});

test('commands with non-finite fields are ignored with a warning naming the robot; the previous command stays', () => {
  const r = rig({ robot_count: 2 });
  const pub = r.driver.createPublisher(MSG.Twist, '/robot_0/cmd_vel', 'command');
  pub.publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(0.1);
  pub.publish(twist(Number.NaN));
  pub.publish({ linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: Number.POSITIVE_INFINITY } });
  r.bus.flush();
  r.clock.advanceTo(0.3);
  const p = r.sim.positions();
  assert.ok(Math.abs(p[0] - 0.3) < 1e-12, `kept moving at 1 m/s: ${p[0]}`);
  assert.ok(Number.isFinite(p[1]) && p[1] === 0);
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0].message, /robot_0/);
  assert.equal(r.warnings[0].fields?.robot, 'robot_0');
  // The ignored messages do not refresh the watchdog: the robot stops 0.5 s after the last valid command.
  r.clock.advanceTo(1);
  assert.ok(Math.abs(r.sim.positions()[0] - 0.5) < 1e-12);
});

test('live parameters apply at the next tick; invalid and read-only ones are refused with a reason', () => {
  const r = rig({ robot_count: 1 }, { initial: new Float64Array([0, 0]) });
  const pub = r.driver.createPublisher(MSG.Twist, '/robot_0/cmd_vel', 'command');
  const simHandle = r.handle;
  pub.publish(twist(0, 1));
  r.bus.flush();
  r.clock.advanceTo(0.1);
  assert.ok(Math.abs(r.sim.positions()[1] - 0.1) < 1e-12, 'holonomic: linear.y moves the robot');
  assert.deepEqual(simHandle.setParameters({ drive: 'diff_drive', cmd_timeout: 2.0 }), { successful: true });
  r.clock.advanceTo(0.2);
  assert.ok(Math.abs(r.sim.positions()[1] - 0.1) < 1e-12, 'diff_drive: linear.y is ignored from the next tick');
  pub.publish(twist(1));
  r.bus.flush();
  r.clock.advanceTo(1.2);
  assert.ok(Math.abs(r.sim.positions()[0] - 1.0) < 1e-9, `the 2 s timeout is in force: ${r.sim.positions()[0]}`);

  const refusals: [ParamValues, RegExp][] = [
    [{ pose_noise: -0.1 }, /'pose_noise' must be >= 0 m, got -0.1/],
    [{ drop_probability: 1.5 }, /'drop_probability' must be <= 1, got 1.5/],
    [{ drive: 'omni' }, /'drive' must be one of holonomic, diff_drive/],
    [{ cmd_timeout: 0 }, /'cmd_timeout' must be >= 0.001/],
    [{ robot_count: 3 }, /'robot_count' is read-only/],
    [{ seed: 2 }, /'seed' is read-only/],
    [{ no_such: 1 }, /unknown parameter 'no_such'/],
  ];
  for (const [u, re] of refusals) {
    const v = simHandle.setParameters(u);
    assert.ok(!v.successful && re.test(v.reason), `${JSON.stringify(u)}: ${JSON.stringify(v)}`);
  }
  // Nothing changed: still diff drive and no drops.
  const before = r.sim.stats().dropped;
  r.clock.advanceTo(1.5);
  assert.equal(r.sim.stats().dropped, before);
  assert.ok(Math.abs(r.sim.positions()[1] - 0.1) < 1e-12);
  // Drops can be switched on live.
  assert.deepEqual(simHandle.setParameters({ drop_probability: 1 }), { successful: true });
  r.clock.advanceTo(1.6);
  assert.equal(r.sim.stats().dropped - before, 5);
});

test('start-up errors: a wrong number of initial positions, an invalid start-up parameter', () => {
  const bus = new InProcessBus(new VirtualClock());
  assert.throws(() => new SwarmSimulatorNode(bus.createNode('s1', { logger: quiet, parameters: { robot_count: 3 } }), { initial: new Float64Array(4) }), /2 initial positions for 3 robots/);
  assert.throws(() => new SwarmSimulatorNode(bus.createNode('s2', { logger: quiet, parameters: { rate: 0 } }), { initial: new Float64Array(20) }), /'rate' must be >= 1/);
});

test('simulatorLayout: a line when no scenario, else the scenario layout resampled for the count, with its walls', () => {
  assert.deepEqual([...simulatorLayout('', 2).initial], [0, 0, 0.5, 0]);
  const demo = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
  const l = simulatorLayout(demo, 7);
  assert.equal(l.initial.length, 14);
  assert.deepEqual(l.domain, { xmin: -1, xmax: 1, ymin: -1, ymax: 1 });
  // demo.yaml releases the robots from the corner box [-1, -0.6]^2.
  for (const v of l.initial) assert.ok(v >= -1 && v <= -0.6, `${v}`);
  assert.throws(() => simulatorLayout('/nonexistent/x.yaml', 3), /not found/);
});

test('/tf: one TFMessage per physics tick with world_frame -> <namespace>/<robot>/base_link, the published pose; topics under the namespace', () => {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const node = bus.createNode('swarm_simulator', { namespace: '/swarm_a', logger: quiet, parameters: { robot_count: 2 } });
  new SwarmSimulatorNode(node, { initial: new Float64Array([1, 2, 3, 4]) });
  const driver = bus.createNode('driver', { logger: quiet });
  const tf: TFMessage[] = [];
  driver.createSubscription(MSG.TFMessage, '/tf', 'default', (m) => tf.push(m));
  const odom: Odometry[] = [];
  driver.createSubscription(MSG.Odometry, '/swarm_a/robot_1/odom', 'sensor', (m) => odom.push(m));
  clock.advanceTo(0.1);
  assert.equal(tf.length, 5, '50 Hz');
  assert.equal(odom.length, 5, 'odometry on the namespaced topic');
  const last = tf.at(-1)!.transforms;
  assert.deepEqual(last.map((t) => [t.header.frame_id, t.child_frame_id]), [['map', 'swarm_a/robot_0/base_link'], ['map', 'swarm_a/robot_1/base_link']]);
  assert.deepEqual(last[1].transform.translation, { x: 3, y: 4, z: 0 });
  assert.equal(odom.at(-1)!.child_frame_id, 'swarm_a/robot_1/base_link');
  const quietSim = bus.createNode('quiet_sim', { namespace: '/b', logger: quiet, parameters: { robot_count: 1, publish_tf: false } });
  new SwarmSimulatorNode(quietSim, { initial: new Float64Array([0, 0]) });
  const before = tf.length;
  clock.advanceTo(0.2);
  assert.ok(tf.slice(before).every((m) => m.transforms.every((t) => t.child_frame_id.startsWith('swarm_a/'))), 'publish_tf false: nothing from the other');
});
