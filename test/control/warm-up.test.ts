import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { WARM_TICKS_FROM } from '../../src/control/controller.js';
import { WARM_NODE_TICKS, layout, warmUpsRun } from '../../src/control/warm-up.js';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger } from '../../src/node/interface.js';
import { MSG, quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';

const demo = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const N = 40;
const names = Array.from({ length: N }, (_v, i) => `robot_${i}`);

/** Robot i's pose at time t: a slow drift round the box, crowded enough for the safety filter to bind. */
function pose(i: number, t: number): { x: number; y: number; yaw: number } {
  const a = 0.4 * t + (2 * Math.PI * i) / N;
  return { x: 0.3 * Math.cos(a) + 0.01 * (i % 5), y: 0.3 * Math.sin(a) + 0.01 * Math.floor(i / 5), yaw: a + Math.PI / 2 };
}

/**
 * A controller node on a bus of its own (`warmUp` on or off), fed the same poses: its robots' odometry each period and,
 * sharing the swarm, the other half's poses as another instance's swarm_poses (a period late). Returns every message
 * the node published, in order (topic and message), and its warm-up report.
 */
function run(parameters: ParamValues, warmUp: boolean, ticks = 30) {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const published: { topic: string; message: unknown }[] = [];
  const handle = bus.createNode('blob_coverage_controller', { logger: quiet, parameters: { robot_count: N, rate: 20, ...parameters } });
  bus.tap = {
    published(from, topic, _type, _qos, message) {
      if (from !== handle.name) return;
      const copy = structuredClone(message) as { status?: { values: { key: string; value: string }[] }[] };
      // The one wall-clock figure: the loop's time on /diagnostics.
      for (const s of copy.status ?? []) for (const v of s.values) if (v.key === 'loop time (ms)') v.value = 'wall time';
      published.push({ topic, message: copy });
    },
  };
  // Subscribed before the node exists: anything the warm-up sent on the real bus would arrive here.
  const robots = bus.createNode('robots', { logger: quiet });
  const received: string[] = [];
  for (const name of names) robots.createSubscription(MSG.Twist, `/${name}/cmd_vel`, 'command', () => received.push(name));
  robots.createSubscription(MSG.TFMessage, '/swarm_poses', 'sensor', () => received.push('swarm_poses'));
  const node = new CoverageControllerNode(handle, demo, { warmUp });
  bus.flush();
  const atStart = { published: published.map((p) => p.topic), received: [...received], topics: bus.topicNames() };
  const owned = parameters.owned_robots as string[] | undefined;
  const mine = (i: number): boolean => !owned || owned.includes(names[i]);
  const odometry = names.map((name) => robots.createPublisher(MSG.Odometry, `/${name}/odom`, 'sensor'));
  const peer = bus.createNode('peer', { logger: quiet });
  const swarm = peer.createPublisher(MSG.TFMessage, '/swarm_poses', 'sensor');
  for (let k = 0; k < ticks; k++) {
    const t = 0.05 * k + 0.03;
    clock.advanceTo(t);
    names.forEach((name, i) => {
      if (!mine(i)) return;
      const p = pose(i, t);
      odometry[i].publish({ header: { stamp: timeMsg(t), frame_id: 'map' }, child_frame_id: `${name}/base_link`, pose: { pose: { position: { x: p.x, y: p.y, z: 0 }, orientation: quaternionOfYaw(p.yaw) } }, twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } } });
    });
    if (owned && k > 0) {
      const transforms = names.flatMap((name, i) => {
        if (mine(i)) return [];
        const p = pose(i, t - 0.05);
        return [{ header: { stamp: timeMsg(t - 0.05), frame_id: 'map' }, child_frame_id: `${name}/base_link`, transform: { translation: { x: p.x, y: p.y, z: 0 }, rotation: quaternionOfYaw(p.yaw) } }];
      });
      swarm.publish({ transforms });
    }
    clock.advanceTo(0.05 * (k + 1)); // a tick
  }
  node.close();
  return { published, atStart, report: node.warmUpReport };
}

// First in this file: it counts the process's warm-ups.
test('by default a node warms up from WARM_TICKS_FROM robots, and only the first of its process', () => {
  assert.equal(warmUpsRun(), 0, 'no warm-up yet in this process');
  const node = (robots: number, warmUp?: boolean) => {
    const bus = new InProcessBus(new VirtualClock());
    const n = new CoverageControllerNode(bus.createNode('blob_coverage_controller', { logger: quiet, parameters: { robot_count: robots } }), demo, warmUp === undefined ? {} : { warmUp });
    n.close();
    return n.warmUpReport;
  };
  assert.equal(node(WARM_TICKS_FROM - 1), undefined, 'below WARM_TICKS_FROM robots: none');
  assert.equal(node(WARM_TICKS_FROM)?.ticks, WARM_NODE_TICKS, 'the first node from WARM_TICKS_FROM robots warms up');
  assert.equal(node(WARM_TICKS_FROM), undefined, 'the next one finds the code warm');
  assert.equal(node(WARM_TICKS_FROM, true)?.ticks, WARM_NODE_TICKS, 'unless asked to');
  assert.equal(warmUpsRun(), 2);
});

