import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../../src/cli/errors.js';
import { gzBridgeCommand } from '../../src/cli/commands/gz-bridge.js';
import { gzBridgeEntries, gzBridgeYaml } from '../../src/deploy/gz-bridge.js';
import type { BridgeEntry } from '../../src/deploy/gz-bridge.js';
import { spawnPoses } from '../../src/deploy/spawn-poses.js';
import type { SpawnPose } from '../../src/deploy/spawn-poses.js';

test('the bridge has /clock once, then each robot: cmd_vel ROS -> gz and odometry gz -> ROS', () => {
  const names = ['robot_0', 'robot_1', 'robot_2'];
  const entries = gzBridgeEntries(names);
  assert.equal(entries.length, 1 + 2 * names.length);
  const clocks = entries.filter((e) => e.ros_topic_name === '/clock' || e.gz_topic_name === '/clock');
  assert.deepEqual(clocks, [{ ros_topic_name: '/clock', gz_topic_name: '/clock', ros_type_name: 'rosgraph_msgs/msg/Clock', gz_type_name: 'gz.msgs.Clock', direction: 'GZ_TO_ROS' }]);
  names.forEach((name, i) => {
    assert.deepEqual(entries[1 + 2 * i], {
      ros_topic_name: `${name}/cmd_vel`,
      gz_topic_name: `/model/${name}/cmd_vel`,
      ros_type_name: 'geometry_msgs/msg/Twist',
      gz_type_name: 'gz.msgs.Twist',
      direction: 'ROS_TO_GZ',
    });
    assert.deepEqual(entries[2 + 2 * i], {
      ros_topic_name: `${name}/odom`,
      gz_topic_name: `/model/${name}/odometry`,
      ros_type_name: 'nav_msgs/msg/Odometry',
      gz_type_name: 'gz.msgs.Odometry',
      direction: 'GZ_TO_ROS',
    });
  });
  // Every topic is bridged once, in one direction.
  assert.equal(new Set(entries.map((e) => e.ros_topic_name)).size, entries.length);
  assert.equal(new Set(entries.map((e) => e.gz_topic_name)).size, entries.length);
});

test('the YAML is the list of entries with exactly the five ros_gz_bridge keys; the topics follow the options', () => {
  const names = Array.from({ length: 25 }, (_, i) => `tb3_${i}`);
  const topics = { cmdTopic: 'cmd_vel_nav', poseTopic: 'ground_truth/odom' };
  const doc = parse(gzBridgeYaml(names, topics)) as BridgeEntry[];
  assert.deepEqual(doc, gzBridgeEntries(names, topics));
  for (const e of doc) assert.deepEqual(Object.keys(e).sort(), ['direction', 'gz_topic_name', 'gz_type_name', 'ros_topic_name', 'ros_type_name']);
  assert.equal(doc[1].ros_topic_name, 'tb3_0/cmd_vel_nav', 'relative: resolved in the bridge node\'s namespace');
  assert.equal(doc[50].ros_topic_name, 'tb3_24/ground_truth/odom');
  assert.equal(doc[50].gz_topic_name, '/model/tb3_24/odometry');
});

test('blob-coverage gz-bridge writes the bridge of --robots robots named --prefix, and refuses bad input', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-deploy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'bridge.yaml');
  assert.equal(gzBridgeCommand(['--robots', '4', '--prefix', 'cf', '--out', out]), 0);
  const text = readFileSync(out, 'utf8');
  assert.equal(text, gzBridgeYaml(['cf0', 'cf1', 'cf2', 'cf3']));
  assert.match(text, /^# ros_gz_bridge configuration: \/clock and 4 robots/);
  const refused: [string[], RegExp][] = [
    [[], /needs --robots N/],
    [['--robots', '0'], /--robots must be >= 1, got 0/],
    [['--robots', '2.5'], /--robots must be an integer/],
    [['--robots', 'ten'], /--robots must be a finite integer/],
    [['--robots', '3', '--prefix', '3d'], /--prefix is not a valid namespace prefix/],
    [['--robots', '3', '--pose-topic', '/odom'], /--pose-topic must be a topic name relative to each robot's namespace/],
  ];
  for (const [args, message] of refused) {
    assert.throws(() => gzBridgeCommand(args), (e: unknown) => e instanceof UsageError && message.test(e.message), `${args.join(' ')} should fail with ${message}`);
  }
});

const square = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };

function closest(poses: readonly SpawnPose[]): number {
  let d = Infinity;
  for (let i = 0; i < poses.length; i++) for (let j = i + 1; j < poses.length; j++) d = Math.min(d, Math.hypot(poses[i].x - poses[j].x, poses[i].y - poses[j].y));
  return d;
}

test('spawn poses keep a layout that is already far enough apart, and name the robots in order', () => {
  const r = spawnPoses(['a', 'b', 'c'], Float64Array.of(0, 0, 0.5, 0, -0.5, 0.25), square, 0.2);
  assert.ok(r.ok);
  assert.deepEqual(r.poses, [
    { name: 'a', x: 0, y: 0, yaw: 0 },
    { name: 'b', x: 0.5, y: 0, yaw: 0 },
    { name: 'c', x: -0.5, y: 0.25, yaw: 0 },
  ]);
});

test('spawn poses move overlapping robots apart, stay in the domain and near the start, deterministically', () => {
  // 12 robots in a 0.1 m box in a corner, some on the same point.
  const initial = new Float64Array(24);
  for (let i = 0; i < 12; i++) {
    initial[2 * i] = -0.95 + 0.01 * (i % 4);
    initial[2 * i + 1] = -0.95 + 0.01 * Math.floor(i / 6);
  }
  const names = Array.from({ length: 12 }, (_, i) => `robot_${i}`);
  const r = spawnPoses(names, initial, square, 0.2);
  assert.ok(r.ok);
  assert.ok(closest(r.poses) >= 0.2, `closest pair ${closest(r.poses)}`);
  for (const p of r.poses) assert.ok(p.x >= -0.9 && p.x <= 0.9 && p.y >= -0.9 && p.y <= 0.9, `${p.name} at (${p.x}, ${p.y}) is within 0.1 m of a wall`);
  // Packed around the corner they start from, not spread over the domain (12 discs of 0.2 m fit in ~0.8 m x 0.8 m).
  for (const p of r.poses) assert.ok(Math.hypot(p.x + 0.9, p.y + 0.9) < 1.0, `${p.name} at (${p.x}, ${p.y}) went far`);
  assert.equal(r.poses[0].x, -0.9);
  assert.deepEqual(spawnPoses(names, initial, square, 0.2), r);
});

test('spawn poses refuse a swarm that cannot fit, and a domain narrower than the separation', () => {
  const crowd = spawnPoses(Array.from({ length: 150 }, (_, i) => `r${i}`), new Float64Array(300), square, 0.2);
  assert.ok(!crowd.ok);
  assert.match(crowd.reason, /cannot place 150 robots 0\.2 m apart inside the domain \(no room left for r\d+\)/);
  const strip = spawnPoses(['a'], Float64Array.of(0, 0), { xmin: 0, xmax: 5, ymin: 0, ymax: 0.1 }, 0.2);
  assert.deepEqual(strip, { ok: false, reason: 'the domain is narrower than the separation 0.2 m' });
});
