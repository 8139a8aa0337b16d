import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Rcl from 'rclnodejs';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import type { Twist } from '../../src/node/messages.js';
import { rosNodeHandle } from '../../src/ros/adapter.js';
import type { RclModule } from '../../src/ros/adapter.js';
import * as fake from './fake-rclnodejs.js';

const rcl = fake as unknown as RclModule;
const demo = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');

function controllerOn(overrides: Record<string, unknown>, namespace = '') {
  const node = new fake.Node('blob_coverage_controller', namespace, { robot_count: 2n, ...overrides });
  const handle = rosNodeHandle(rcl, node as unknown as Rcl.Node);
  const ctl = new CoverageControllerNode(handle, demo);
  return { node, handle, ctl };
}

/** An odometry message at (x, y) in `frame`, stamped `t`. */
function odom(x: number, y: number, t: number, frame = 'map') {
  return {
    header: { stamp: timeMsg(t), frame_id: frame },
    child_frame_id: 'base_link',
    pose: { pose: { position: { x, y, z: 0 }, orientation: quaternionOfYaw(0) } },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } },
  };
}

test('parameters are declared with descriptors: description with range, read-only flag, continuous ranges', () => {
  const { node } = controllerOn({});
  const rate = node.descriptor('rate')!;
  assert.equal(rate.type, fake.ParameterType.PARAMETER_DOUBLE);
  assert.match(rate.description, /Range \[1, 100\] Hz/);
  assert.equal((rate.range as fake.FloatingPointRange).step, 0, 'step 0: 12.5 Hz is allowed');
  assert.equal(node.descriptor('robot_count')!.readOnly, true);
  assert.equal(node.value('robot_count'), 2n, 'INTEGER parameters are BigInt');
  assert.equal(node.descriptor('robot_count')!.type, fake.ParameterType.PARAMETER_INTEGER);
});

test('start-up overrides: the right types are taken; a wrong type or value is refused with the node\'s own reason', () => {
  const { node } = controllerOn({ rate: 12.5, drive: 'diff_drive' });
  assert.equal(node.value('rate'), 12.5);
  assert.throws(() => controllerOn({ rate: 10n }), /parameter 'rate' must be a double, got the integer 10 \(write 10\.0, not 10\)/);
  assert.throws(() => controllerOn({ rate: 500 }), /parameter 'rate' must be <= 100 Hz, got 500/);
  assert.throws(() => controllerOn({ drive: 'tank' }), /'drive' must be one of holonomic, diff_drive/);
});

test('live changes through ros2 param set: the node\'s own reason for every refusal, never rclnodejs\'s garbled one', async () => {
  const { node, handle, ctl } = controllerOn({});
  const set = (name: string, type: number, value: unknown) => node.setParametersAtomically([new fake.Parameter(name, type, value)]);
  const D = fake.ParameterType.PARAMETER_DOUBLE;
  assert.deepEqual(set('rate', D, 12.5), { successful: true, reason: '' });
  assert.equal(node.value('rate'), 12.5);
  const refusals = [
    [set('max_linear_speed', fake.ParameterType.PARAMETER_INTEGER, 1n).reason, /^parameter 'max_linear_speed' must be a double, got the integer 1 \(write 1\.0, not 1\)$/],
    [set('max_linear_speed', D, 50).reason, /^parameter 'max_linear_speed' must be <= 20 m\/s, got 50$/],
    [set('rate', D, 0.5).reason, /^parameter 'rate' must be >= 1 Hz, got 0\.5$/],
    [set('langevin_seed', D, 1.5).reason, /must be a integer, got the double 1\.5 \(write 1, without a decimal point\)/],
    [set('drive', fake.ParameterType.PARAMETER_STRING, 'diffdrive').reason, /'drive' must be one of holonomic, diff_drive, got 'diffdrive'/],
  ] as const;
  for (const [reason, expected] of refusals) {
    assert.match(reason, expected);
    assert.doesNotMatch(reason, /does not {2}readonly/);
  }
  assert.equal(node.value('max_linear_speed'), 0.22, 'a refused value is not stored');
  assert.equal(node.value('rate'), 12.5);
  assert.match(set('robot_count', fake.ParameterType.PARAMETER_INTEGER, 5n).reason, /readonly/);
  const S = fake.ParameterType.PARAMETER_STRING;
  const hostile = set('target', S, '{domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}, target: {type: expression, expr: "sum(1:2000)"}}');
  assert.ok(!hostile.successful);
  assert.match(hostile.reason, /calls 'sum', which is not allowed/);
  assert.equal(node.value('target'), '', 'the refused target was not stored');
  // A target only its values show wrong is accepted, built aside, refused, and the parameter restored.
  assert.ok(set('target', S, '{domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}, target: {type: expression, expr: "-1"}}').successful);
  await ctl.whenSettled();
  assert.match((ctl.targetStatus as { reason?: string }).reason ?? '', /negative at/);
  assert.equal(node.value('target'), '', 'ros2 param get shows the last good target again');
  // After a refusal, a good change goes through (the pre-set callback keeps no stale reason).
  assert.deepEqual(set('max_linear_speed', D, 0.3), { successful: true, reason: '' });
  assert.deepEqual(handle.setParameters({ max_linear_speed: 0.25 }), { successful: true });
  assert.equal(node.value('max_linear_speed'), 0.25);
  // Parameters the node does not own (rclnodejs declares use_sim_time itself) are not vetoed.
  const cb = (node as unknown as { callbacks: ((ps: fake.Parameter[]) => { successful: boolean })[] }).callbacks[0];
  assert.equal(cb([new fake.Parameter('use_sim_time', fake.ParameterType.PARAMETER_BOOL, true)]).successful, true);
  ctl.close();
});

