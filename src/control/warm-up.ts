/**
 * The node's warm-up: a fresh process compiles the tick's code inside its first ticks (the control loop, the safety
 * filter, the pose callbacks, publishing, the pose exchange; 60-150 ms of CPU in each of the first ticks at 10,000
 * robots over 16 instances). `warmNodePath` runs the SAME node code, a twin of the node on the same parameters and law,
 * on a private in-process bus and virtual clock, with a synthetic swarm fed as a real one is (its own robots' poses on
 * their pose topics, the other robots' on swarm_poses_topic a period late), for a few dozen ticks, then drops it. The
 * twin's bus reaches nothing outside this function: no message of the warm-up can reach the real graph or a robot.
 */
import { VirtualClock } from '../node/clock.js';
import { InProcessBus } from '../node/inprocess.js';
import type { Logger, NodeHandle, Publisher } from '../node/interface.js';
import type { Odometry, PoseStamped, TFMessage, TransformStamped } from '../node/messages.js';
import { MSG, quaternionOfYaw, timeMsg } from '../node/messages.js';
import { robotNames } from '../params/common.js';
import type { ParamValues } from '../params/schema.js';
import type { Box } from '../engine/target/geometry.js';
import type { TickResult } from './controller.js';

/** What the warm-up's twin must offer (CoverageControllerNode does). */
export interface WarmTwin {
  /** Called after each tick with its result. */
  onTick: ((result: TickResult, now: number) => void) | undefined;
  /** Leaves without sending anything (timer and subscriptions go). */
  crash(): void;
}

/** What a warm-up did (the tests check that it exercised the tick's paths). */
export interface WarmUpReport {
  /** Ticks the twin ran. */
  readonly ticks: number;
  /** Messages the twin published on its private bus: commands, and swarm poses (pose exchange). */
  readonly commands: number;
  readonly swarmPoses: number;
  /** Robots live (a fresh pose) at the twin's last tick: its poses reached it. */
  readonly live: number;
  /** CPU time of the whole warm-up (twin built, ticks, dropped), ms. */
  readonly cpuMs: number;
}

/** Ticks a warm-up runs by default: enough for V8 to optimise the tick's code with the twin's feedback (measured). */
export const WARM_NODE_TICKS = 30;

/** Age of the twin's own robots' poses at a tick (50 Hz odometry) and of the exchanged ones (a period more), s. */
const OWN_AGE = 0.02;

/** Ticks of the warm-up with no pose yet, then with this instance's robots' poses only (a real start's first ticks). */
const NO_POSES = 2;
const OWN_ONLY = 3;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Warm-ups run in this process so far. */
let runs = 0;

/**
 * How many warm-ups this process has run: compiled code serves every node of a process, so the nodes after the first
 * (several instances in one process: `--shards`) need none by default.
 */
export function warmUpsRun(): number {
  return runs;
}

/**
 * Runs `ticks` ticks of a twin of a controller node, made by `create` on a private bus (node `name`, parameters
 * `values`), fed a synthetic swarm over `domain`: the robots commanded here (owned_robots) packed in a disc at the
 * domain's centre, the others around them, moving under the twin's commands. Returns what it did.
 */