test('the warm-up feeds a node in a namespace, and one taking its poses from one TFMessage (pose_type tf)', () => {
  for (const [namespace, parameters] of [['swarm_a', {}], ['swarm_a', { owned_robots: names.slice(0, 10) }], ['/', { pose_type: 'tf', pose_topic: '/tf' }], ['/', { pose_type: 'pose_stamped', pose_topic: 'pose' }]] as [string, ParamValues][]) {
    const bus = new InProcessBus(new VirtualClock());
    const node = new CoverageControllerNode(bus.createNode('blob_coverage_controller', { namespace, logger: quiet, parameters: { robot_count: N, ...parameters } }), demo, { warmUp: true });
    node.close();
    assert.equal(node.warmUpReport?.live, N, `${namespace} ${JSON.stringify(parameters)}: every robot's pose reached the twin`);
  }
});

const half = names.slice(0, N / 2);
const cases: [string, ParamValues][] = [
  ['one instance, holonomic', {}],
  ['one instance, differential drive', { drive: 'diff_drive' }],
  ['half the swarm, its poses exchanged', { owned_robots: half }],
];

for (const [what, parameters] of cases) {
  test(`the node warm-up (a twin on a private bus) changes nothing a tick publishes: ${what}`, () => {
    const cold = run(parameters, false);
    const warm = run(parameters, true);
    assert.equal(cold.report, undefined, 'no warm-up when turned off');
    assert.ok(warm.report, 'the warm-up ran');
    assert.equal(warm.report.ticks, WARM_NODE_TICKS, 'the twin ticked');
    assert.ok(warm.report.commands > 0, `the twin commanded its robots on its own bus (${warm.report.commands} commands)`);
    if (parameters.owned_robots) assert.ok(warm.report.swarmPoses > 0, 'the twin exchanged its poses on its own bus');
    assert.equal(warm.report.live, N, "every robot's pose reached the twin (its own and, sharing, the others')");
    const commands = cold.published.filter((p) => p.topic.endsWith('/cmd_vel'));
    const moving = commands.filter((p) => {
      const m = p.message as { linear: { x: number; y: number }; angular: { z: number } };
      return m.linear.x !== 0 || m.linear.y !== 0 || m.angular.z !== 0;
    }).length;
    assert.ok(moving > commands.length / 4, `the robots were commanded (${moving} of ${commands.length} commands not zero)`);
    assert.deepStrictEqual(warm.published, cold.published, 'every message, bit for bit, in order');
  });
}

test('the node warm-up publishes nothing on the real bus and leaves no endpoint there', () => {
  for (const parameters of [{}, { owned_robots: half }] as ParamValues[]) {
    const cold = run(parameters, false, 0);
    const warm = run(parameters, true, 0);
    assert.ok(warm.report && warm.report.commands > 0, 'the twin published commands, on its own bus');
    assert.deepEqual(warm.atStart.received, [], 'no command and no swarm pose reached a subscriber of the real bus');
    assert.deepEqual(warm.atStart.published, ['/blob_coverage_controller/target_density'], 'only the latched target density, as without a warm-up');
    assert.deepEqual(warm.atStart, cold.atStart, 'the same publications and topics as a node without the warm-up');
  }
});

test('the warm-up swarm: every robot in the box, those commanded here nearest its centre', () => {
  const box = { xmin: -1, xmax: 2, ymin: -1, ymax: 1 };
  const owned = Uint8Array.from({ length: 500 }, (_v, i) => (i % 7 === 3 ? 1 : 0));
  const { x, y, yaw } = layout(500, owned, box);
  let farOwned = 0;
  let nearForeign = Infinity;
  for (let i = 0; i < 500; i++) {
    assert.ok(x[i] > box.xmin && x[i] < box.xmax && y[i] > box.ymin && y[i] < box.ymax && Number.isFinite(yaw[i]), `robot ${i} in the box`);
    const d = Math.hypot(x[i] - 0.5, y[i]);
    if (owned[i]) farOwned = Math.max(farOwned, d);
    else nearForeign = Math.min(nearForeign, d);
  }
  assert.ok(farOwned <= nearForeign + 1e-12, `commanded robots within ${farOwned.toFixed(3)} m of the centre, the others from ${nearForeign.toFixed(3)} m`);
});
