/**
 * How long a new tile endpoint waits for its first message on a real ROS 2 graph (the regional pose exchange,
 * docs/shards.md): two processes, each one node, as two controller instances are (their participants discovered
 * long before), with the QoS the tiles use (publisher reliable keep last 1, subscription best effort keep last 5),
 * TFMessages of 4 transforms published at `--rate` Hz on each tile topic.
 * - `subscribe`: the publisher has been publishing on the topic for a while; this process creates a subscription and
 *   times its first message (an instance whose robots come near a tile another instance already publishes).
 * - `publish`: this process is subscribed; the other process creates a new publisher and starts publishing at once
 *   (an instance whose robot enters a tile it never published on): from the publisher's creation to the first message.
 * The time includes up to one publishing period after the match: run at the controller's rate and at a high rate to
 * see the match alone. Needs a sourced ROS 2 and a built rclnodejs; not part of npm test. Best run in a private
 * network namespace (../shared/ros2-from-source/netns.sh).
 *
 * Run: npm run bench:tile-match [-- --trials 40 --rates 10,200]
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRclnodejs } from '../src/ros/main.js';
import { rosNodeHandle } from '../src/ros/adapter.js';
import type { RclModule } from '../src/ros/adapter.js';
import { MSG, quaternionOfYaw, timeMsg } from '../src/node/messages.js';
import type { TFMessage } from '../src/node/messages.js';

/** Wall-clock ms, comparable between the two processes of one machine. */
const wall = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A tile's topic in this bench. */
const topicOf = (mode: string, rate: number, k: number): string => `tile_match_bench/${mode}_${rate}/t_${k}_0`;

/** Orders from the measuring process to the publishing one. */
type Order = { readonly publish: string; readonly rate: number } | { readonly stop: true };

/**
 * The publishing process: on each order, a publisher on that topic, publishing at its rate (the previous trial's
 * publisher stops: one topic at a time, so the load does not grow with the trials); replies its creation time.
 */
async function publisherProcess(): Promise<void> {
  const rcl = await loadRclnodejs();
  await rcl.init();
  const node = rcl.createNode('tile_match_publisher');
  const handle = rosNodeHandle(rcl as unknown as RclModule, node);
  node.spin();
  const message = (): TFMessage => ({
    transforms: [0, 1, 2, 3].map((i) => ({ header: { stamp: timeMsg(wall() / 1000), frame_id: 'map' }, child_frame_id: `robot_${i}/base_link`, transform: { translation: { x: 0.1 * i, y: 0, z: 0 }, rotation: quaternionOfYaw(0) } })),
  });
  const timers: NodeJS.Timeout[] = [];
  process.on('message', (o: Order) => {
    if ('stop' in o) {
      for (const t of timers) clearInterval(t);
      rcl.shutdown();
      process.exit(0);
    }
    for (const t of timers.splice(0)) clearInterval(t);
    const at = wall();
    const pub = handle.createPublisher(MSG.TFMessage, o.publish, 'command');
    pub.publish(message());
    timers.push(setInterval(() => pub.publish(message()), 1000 / o.rate));
    process.send!({ created: o.publish, at });
  });
  process.send!({ ready: true });
}

/** Sends an order and waits for the publisher's reply (the creation time). */
function order(child: ChildProcess, o: Order): Promise<number> {
  return new Promise((done) => {
    const on = (m: { created?: string; at?: number }): void => {
      if (!('publish' in o) || m.created !== o.publish) return;
      child.off('message', on);
      done(m.at!);
    };
    child.on('message', on);
    child.send(o);
  });
}

/** Percentiles of a sample, ms. */
function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): string => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1) : 'n/a');
  return `${q(0)} | ${q(0.5)} | ${q(0.9)} | ${s.length ? s[s.length - 1].toFixed(1) : 'n/a'}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { publisher: { type: 'boolean' }, trials: { type: 'string' }, rates: { type: 'string' } }, strict: true });
  if (values.publisher) return publisherProcess();
  const trials = Number(values.trials ?? 30);
  const rates = (values.rates ?? '10,200').split(',').map(Number);
  if (!(Number.isInteger(trials) && trials >= 1) || rates.some((r) => !(r > 0 && r <= 1000))) throw new Error('--trials must be a positive integer and --rates positive rates up to 1000 Hz');
  const rcl = await loadRclnodejs();
  await rcl.init();
  const node = rcl.createNode('tile_match_subscriber');
  const handle = rosNodeHandle(rcl as unknown as RclModule, node);
  node.spin();
  const child = fork(fileURLToPath(import.meta.url), ['--publisher'], { execArgv: process.execArgv, stdio: 'inherit' });
  await new Promise<void>((done) => child.once('message', () => done()));
  await sleep(2000); // the two participants discover each other
  console.log('| case | rate (Hz) | trials | heard within 3 s | min (ms) | p50 (ms) | p90 (ms) | max (ms) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const rate of rates) {
    // subscribe: the publisher is up and publishing; time a new subscription's first message.
    const subscribe: number[] = [];
    for (let k = 0; k < trials; k++) {
      const topic = topicOf('sub', rate, k);
      await order(child, { publish: topic, rate });
      await sleep(1000); // publishing for a while, as an instance's tile is
      let first: number | undefined;
      const at = wall();
      const sub = handle.createSubscription(MSG.TFMessage, topic, 'sensor', () => (first ??= wall()));
      const end = at + 3000;
      while (first === undefined && wall() < end) await sleep(1);
      sub.destroy();
      if (first !== undefined) subscribe.push(first - at);
    }
    console.log(`| new subscription, publisher up | ${rate} | ${trials} | ${subscribe.length} | ${summary(subscribe)} |`);
    // publish: subscribed first; time from the new publisher's creation to the first message.
    const publish: number[] = [];
    for (let k = 0; k < trials; k++) {
      const topic = topicOf('pub', rate, k);
      let first: number | undefined;
      const sub = handle.createSubscription(MSG.TFMessage, topic, 'sensor', () => (first ??= wall()));
      await sleep(500);
      const at = await order(child, { publish: topic, rate });
      const end = at + 3000;
      while (first === undefined && wall() < end) await sleep(1);
      sub.destroy();
      if (first !== undefined) publish.push(first - at);
    }
    console.log(`| new publisher, subscription up | ${rate} | ${trials} | ${publish.length} | ${summary(publish)} |`);
  }
  child.send({ stop: true } satisfies Order);
  await new Promise((r) => child.on('exit', r));
  node.destroy();
  rcl.shutdown();
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
