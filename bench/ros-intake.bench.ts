/**
 * What one pose costs an instance to receive on a real ROS 2 graph (rclnodejs): a child process publishes, this
 * process subscribes and measures its own CPU time (process.cpuUsage, which counts rclnodejs's native taking and its
 * conversion of each message into a JS object) from the first message to the last, per message and per pose:
 * - nav_msgs/Odometry, one robot a message (pose_exchange off: every instance takes N x 50 of these a second);
 * - tf2_msgs/TFMessage of M transforms (pose_exchange on: one a period from each other instance);
 * each as rclnodejs converts it into a JS object, and taken as bytes (isRaw) and decoded by src/ros/cdr.ts, as the
 * ROS adapter does for these two types.
 * Needs a sourced ROS 2 and a built rclnodejs; not part of npm test (like test:ros). Best run in a private network
 * namespace (../shared/ros2-from-source/netns.sh).
 *
 * - nav_msgs/Odometry over 1, 100 or 625 topics, one subscription each (an instance takes its own robots' odometry
 *   this way): whether rclnodejs's cost per message grows with the subscriptions it waits on.
 *
 * Run: npm run bench:ros-intake [-- --transforms 625,9375 --odometry 5000 --topics 1,100,625]
 */
import { fork } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRclnodejs } from '../src/ros/main.js';
import { quaternionOfYaw, timeMsg } from '../src/node/messages.js';
import { decodeOdometry, decodeTFMessage } from '../src/ros/cdr.js';

const TOPIC_TF = 'intake_bench/swarm_poses';
const TOPIC_ODOM = 'intake_bench/odom';

/**
 * What to send: `count` messages of `kind`; TFMessages of `size` transforms; odometry spread round-robin over `topics`
 * topics (one a robot, each with its own subscription at the receiver, as an instance has for the robots it commands).
 */
type Plan = { readonly kind: 'tf' | 'odom'; readonly size: number; readonly count: number; readonly raw?: boolean; readonly topics?: number };

/** The odometry topic of robot k of `topics` (the first keeps the single-topic name). */
const odomTopic = (k: number): string => (k === 0 ? TOPIC_ODOM : `${TOPIC_ODOM}_${k}`);

/** The publishing side: sends `plan.count` messages, a few milliseconds apart, then exits. */
async function publisher(plan: Plan): Promise<void> {
  const rcl = await loadRclnodejs();
  await rcl.init();
  const node = rcl.createNode('intake_bench_publisher');
  const qos = new rcl.QoS(rcl.QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST, 1000, rcl.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE, rcl.QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE);
  const stamp = timeMsg(1);
  const pose = { position: { x: 0.5, y: 0.25, z: 0 }, orientation: quaternionOfYaw(0.3) };
  const message =
    plan.kind === 'tf'
      ? { transforms: Array.from({ length: plan.size }, (_, i) => ({ header: { stamp, frame_id: 'map' }, child_frame_id: `robot_${i}/base_link`, transform: { translation: pose.position, rotation: pose.orientation } })) }
      : { header: { stamp, frame_id: 'map' }, child_frame_id: 'robot_9999/base_link', pose: { pose, covariance: new Array(36).fill(0) }, twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Array(36).fill(0) } };
  const topics = plan.kind === 'tf' ? [TOPIC_TF] : Array.from({ length: plan.topics ?? 1 }, (_, k) => odomTopic(k));
  const pubs = topics.map((t) => node.createPublisher(plan.kind === 'tf' ? 'tf2_msgs/msg/TFMessage' : 'nav_msgs/msg/Odometry', t, { qos }));
  node.spin();
  for (const t of topics) while (node.countSubscribers(t) === 0) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500 + 5 * topics.length));
  for (let k = 0; k < plan.count; k++) {
    pubs[k % pubs.length].publish(message as never);
    if (k % (plan.kind === 'tf' ? 1 : 50) === 0) await new Promise((r) => setTimeout(r, plan.kind === 'tf' ? 20 : 5));
  }
  await new Promise((r) => setTimeout(r, 2000));
  rcl.shutdown();
}

