import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Rcl from 'rclnodejs';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import type { Logger } from '../../src/node/interface.js';
import { quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import type { Twist } from '../../src/node/messages.js';
import { rosNodeHandle } from '../../src/ros/adapter.js';
import type { RclModule } from '../../src/ros/adapter.js';
import * as fake from './fake-rclnodejs.js';

const rcl = fake as unknown as RclModule;
const demo = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function controllerOn(overrides: Record<string, unknown>) {
  const node = new fake.Node('blob_coverage_controller', '', { robot_count: 2n, ...overrides });
  const handle = rosNodeHandle(rcl, node as unknown as Rcl.Node, quiet);
  const ctl = new CoverageControllerNode(handle, demo);
  return { node, handle, ctl };
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

test('start-up overrides: the right types are taken, a wrong type is refused with a hint', () => {
  const { node } = controllerOn({ rate: 12.5, drive: 'diff_drive' });
  assert.equal(node.value('rate'), 12.5);
  assert.throws(() => controllerOn({ rate: 10n }), /Invalid parameter type for rate/);
  assert.throws(() => controllerOn({ drive: 'tank' }), /'drive' must be one of holonomic, diff_drive/);
});

test('live changes through ros2 param set: accepted, refused with the reason', async () => {
  const { node, handle, ctl } = controllerOn({});
  const set = (name: string, type: number, value: unknown) => node.setParametersAtomically([new fake.Parameter(name, type, value)]);
  const D = fake.ParameterType.PARAMETER_DOUBLE;
  assert.deepEqual(set('rate', D, 12.5), { successful: true, reason: '' });
  assert.equal(node.value('rate'), 12.5);
  assert.match(set('rate', fake.ParameterType.PARAMETER_INTEGER, 20n).reason, /Invalid parameter type/);
  assert.match(set('rate', D, 500).reason, /out of range/);
  assert.match(set('robot_count', fake.ParameterType.PARAMETER_INTEGER, 5n).reason, /read-only/);
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
  assert.deepEqual(handle.setParameters({ max_linear_speed: 0.3 }), { successful: true });
  // Parameters the node does not own (rclnodejs declares use_sim_time itself) are not vetoed.
  const cb = (node as unknown as { callbacks: ((ps: fake.Parameter[]) => { successful: boolean })[] }).callbacks[0];
  assert.equal(cb([new fake.Parameter('use_sim_time', fake.ParameterType.PARAMETER_BOOL, true)]).successful, true);
  assert.equal(node.value('max_linear_speed'), 0.3);
  ctl.close();
});

test('timers take bigint nanoseconds; poses in, commands out with the right QoS', () => {
  const { node } = controllerOn({});
  assert.equal(node.timers[0].period, 100_000_000n, '10 Hz');
  const sensor = node.subscriptions.get('/robot_0/odom')!.qos;
  assert.equal(sensor.reliability(), fake.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT);
  assert.equal(sensor.depth, 5);
  const cmdQos = node.publisherQos.get('/robot_0/cmd_vel')!;
  assert.equal(cmdQos.reliability(), fake.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE);
  assert.equal(node.publisherQos.get('/blob_coverage_controller/target_density')?.durability() ?? node.publisherQos.get('~/target_density')!.durability(), fake.QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL);
  for (let k = 0; k < 5; k++) {
    const t = Number(node.now().nanoseconds) * 1e-9;
    [0, 1].forEach((i) =>
      node.deliver(`/robot_${i}/odom`, {
        header: { stamp: timeMsg(t), frame_id: 'map' },
        child_frame_id: 'base_link',
        pose: { pose: { position: { x: -0.5 + 0.05 * i, y: -0.5, z: 0 }, orientation: quaternionOfYaw(0) } },
        twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } },
      }),
    );
    node.advance(0.1);
  }
  const cmds = node.published.get('/robot_0/cmd_vel') as Twist[];
  assert.equal(cmds.length, 5);
  assert.ok(Math.hypot(cmds[4].linear.x, cmds[4].linear.y) > 0);
});

test('log lines reach the ROS logger', () => {
  const { node } = controllerOn({});
  assert.ok(node.rosLog.some((l) => /^INFO: coverage controller: 2 robots/.test(l)), node.rosLog.join('\n'));
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