export function warmNodePath(name: string, values: ParamValues, domain: Box, create: (node: NodeHandle) => WarmTwin, ticks = WARM_NODE_TICKS): WarmUpReport {
  const c0 = process.cpuUsage();
  runs++;
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const slash = name.lastIndexOf('/');
  const namespace = name.slice(0, slash) || '/';
  const handle = bus.createNode(name.slice(slash + 1), { namespace, parameters: values, logger: quiet });
  let commands = 0;
  let swarmPoses = 0;
  const swarmTopic = String(values.swarm_poses_topic);
  bus.tap = {
    published(from, topic, type) {
      if (from !== handle.name) return;
      if (type === MSG.Twist || type === MSG.TwistStamped) commands++;
      else if (type === MSG.TFMessage) swarmPoses++;
    },
  };
  const names = robotNames(values);
  const n = names.length;
  const ownedList = values.owned_robots as string[];
  const owned = new Uint8Array(n).fill(ownedList.length ? 0 : 1);
  if (ownedList.length) {
    const set = new Set(ownedList);
    names.forEach((r, i) => (owned[i] = set.has(r) ? 1 : 0));
  }
  const { x, y, yaw } = layout(n, owned, domain);
  const period = 1 / (values.rate as number);
  const start = 1; // a clock past zero: stamps are then set (a zero stamp counts as none)
  clock.advanceTo(start - period); // the twin's timer (made with it) first fires at start
  const twin = create(handle);
  let last: TickResult | undefined;
  let ran = 0;
  let live = 0;
  twin.onTick = (r) => {
    last = r;
    live = r.live;
    ran++;
  };
  // In the node's namespace: the relative pose and swarm topics resolve as the twin's do.
  const peer = bus.createNode('warm_up_peer', { namespace, logger: quiet });
  const world = String(values.world_frame);
  const tf = values.pose_type === 'tf';
  const sharing = ownedList.length > 0;
  const exchange = values.pose_exchange === 'on' || ((values.pose_exchange === 'auto' || values.pose_exchange === 'regional') && sharing);
  const offsets = values.pose_offsets as number[];
  const frames = names.map((r) => `${r}/base_link`);
  // Who gives each robot's pose: its own topic, the swarm's one pose topic (tf), or another instance (the exchange).
  const own: Publisher<Odometry | PoseStamped>[] = [];
  const ownIndex: number[] = [];
  const foreign: number[] = [];
  for (let i = 0; i < n; i++) {
    if (tf) continue;
    if (exchange && !owned[i]) {
      foreign.push(i);
      continue;
    }
    const topic = `${names[i]}/${String(values.pose_topic)}`;
    own.push(values.pose_type === 'pose_stamped' ? peer.createPublisher(MSG.PoseStamped, topic, 'sensor') : peer.createPublisher(MSG.Odometry, topic, 'sensor'));
    ownIndex.push(i);
  }
  const swarm = tf ? peer.createPublisher(MSG.TFMessage, String(values.pose_topic), 'sensor') : undefined;
  // The regional exchange's poses come by tiles: not fed here (its twin sees its own robots only).
  const others = exchange && !tf && !(values.pose_exchange === 'regional' && values.pose_type !== 'tf') && foreign.length ? peer.createPublisher(MSG.TFMessage, swarmTopic, 'sensor') : undefined;
  const transform = (i: number, stamp: number): TransformStamped => ({
    header: { stamp: timeMsg(stamp), frame_id: world },
    child_frame_id: frames[i],
    transform: { translation: { x: x[i], y: y[i], z: 0 }, rotation: quaternionOfYaw(yaw[i]) },
  });
  for (let k = 0; k < ticks; k++) {
    const t = start + k * period;
    clock.advanceTo(t - OWN_AGE);
    // As a real start goes: first ticks before any pose, then this instance's robots only, then the others' too.
    const phase = k < NO_POSES ? 0 : k < NO_POSES + OWN_ONLY ? 1 : 2;
    for (let j = 0; phase > 0 && j < own.length; j++) {
      const i = ownIndex[j];
      let [px, py, pyaw] = [x[i], y[i], yaw[i]];
      if (offsets.length) {
        // The robot's odometry frame starts at its offset: the pose in that frame.
        const [ox, oy, oyaw] = [offsets[3 * i], offsets[3 * i + 1], offsets[3 * i + 2]];
        const c = Math.cos(oyaw);
        const s = Math.sin(oyaw);
        [px, py, pyaw] = [c * (px - ox) + s * (py - oy), -s * (px - ox) + c * (py - oy), pyaw - oyaw];
      }
      const header = { stamp: timeMsg(clock.now()), frame_id: world };
      const pose = { position: { x: px, y: py, z: 0 }, orientation: quaternionOfYaw(pyaw) };
      if (values.pose_type === 'pose_stamped') (own[j] as Publisher<PoseStamped>).publish({ header, pose });
      else (own[j] as Publisher<Odometry>).publish({ header, child_frame_id: frames[i], pose: { pose }, twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } } });
    }
    if (swarm && phase > 0) swarm.publish({ transforms: names.map((_r, i) => transform(i, clock.now())) });
    // The other instances' robots, as their last swarm poses: a period older than this instance's own.
    if (others && phase > 1) others.publish({ transforms: foreign.map((i) => transform(i, clock.now() - period)) });
    bus.flush();
    last = undefined;
    clock.advanceTo(t); // the twin's timer fires: one tick
    if (!last) continue;
    const r: TickResult = last;
    for (let i = 0; i < n; i++) {
      // Robots commanded here move under their commands (body frame), the others as the law would move them.
      const c = r.commands[i];
      const cos = Math.cos(yaw[i]);
      const sin = Math.sin(yaw[i]);
      x[i] += period * (cos * c.vx - sin * c.vy);
      y[i] += period * (sin * c.vx + cos * c.vy);
      yaw[i] += period * c.wz;
    }
  }
  twin.crash();
  const c = process.cpuUsage(c0);
  return { ticks: ran, commands, swarmPoses, live, cpuMs: (c.user + c.system) / 1000 };
}

/**
 * A synthetic swarm over `domain`: cells of a grid jittered by a low-discrepancy sequence, the cells nearest the
 * centre to the robots marked in `owned` (an instance's region), the others around them; headings round the centre.
 */
export function layout(n: number, owned: Uint8Array, domain: Box): { x: Float64Array; y: Float64Array; yaw: Float64Array } {
  const { xmin, xmax, ymin, ymax } = domain;
  const cols = Math.max(1, Math.ceil(Math.sqrt((n * (xmax - xmin)) / Math.max(1e-9, ymax - ymin))));
  const rows = Math.ceil(n / cols);
  const cx = 0.5 * (xmin + xmax);
  const cy = 0.5 * (ymin + ymax);
  const cell = (k: number): [number, number] => {
    const jx = ((k * 0.618034) % 1) - 0.5;
    const jy = ((k * 0.754878) % 1) - 0.5;
    return [xmin + ((k % cols) + 0.5 + 0.3 * jx) * ((xmax - xmin) / cols), ymin + (Math.floor(k / cols) + 0.5 + 0.3 * jy) * ((ymax - ymin) / rows)];
  };
  const order = Array.from({ length: n }, (_v, k) => k);
  const d = order.map((k) => {
    const [px, py] = cell(k);
    return Math.hypot(px - cx, py - cy);
  });
  order.sort((a, b) => d[a] - d[b] || a - b);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const yaw = new Float64Array(n);
  let next = 0;
  for (const pass of [1, 0]) {
    for (let i = 0; i < n; i++) {
      if (owned[i] !== pass) continue;
      [x[i], y[i]] = cell(order[next++]);
      yaw[i] = Math.atan2(x[i] - cx, -(y[i] - cy));
    }
  }
  return { x, y, yaw };
}