/** The receiving side: CPU per message from the first to the last one received. */
async function receive(plan: Plan): Promise<{ received: number; perMessageMs: number; perPoseUs: number }> {
  const rcl = await loadRclnodejs();
  const node = rcl.createNode(`intake_bench_${plan.kind}_${plan.size}_${plan.topics ?? 1}${plan.raw ? '_raw' : ''}`);
  const qos = new rcl.QoS(rcl.QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST, 1000, rcl.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE, rcl.QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE);
  let received = 0;
  let c0: NodeJS.CpuUsage | undefined;
  let c1: NodeJS.CpuUsage | undefined;
  let touched = 0;
  const take = (bytes: unknown): void => {
    if (received === 0) c0 = process.cpuUsage();
    // Raw: the bytes decoded as the ROS adapter does (src/ros/cdr.ts).
    const m = !plan.raw ? bytes : plan.kind === 'tf' ? decodeTFMessage(bytes as Uint8Array) : decodeOdometry(bytes as Uint8Array);
    received++;
    // Read what the controller reads (one position per pose), so nothing is left lazy.
    if (plan.kind === 'tf') for (const t of (m as { transforms: { transform: { translation: { x: number } } }[] }).transforms) touched += t.transform.translation.x;
    else touched += (m as { pose: { pose: { position: { x: number } } } }).pose.pose.position.x;
    if (received === plan.count) c1 = process.cpuUsage(c0);
  };
  const topics = plan.kind === 'tf' ? [TOPIC_TF] : Array.from({ length: plan.topics ?? 1 }, (_, k) => odomTopic(k));
  for (const t of topics) node.createSubscription(plan.kind === 'tf' ? 'tf2_msgs/msg/TFMessage' : 'nav_msgs/msg/Odometry', t, { qos, isRaw: plan.raw === true }, take);
  node.spin();
  const child = fork(fileURLToPath(import.meta.url), ['--publish', JSON.stringify(plan)], { execArgv: process.execArgv, stdio: 'inherit' });
  const exited = new Promise((r) => child.on('exit', r));
  await exited;
  await new Promise((r) => setTimeout(r, 200));
  node.destroy();
  if (!c1 && c0) c1 = process.cpuUsage(c0);
  const ms = c1 ? (c1.user + c1.system) / 1000 : NaN;
  // The first message's own cost is not counted (the clock starts in its callback): divide by received - 1.
  const perMessageMs = ms / Math.max(1, received - 1);
  if (!Number.isFinite(touched)) throw new Error('unreachable');
  return { received, perMessageMs, perPoseUs: (1000 * perMessageMs) / plan.size };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { publish: { type: 'string' }, transforms: { type: 'string' }, odometry: { type: 'string' }, topics: { type: 'string' } }, strict: true });
  if (values.publish) return publisher(JSON.parse(values.publish) as Plan);
  const rcl = await loadRclnodejs();
  await rcl.init();
  const sizes = (values.transforms ?? '625,9375').split(',').map(Number);
  const odometry = Number(values.odometry ?? 5000);
  const topicCounts = (values.topics ?? '1,100,625').split(',').map(Number);
  if (topicCounts.some((t) => !(Number.isInteger(t) && t >= 1))) throw new Error(`--topics must be a comma-separated list of positive integers, got '${values.topics}'`);
  console.log('| message | topics subscribed | poses a message | messages received | CPU per message (ms) | CPU per pose (us) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const raw of [false, true]) {
    const how = raw ? ', bytes decoded by src/ros/cdr.ts' : ", rclnodejs's conversion";
    for (const topics of topicCounts) {
      const o = await receive({ kind: 'odom', size: 1, count: odometry, raw, topics });
      console.log(`| nav_msgs/Odometry${how} | ${topics} | 1 | ${o.received} of ${odometry} | ${o.perMessageMs.toFixed(3)} | ${o.perPoseUs.toFixed(1)} |`);
    }
    for (const size of sizes) {
      const count = 60;
      const r = await receive({ kind: 'tf', size, count, raw });
      console.log(`| tf2_msgs/TFMessage${how} | 1 | ${size.toLocaleString('en')} | ${r.received} of ${count} | ${r.perMessageMs.toFixed(2)} | ${r.perPoseUs.toFixed(2)} |`);
    }
  }
  rcl.shutdown();
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