test('timers take bigint nanoseconds; robot topics resolve under the node\'s namespace; poses in, commands out with the right QoS', () => {
  const { node } = controllerOn({}, '/swarm_a');
  assert.equal(node.timers[0].period, 100_000_000n, '10 Hz');
  const sensor = node.subscriptions.get('/swarm_a/robot_0/odom')![0].qos;
  assert.equal(sensor.reliability(), fake.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT);
  assert.equal(sensor.depth, 5);
  const cmdQos = node.publisherQos.get('/swarm_a/robot_0/cmd_vel')!;
  assert.equal(cmdQos.reliability(), fake.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE);
  assert.equal(node.publisherQos.get('/swarm_a/blob_coverage_controller/target_density')!.durability(), fake.QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL);
  assert.ok(node.publisherQos.has('/diagnostics'), '/diagnostics stays absolute');
  assert.ok(node.services.has('/swarm_a/blob_coverage_controller/emergency_stop'));
  for (let k = 0; k < 5; k++) {
    const t = Number(node.now().nanoseconds) * 1e-9;
    [0, 1].forEach((i) => node.deliver(`/swarm_a/robot_${i}/odom`, odom(-0.5 + 0.3 * i, -0.5, t)));
    node.advance(0.1);
  }
  const cmds = node.published.get('/swarm_a/robot_0/cmd_vel') as Twist[];
  assert.equal(cmds.length, 5);
  assert.ok(Math.hypot(cmds[4].linear.x, cmds[4].linear.y) > 0);
});

test('poses are taken as bytes and decoded by the adapter: a buffer that does not decode is a WARN naming the robot, and the node goes on', () => {
  const { node } = controllerOn({}, '/swarm_r');
  assert.equal(node.subscriptions.get('/swarm_r/robot_0/odom')![0].raw, true, 'odometry subscribed as serialized bytes (isRaw)');
  const tick = (bad: boolean) => {
    const t = Number(node.now().nanoseconds) * 1e-9;
    node.deliver('/swarm_r/robot_0/odom', bad ? Uint8Array.from([0, 1, 0, 0, 7, 7]) : odom(-0.5, -0.5, t));
    node.deliver('/swarm_r/robot_1/odom', odom(-0.2, -0.5, t));
    node.advance(0.1);
  };
  for (let k = 0; k < 3; k++) tick(false);
  tick(true);
  const warns = node.rosLog.filter((l) => l.startsWith('WARN') && /malformed/.test(l));
  assert.equal(warns.length, 1, node.rosLog.join('\n'));
  assert.match(warns[0], /robot_0/);
  assert.doesNotMatch(warns[0], /\b7\b/, 'the bytes are not quoted');
  for (let k = 0; k < 3; k++) tick(false);
  const cmds = node.published.get('/swarm_r/robot_0/cmd_vel') as Twist[];
  assert.equal(cmds.length, 7, 'a command every tick, the bad message\'s included');
  assert.ok(Math.hypot(cmds[6].linear.x, cmds[6].linear.y) > 0, 'robot_0 still commanded');
});

