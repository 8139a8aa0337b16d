import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus, resolveTopic } from '../../src/node/inprocess.js';
import type { Logger } from '../../src/node/interface.js';
import { quaternionOfYaw, yawOf } from '../../src/node/messages.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

test('topic names resolve as in ROS', () => {
  assert.equal(resolveTopic('/', 'ctl', 'cmd_vel'), '/cmd_vel');
  assert.equal(resolveTopic('/robot_0', 'ctl', 'cmd_vel'), '/robot_0/cmd_vel');
  assert.equal(resolveTopic('/robot_0', 'ctl', '/estop'), '/estop');
  assert.equal(resolveTopic('/', 'ctl', '~/markers'), '/ctl/markers');
});

test('timers fire in time order on the virtual clock, messages are delivered after each callback', () => {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const a = bus.createNode('a', { logger: quiet });
  const b = bus.createNode('b', { logger: quiet });
  const pub = a.createPublisher('std_msgs/msg/Bool', '/flag', 'default');
  const got: [number, boolean][] = [];
  b.createSubscription('std_msgs/msg/Bool', '/flag', 'default', (m) => got.push([clock.now(), m.data]));
  const order: string[] = [];
  a.createTimer(0.1, () => {
    order.push(`a${clock.now().toFixed(1)}`);
    pub.publish({ data: true });
    assert.equal(got.length, order.filter((o) => o.startsWith('a')).length - 1, 'not delivered inside the callback');
  });
  const t = b.createTimer(0.25, () => order.push(`b${clock.now().toFixed(2)}`));
  clock.advanceTo(0.5);
  // At 0.5 both are due: the earlier-created timer fires first.
  assert.deepEqual(order, ['a0.1', 'a0.2', 'b0.25', 'a0.3', 'a0.4', 'a0.5', 'b0.50']);
  assert.equal(got.length, 5);
  t.cancel();
  clock.advanceTo(1.0);
  assert.equal(order.filter((o) => o.startsWith('b')).length, 2);
});

test('latched topics reach late subscribers; type conflicts are refused', () => {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const a = bus.createNode('a', { logger: quiet });
  a.createPublisher('std_msgs/msg/Bool', '/latched', 'latched').publish({ data: true });
  bus.flush();
  const got: boolean[] = [];
  bus.createNode('late', { logger: quiet }).createSubscription('std_msgs/msg/Bool', '/latched', 'latched', (m) => got.push(m.data));
  bus.flush();
  assert.deepEqual(got, [true]);
  assert.throws(() => a.createPublisher('geometry_msgs/msg/Twist', '/latched', 'default'), /carries std_msgs\/msg\/Bool/);
});

test('parameters: start-up overrides, live changes through the callback veto, read-only refused', () => {
  const bus = new InProcessBus(new VirtualClock());
  const node = bus.createNode('ctl', { logger: quiet, parameters: { robot_count: 4 } });
  const seen: Record<string, unknown>[] = [];
  const values = node.declareParameters(CONTROLLER_SCHEMA, (u) => {
    seen.push(u);
    return u.diffusivity === 42 ? { successful: false, reason: 'no 42s here' } : { successful: true };
  });
  assert.equal(values.robot_count, 4);
  assert.equal(seen.length, 1, 'the callback runs at declaration, as in rclnodejs');
  assert.deepEqual(node.setParameters({ rate: 20 }), { successful: true });
  assert.deepEqual(node.setParameters({ diffusivity: 42 }), { successful: false, reason: 'no 42s here' });
  const ro = node.setParameters({ robot_count: 9 });
  assert.ok(!ro.successful && /read-only/.test(ro.reason));
  assert.throws(() => bus.createNode('x', { logger: quiet, parameters: { rate: 1000 } }).declareParameters(CONTROLLER_SCHEMA, () => ({ successful: true })), /'rate' must be <= 100/);
});

test('yaw round-trips through a quaternion', () => {
  for (const yaw of [-3, -1, 0, 0.5, 2, 3.1]) assert.ok(Math.abs(yawOf(quaternionOfYaw(yaw)) - yaw) < 1e-12);
});

test('a tap sees every publication, and each delivery once per receiving node with its publisher and QoS', () => {
  const bus = new InProcessBus(new VirtualClock());
  const a = bus.createNode('a', { logger: quiet });
  const b = bus.createNode('b', { namespace: '/ns', logger: quiet });
  const published: string[] = [];
  const delivered: string[] = [];
  bus.tap = {
    published: (from, topic, type, qos) => published.push(`${from} ${topic} ${type} ${qos}`),
    delivered: (to, from, topic, _type, qos, m) => delivered.push(`${to} <- ${from} ${topic} ${qos} ${(m as { data: boolean }).data}`),
  };
  let calls = 0;
  // Two subscriptions of b on one topic (as the controller's emergency stop has): one delivery seen, both called.
  b.createSubscription('std_msgs/msg/Bool', '/stop', 'default', () => calls++);
  b.createSubscription('std_msgs/msg/Bool', '/stop', 'sensor', () => calls++);
  a.createSubscription('std_msgs/msg/Bool', '/stop', 'sensor', () => calls++);
  const reliable = a.createPublisher('std_msgs/msg/Bool', '/stop', 'default');
  const bestEffort = b.createPublisher('std_msgs/msg/Bool', '/stop', 'sensor');
  reliable.publish({ data: true });
  bestEffort.publish({ data: false });
  bus.flush();
  assert.equal(calls, 3 + 2, 'the reliable message reaches all three subscriptions, the best-effort one only the two best-effort ones');
  assert.deepEqual(published, ['/a /stop std_msgs/msg/Bool default', '/ns/b /stop std_msgs/msg/Bool sensor']);
  assert.deepEqual(delivered, ['/ns/b <- /a /stop default true', '/a <- /a /stop default true', '/ns/b <- /ns/b /stop sensor false', '/a <- /ns/b /stop sensor false']);
  bus.tap = undefined;
  reliable.publish({ data: true });
  bus.flush();
  assert.equal(delivered.length, 4, 'no tap, nothing seen');
  assert.equal(calls, 8);
});
