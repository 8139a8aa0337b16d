/**
 * The swarm simulator as a node: N robots' kinematics behind the same topics real robots have
 * (`/<robot>/cmd_vel` in, `/<robot>/odom` out), on the NodeHandle interface (rclnodejs or the in-process bus).
 */
import type { Box } from '../engine/geometry.js';
import { createRng } from '../engine/random.js';
import type { Rng } from '../engine/random.js';
import type { NodeHandle, ParamVerdict, Publisher, Subscription, Timer } from '../node/interface.js';
import { MSG, quaternionOfYaw, timeMsg } from '../node/messages.js';
import type { Odometry, PoseStamped, Twist } from '../node/messages.js';
import { applyUpdates } from '../params/schema.js';
import type { ParamValue, ParamValues } from '../params/schema.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario.js';
import { initialPositions, scenarioRobots, scenarioTarget } from '../scenario/setup.js';
import { ConfigError } from '../scenario/validate.js';
import { SwarmKinematics, createPoseBuffers, lineLayout, measurePoses } from './kinematics.js';
import type { DriveKind, PoseBuffers } from './kinematics.js';
import { SIMULATOR_SCHEMA, robotNamesOf, simulatorCrossCheck } from './params.js';

/** What the simulator node starts from. */
export interface SimulatorOptions {
  /**
   * Initial positions, interleaved x, y, one pair per robot (in the order of the robot names); or a function of the
   * declared parameters that gives them (and the walls), for entry points that read the layout from `scenario`.
   */
  initial: Float64Array | ((values: Readonly<Record<string, ParamValue>>) => { initial: Float64Array; domain?: Box });
  /** Initial yaws, rad (default 0). */
  initialYaw?: Float64Array;
  /** Walls: robots are clipped into this box. */
  domain?: Box;
}

/** True when every component of a twist is a finite number. */
function finiteTwist(t: Twist | undefined): t is Twist {
  if (!t || !t.linear || !t.angular) return false;
  const { linear: l, angular: a } = t;
  return Number.isFinite(l.x) && Number.isFinite(l.y) && Number.isFinite(l.z) && Number.isFinite(a.x) && Number.isFinite(a.y) && Number.isFinite(a.z);
}

/**
 * Simulates a swarm on a node: subscribes to each robot's command topic (Twist or TwistStamped, reliable),
 * steps the kinematics at `rate` on the node's clock and publishes each robot's nav_msgs/Odometry (best-effort),
 * optionally geometry_msgs/PoseStamped on `/<robot>/pose`, with seeded pose noise and message drops.
 * Live parameters (drive, cmd_timeout, pose_noise, yaw_noise, drop_probability) take effect at the next tick.
 */
export class SwarmSimulatorNode {
  /** Robot namespaces, in the order of the initial positions. */
  readonly names: readonly string[];
  /** The parameter values in force. */
  private values: Record<string, ParamValue>;
  private readonly kin: SwarmKinematics;
  private readonly noiseRng: Rng;
  private readonly dropRng: Rng;
  private readonly measured: PoseBuffers;
  private readonly odomPubs: Publisher<Odometry>[] = [];
  private readonly posePubs: Publisher<PoseStamped>[] = [];
  private readonly subs: Subscription[] = [];
  private readonly timer: Timer;
  private poseNoise = 0;
  private yawNoise = 0;
  private dropProbability = 0;
  private readonly worldFrame: string;
  private ticks = 0;
  private published = 0;
  private dropped = 0;

  constructor(
    private readonly node: NodeHandle,
    options: SimulatorOptions,
  ) {
    let declared = false;
    this.values = node.declareParameters(SIMULATOR_SCHEMA, (updates) => {
      const verdict = this.onSet(updates, declared);
      return verdict;
    });
    declared = true;
    this.names = robotNamesOf(this.values);
    const n = this.names.length;
    if (typeof options.initial === 'function') options = { ...options, ...options.initial(this.values) };
    const initial = options.initial as Float64Array;
    if (initial.length !== 2 * n) {
      throw new Error(`${node.name}: ${initial.length / 2} initial positions for ${n} robots (${this.names.slice(0, 3).join(', ')}${n > 3 ? ', ...' : ''})`);
    }
    this.kin = new SwarmKinematics(initial, {
      drive: this.values.drive as DriveKind,
      cmdTimeout: this.values.cmd_timeout as number,
      walls: options.domain,
      initialYaw: options.initialYaw,
      startTime: node.now(),
    });
    this.applyLive(this.values);
    const seed = this.values.seed as number;
    this.noiseRng = createRng(seed);
    // A separate stream for the drops: changing drop_probability live does not change the noise sequence.
    this.dropRng = createRng((seed ^ 0x5bd1e995) >>> 0);
    this.measured = createPoseBuffers(n);
    this.worldFrame = this.values.world_frame as string;

    const cmdTopic = this.values.cmd_topic as string;
    const poseTopic = this.values.pose_topic as string;
    const stamped = this.values.cmd_type === 'twist_stamped';
    const alsoPose = this.values.also_pose_stamped as boolean;
    this.names.forEach((name, i) => {
      const topicName = `/${name}/${cmdTopic}`;
      const sub = stamped
        ? node.createSubscription(MSG.TwistStamped, topicName, 'command', (m) => this.onCommand(i, m?.twist))
        : node.createSubscription(MSG.Twist, topicName, 'command', (m) => this.onCommand(i, m));
      this.subs.push(sub);
      this.odomPubs.push(node.createPublisher(MSG.Odometry, `/${name}/${poseTopic}`, 'sensor'));
      if (alsoPose) this.posePubs.push(node.createPublisher(MSG.PoseStamped, `/${name}/pose`, 'sensor'));
    });
    this.timer = node.createTimer(1 / (this.values.rate as number), () => this.tick());
  }