test('markers go out only while ~/markers has a subscriber (rclnodejs counts them through a getter)', () => {
  const { node } = controllerOn({}, '/swarm_m');
  const ticks = (n: number) => {
    for (let k = 0; k < n; k++) {
      const t = Number(node.now().nanoseconds) * 1e-9;
      [0, 1].forEach((i) => node.deliver(`/swarm_m/robot_${i}/odom`, odom(-0.5 + 0.3 * i, -0.5, t)));
      node.advance(0.1);
    }
  };
  const markers = () => node.published.get('/swarm_m/blob_coverage_controller/markers')!.length;
  ticks(3);
  assert.equal(markers(), 0, 'nobody subscribes: nothing built or sent');
  node.createSubscription('visualization_msgs/msg/MarkerArray', '/swarm_m/blob_coverage_controller/markers', { qos: undefined as never }, () => {});
  ticks(3);
  assert.equal(markers(), 3, 'one MarkerArray a tick once RViz subscribes');
});

test('the emergency stop matches the plainest publisher (reliable, volatile) and stops every robot at once, not at the next tick', () => {
  const { node } = controllerOn({}, '/swarm_a');
  const moving = () => {
    const t = Number(node.now().nanoseconds) * 1e-9;
    [0, 1].forEach((i) => node.deliver(`/swarm_a/robot_${i}/odom`, odom(-0.5 + 0.3 * i, -0.5, t)));
    node.advance(0.1);
  };
  for (let k = 0; k < 3; k++) moving();
  const cmds = node.published.get('/swarm_a/robot_1/cmd_vel') as Twist[];
  assert.ok(Math.hypot(cmds[cmds.length - 1].linear.x, cmds[cmds.length - 1].linear.y) > 0, 'moving before the stop');
  const subs = node.subscriptions.get('/swarm_a/emergency_stop')!;
  for (const s of subs) assert.equal(s.qos.durability(), fake.QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE, 'no transient-local subscription: it would never match ros2 topic pub');
  assert.ok(subs.some((s) => s.qos.reliability() === fake.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE), 'a reliable one: a reliable publisher resends until acknowledged');
  const before = cmds.length;
  assert.ok(node.deliver('/swarm_a/emergency_stop', { data: true }, 'volatile') >= 1);
  assert.ok(cmds.length > before, 'zero is published on receipt');
  assert.deepEqual([cmds[cmds.length - 1].linear.x, cmds[cmds.length - 1].linear.y, cmds[cmds.length - 1].angular.z], [0, 0, 0]);
  moving();
  assert.equal(Math.hypot(cmds[cmds.length - 1].linear.x, cmds[cmds.length - 1].linear.y), 0, 'stays stopped');
  assert.deepEqual(node.call('/swarm_a/blob_coverage_controller/emergency_stop', { data: false }), { success: true, message: 'emergency stop released' });
  moving();
  moving();
  assert.ok(Math.hypot(cmds[cmds.length - 1].linear.x, cmds[cmds.length - 1].linear.y) > 0, 'moving again after the release');
  assert.match((node.call('/swarm_a/blob_coverage_controller/emergency_stop', { data: true }) as { message: string }).message, /every robot commanded zero/);
  assert.equal(Math.hypot(cmds[cmds.length - 1].linear.x, cmds[cmds.length - 1].linear.y), 0);
});

test('log lines reach the ROS logger only, one line each, with fields as key=value', () => {
  const { node } = controllerOn({});
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    node.setParametersAtomically([new fake.Parameter('max_linear_speed', fake.ParameterType.PARAMETER_DOUBLE, 0.3)]);
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(written, [], 'nothing besides the ROS logger');
  assert.ok(node.rosLog.some((l) => /^INFO: coverage controller: 2 robots/.test(l)), node.rosLog.join('\n'));
  assert.ok(node.rosLog.some((l) => l === 'INFO: parameters changed: max_linear_speed'), node.rosLog.join('\n'));
  assert.ok(node.rosLog.every((l) => !l.includes('\n')));
});

test('the stand-in behaves like rclnodejs where it bites', () => {
  const n = new fake.Node('x');
  assert.throws(() => n.createTimer(100 as unknown as bigint, () => {}), /bigint/);
  assert.equal(new fake.FloatingPointRange(0, 10).inRange(2.5), false, 'default step 1');
  assert.equal(new fake.FloatingPointRange(0, 10, 0).inRange(2.5), true);
});

test('the ROS entry points exit with one clear line when ROS is not sourced', async () => {
  const { spawnSync } = await import('node:child_process');
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
  for (const bin of ['blob-coverage-controller', 'blob-coverage-simulator']) {
    const env = { ...process.env };
    delete env.AMENT_PREFIX_PATH;
    const r = spawnSync(process.execPath, [join(root, 'bin', `${bin}.js`), '--ros-args', '-p', 'rate:=10.0'], { encoding: 'utf8', env });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /ROS 2 is not sourced .*source your ROS 2 setup.*npm rebuild rclnodejs.*npm start/);
  }
});
