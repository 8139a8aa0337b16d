/**
 * What a message costs an instance to publish on a real ROS 2 graph (rclnodejs): this process publishes, a child
 * process subscribes (taking the bytes, so that it keeps up), and the publisher measures its own CPU time
 * (process.cpuUsage) over the publish calls, per message and per pose:
 * - geometry_msgs/Twist over `--topics` topics, one a robot (the commands: one a robot a tick);
 * - nav_msgs/Odometry, one a robot (the simulator's odometry);
 * - tf2_msgs/TFMessage of M transforms (an instance's swarm_poses, the simulator's /tf);
 * each as a plain object converted by rclnodejs's message classes, and as bytes encoded by src/ros/cdr.ts (what the
 * ROS adapter publishes for these types), alternating, three times each (the median is compared).
 * Needs a sourced ROS 2 and a built rclnodejs; not part of npm test (like test:ros). Best run in a private network
 * namespace (../shared/ros2-from-source/netns.sh).
 *
 * Run: npm run bench:ros-publish [-- --topics 625 --transforms 625,5000 --rounds 10]
 */
import { fork } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRclnodejs } from '../src/ros/main.js';
import { quaternionOfYaw, timeMsg } from '../src/node/messages.js';
import { encodeOdometry, encodeTFMessage, encodeTwist } from '../src/ros/cdr.js';

type Kind = 'twist' | 'odom' | 'tf';
const TYPE: Record<Kind, string> = { twist: 'geometry_msgs/msg/Twist', odom: 'nav_msgs/msg/Odometry', tf: 'tf2_msgs/msg/TFMessage' };
const topicOf = (kind: Kind, k: number): string => `publish_bench/${kind}_${k}`;

/** The subscribing side: one raw subscription per topic, counting what arrives, until the parent says stop. */
async function subscriber(kind: Kind, topics: number): Promise<void> {
  const rcl = await loadRclnodejs();
  await rcl.init();
  const node = rcl.createNode(`publish_bench_sub_${kind}`);
  let received = 0;
  for (let k = 0; k < topics; k++) node.createSubscription(TYPE[kind] as never, topicOf(kind, k), { isRaw: true }, () => void received++);
  node.spin();
  process.on('message', () => {
    process.send?.(received);
    rcl.shutdown();
    process.exit(0);
  });
}

/** A message of each kind, as a plain object (`size` transforms for a TFMessage). */
function message(kind: Kind, size: number, k: number): unknown {
  const stamp = timeMsg(1 + k);
  const pose = { position: { x: 0.5 + k * 1e-3, y: 0.25, z: 0 }, orientation: quaternionOfYaw(0.3) };
  if (kind === 'twist') return { linear: { x: 0.1 + k * 1e-4, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.2 } };
  if (kind === 'odom') return { header: { stamp, frame_id: 'map' }, child_frame_id: `robot_${k}/base_link`, pose: { pose }, twist: { twist: { linear: { x: 0.1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } } };
  return { transforms: Array.from({ length: size }, (_, i) => ({ header: { stamp, frame_id: 'map' }, child_frame_id: `robot_${i}/base_link`, transform: { translation: pose.position, rotation: pose.orientation } })) };
}

const ENCODE: Record<Kind, (m: never) => Buffer> = { twist: encodeTwist, odom: encodeOdometry, tf: encodeTFMessage };

/** CPU per publish call (ms) for `rounds` rounds over every topic, rclnodejs's conversion and our encoding alternating. */
async function measure(kind: Kind, topics: number, size: number, rounds: number): Promise<{ object: number[]; raw: number[]; received: number; sent: number }> {
  const rcl = await loadRclnodejs();
  const node = rcl.createNode(`publish_bench_${kind}_${size}`);
  const pubs = Array.from({ length: topics }, (_, k) => node.createPublisher(TYPE[kind] as never, topicOf(kind, k)));
  const child = fork(fileURLToPath(import.meta.url), ['--subscribe', kind, '--count', String(topics)], { execArgv: process.execArgv, stdio: 'inherit' });
  node.spin();
  for (let k = 0; k < topics; k++) while (node.countSubscribers(topicOf(kind, k)) === 0) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500));
  const messages = Array.from({ length: topics }, (_, k) => message(kind, size, k));
  const result = { object: [] as number[], raw: [] as number[], received: 0, sent: 0 };
  for (let pass = 0; pass < 6; pass++) {
    const raw = pass % 2 === 1;
    const c0 = process.cpuUsage();
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < topics; k++) pubs[k].publish((raw ? ENCODE[kind](messages[k] as never) : messages[k]) as never);
      // Let the middleware and the subscriber breathe between rounds (a tick's worth), outside the timed calls.
      const c = process.cpuUsage(c0);
      await new Promise((res) => setTimeout(res, kind === 'tf' ? 20 : 10));
      if (r === rounds - 1) (raw ? result.raw : result.object).push((c.user + c.system) / 1000 / (rounds * topics));
    }
    result.sent += rounds * topics;
  }
  // (Each reading runs from the first round's start: it includes the waits, where the middleware's threads finish sending.)
  await new Promise((r) => setTimeout(r, 1000));
  result.received = await new Promise<number>((resolve) => {
    child.once('message', (n) => resolve(Number(n)));
    child.send('stop');
  });
  node.destroy();
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { subscribe: { type: 'string' }, count: { type: 'string' }, topics: { type: 'string' }, transforms: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
  if (values.subscribe) return subscriber(values.subscribe as Kind, Number(values.count));
  const rcl = await loadRclnodejs();
  await rcl.init();
  const topics = Number(values.topics ?? 625);
  const rounds = Number(values.rounds ?? 10);
  const sizes = (values.transforms ?? '625,5000').split(',').map(Number);
  if (!(Number.isInteger(topics) && topics >= 1) || !(Number.isInteger(rounds) && rounds >= 1) || sizes.some((s) => !(Number.isInteger(s) && s >= 1))) {
    throw new Error('--topics, --rounds and --transforms must be positive integers');
  }
  const fmt = (v: number[]): string => v.map((x) => x.toFixed(4)).join(' / ');
  console.log('| message | topics | poses a message | rclnodejs conversion: CPU per publish (ms) | bytes from src/ros/cdr.ts (ms) | ratio | received of sent |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const rows: [Kind, number, number, number][] = [['twist', topics, 1, rounds], ['odom', topics, 1, rounds], ...sizes.map((s): [Kind, number, number, number] => ['tf', 1, s, Math.max(5, Math.round((rounds * 625) / s))])];
  for (const [kind, t, size, r] of rows) {
    const m = await measure(kind, t, size, r);
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
    console.log(`| ${TYPE[kind]} | ${t} | ${size} | ${fmt(m.object)} | ${fmt(m.raw)} | ${(median(m.object) / median(m.raw)).toFixed(1)}x | ${m.received} of ${m.sent} |`);
  }
  rcl.shutdown();
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