  /** True positions (not the noisy published ones), interleaved x, y. */
  positions(): Float64Array {
    return this.kin.positions();
  }

  /** True yaws, rad in (-pi, pi]. */
  yaws(): Float64Array {
    return this.kin.yaws();
  }

  /** Counts since start: physics ticks, pose messages published (per robot, odometry) and dropped. */
  stats(): { ticks: number; published: number; dropped: number } {
    return { ticks: this.ticks, published: this.published, dropped: this.dropped };
  }

  /** Stops the timer and the subscriptions. */
  destroy(): void {
    this.timer.cancel();
    for (const s of this.subs) s.destroy();
  }

  private onCommand(i: number, twist: Twist | undefined): void {
    if (!finiteTwist(twist)) {
      this.node.logger.warn(`ignoring a command with non-finite fields for ${this.names[i]}; keeping the previous one`, { robot: this.names[i] });
      return;
    }
    this.kin.command(i, twist.linear.x, twist.linear.y, twist.angular.z, this.node.now());
  }

  /** The parameter callback: re-checks the batch against the schema, then applies the live values. */
  private onSet(updates: ParamValues, live: boolean): ParamVerdict {
    const current = live ? this.values : {};
    const r = applyUpdates(SIMULATOR_SCHEMA, current, updates, { live, crossCheck: live ? simulatorCrossCheck : undefined });
    if (!r.ok) return { successful: false, reason: r.reason };
    if (!live) {
      const cross = simulatorCrossCheck(r.values);
      if (cross) return { successful: false, reason: cross };
      return { successful: true };
    }
    this.values = r.values;
    this.applyLive(r.values);
    return { successful: true };
  }

  private applyLive(v: ParamValues): void {
    this.poseNoise = v.pose_noise as number;
    this.yawNoise = v.yaw_noise as number;
    this.dropProbability = v.drop_probability as number;
    // Before the kinematics exist (at declaration) the values are read from this.values in the constructor.
    if (this.kin) {
      this.kin.drive = v.drive as DriveKind;
      this.kin.cmdTimeout = v.cmd_timeout as number;
    }
  }

  private tick(): void {
    const now = this.node.now();
    const dt = now - this.kin.time;
    if (dt > 0) this.kin.step(dt);
    this.ticks++;
    const m = measurePoses(this.kin, this.noiseRng, this.poseNoise, this.yawNoise, this.measured);
    const stamp = timeMsg(now);
    const k = this.kin;
    for (let i = 0; i < k.count; i++) {
      // One draw per robot per tick whatever the probability, so the sequence is stable under live changes.
      if (this.dropRng.next() < this.dropProbability) {
        this.dropped++;
        continue;
      }
      const name = this.names[i];
      const pose = { position: { x: m.x[i], y: m.y[i], z: 0 }, orientation: quaternionOfYaw(m.yaw[i]) };
      this.odomPubs[i].publish({
        header: { stamp, frame_id: this.worldFrame },
        child_frame_id: `${name}/base_link`,
        pose: { pose },
        twist: { twist: { linear: { x: k.appliedVx[i], y: k.appliedVy[i], z: 0 }, angular: { x: 0, y: 0, z: k.appliedW[i] } } },
      });
      this.published++;
      if (this.posePubs.length) {
        this.posePubs[i].publish({
          header: { stamp: { sec: stamp.sec, nanosec: stamp.nanosec }, frame_id: this.worldFrame },
          pose: { position: { ...pose.position }, orientation: { ...pose.orientation } },
        });
      }
    }
  }
}

/**
 * The initial layout for `count` robots from the simulator's `scenario` parameter: the scenario's layout and its
 * domain as walls (for uniform and target layouts `count` robots are sampled; a list of positions must have
 * `count` entries), or robots on a line when the path is empty. `load` reads the file (default loadScenario).
 */
export function simulatorLayout(scenarioPath: string, count: number, load: (path: string) => Scenario = loadScenario): { initial: Float64Array; domain?: Box } {
  if (scenarioPath === '') return { initial: lineLayout(count) };
  const s = load(scenarioPath);
  const robots = scenarioRobots(s);
  if (robots.initial.type === 'positions' && robots.initial.positions.length !== count) {
    throw new ConfigError('robots.initial.positions', `lists ${robots.initial.positions.length} positions, but the simulator has ${count} robots`, scenarioPath);
  }
  const initial = initialPositions({ ...s, robots: { ...robots, count } }, scenarioTarget(s));
  return { initial, domain: s.domain };
}
