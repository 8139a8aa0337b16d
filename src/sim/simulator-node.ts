/**
 * The swarm simulator as a node: N robots' kinematics behind the same topics real robots have
 * (`/<robot>/cmd_vel` in, `/<robot>/odom` out), on the NodeHandle interface (rclnodejs or the in-process bus).
 */
import type { Box } from '../engine/target/geometry.js';
import { createRng } from '../engine/random.js';
import type { Rng } from '../engine/random.js';
import type { NodeHandle, ParamVerdict, Publisher, Subscription, Timer } from '../node/interface.js';
import { MSG, quaternionOfYaw, timeMsg } from '../node/messages.js';
import type { Odometry, PoseStamped, TFMessage, TransformStamped, Twist } from '../node/messages.js';
import { applyUpdates } from '../params/schema.js';
import type { ParamValue, ParamValues } from '../params/schema.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario.js';
import { initialPositions, scenarioRobots, scenarioTarget } from '../scenario/setup.js';
import { ConfigError } from '../scenario/validate.js';
import { SwarmKinematics, createPoseBuffers, lineLayout, measurePoses } from './kinematics.js';
import type { DriveKind, PoseBuffers } from './kinematics.js';
import { SIMULATOR_SCHEMA, robotNamesOf, simulatorCrossCheck } from './params.js';
import { PoseDelayLine, createPoseMeasurement } from './pose-delay.js';
import type { PoseMeasurement } from './pose-delay.js';

/** Slack when comparing a due time with the clock, s: both are sums of floating-point seconds. */
const DUE_TOLERANCE = 1e-9;

/** Counts since the start of a simulator node. */
export interface SimulatorStats {
  /** Physics ticks. */
  readonly ticks: number;
  /** Poses measured: one per live robot per tick. Always published + dropped + inFlight. */
  readonly measured: number;
  /** Odometry messages published (a PoseStamped, when enabled, goes with each). */
  readonly published: number;
  /** Measurements dropped (drop_probability). */
  readonly dropped: number;
  /** Measurements waiting in the delay line (pose_delay, pose_delay_jitter). */
  readonly inFlight: number;
  /** Robots dead now. */
  readonly dead: number;
  /** Deaths so far (failure_rate and kill()); a robot that dies, is revived and dies again counts twice. */
  readonly deaths: number;
}

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
 * optionally geometry_msgs/PoseStamped on `/<robot>/pose`, with seeded faults: pose noise, message drops, pose
 * delay (with jitter) and robot deaths. Live parameters (drive, cmd_timeout, pose_noise, yaw_noise,
 * drop_probability, pose_delay, pose_delay_jitter, failure_rate) take effect at the next tick.
 *
 * Each tick, in this order: the robots move for the time since the last tick; each live robot dies with
 * probability 1 - exp(-failure_rate dt); each live robot's pose is measured (noise), dropped or queued for
 * pose_delay plus jitter; then every queued message that is due is published, each robot's in order. Noise,
 * drops, jitter and failures draw from four seeded streams, one draw (or three normals) per robot per tick
 * whatever the parameters and whether the robot is alive, so a live change of one fault, or a death, does not
 * change the sequence of any other.
 */
export class SwarmSimulatorNode {
  /** Robot namespaces, in the order of the initial positions. */
  readonly names: readonly string[];
  /** The parameter values in force. */
  private values: Record<string, ParamValue>;
  private readonly kin: SwarmKinematics;
  private readonly noiseRng: Rng;
  private readonly dropRng: Rng;
  private readonly jitterRng: Rng;
  private readonly failureRng: Rng;
  private readonly measuredPoses: PoseBuffers;
  private readonly delayLine: PoseDelayLine;
  /** Scratch records for the delay line (in and out). */
  private readonly entering = createPoseMeasurement();
  private readonly leaving = createPoseMeasurement();
  /** 1 for a live robot, 0 for a dead one. */
  private readonly aliveFlags: Uint8Array;
  private readonly childFrames: readonly string[];
  private readonly odomPubs: Publisher<Odometry>[] = [];
  private readonly posePubs: Publisher<PoseStamped>[] = [];
  /** /tf, when publish_tf is set, and the transforms of the poses published this tick. */
  private tf: Publisher<TFMessage> | undefined;
  private tfBatch: TransformStamped[] = [];
  private readonly subs: Subscription[] = [];
  private readonly timer: Timer;
  private poseNoise = 0;
  private yawNoise = 0;
  private dropProbability = 0;
  private poseDelay = 0;
  private poseDelayJitter = 0;
  private failureRate = 0;
  private readonly worldFrame: string;
  private ticks = 0;
  private measurements = 0;
  private published = 0;
  private dropped = 0;
  private deadCount = 0;
  private deaths = 0;

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
    // One stream per fault: changing one live does not change the sequence of another.
    this.dropRng = createRng((seed ^ 0x5bd1e995) >>> 0);
    this.jitterRng = createRng((seed ^ 0x27d4eb2f) >>> 0);
    this.failureRng = createRng((seed ^ 0x165667b1) >>> 0);
    this.measuredPoses = createPoseBuffers(n);
    this.delayLine = new PoseDelayLine(n);
    this.aliveFlags = new Uint8Array(n).fill(1);
    // Child frames carry the node's namespace (`swarm_a/robot_0/base_link`): two swarms on one /tf do not collide.
    const namespace = node.name.slice(1, node.name.lastIndexOf('/'));
    this.childFrames = this.names.map((name) => `${namespace ? `${namespace}/` : ''}${name}/base_link`);
    this.worldFrame = this.values.world_frame as string;

    const cmdTopic = this.values.cmd_topic as string;
    const poseTopic = this.values.pose_topic as string;
    const stamped = this.values.cmd_type === 'twist_stamped';
    const alsoPose = this.values.also_pose_stamped as boolean;
    this.names.forEach((name, i) => {
      // Relative names: resolved under the node's namespace, like the controller's.
      const topicName = `${name}/${cmdTopic}`;
      const sub = stamped
        ? node.createSubscription(MSG.TwistStamped, topicName, 'command', (m) => this.onCommand(i, m?.twist))
        : node.createSubscription(MSG.Twist, topicName, 'command', (m) => this.onCommand(i, m));
      this.subs.push(sub);
      this.odomPubs.push(node.createPublisher(MSG.Odometry, `${name}/${poseTopic}`, 'sensor'));
      if (alsoPose) this.posePubs.push(node.createPublisher(MSG.PoseStamped, `${name}/pose`, 'sensor'));
    });
    if (this.values.publish_tf) this.tf = node.createPublisher(MSG.TFMessage, '/tf', 'default');
    this.timer = node.createTimer(1 / (this.values.rate as number), () => this.tick());
  }

  /** True positions (not the noisy published ones), interleaved x, y; dead robots where they died. */
  positions(): Float64Array {
    return this.kin.positions();
  }

  /** True yaws, rad in (-pi, pi]. */
  yaws(): Float64Array {
    return this.kin.yaws();
  }

  /** Which robots are alive: 1 alive, 0 dead, in the order of `names` (a copy). */
  alive(): Uint8Array {
    return this.aliveFlags.slice();
  }

  /**
   * Kills the robots at `indices` (into `names`) now, as a flat battery or a crash would: each stops where it is
   * (where positions() reports it, as of the last tick) and stays there, ignores every command, and no pose
   * measured from now on is published. Messages it measured before, still in the delay line (pose_delay), are
   * delivered: they had left the robot. Killing a dead robot does nothing. An index that is not a robot's throws
   * a RangeError before anything changes.
   */
  kill(indices: readonly number[]): void {
    this.checkIndices(indices);
    for (const i of indices) if (this.aliveFlags[i]) this.die(i);
  }

  /**
   * Brings the dead robots at `indices` back (rebooted, put back in service): from the next tick each publishes
   * its pose again and obeys commands. It comes back where it died, standing still and without a command
   * (commands sent while it was dead were ignored), until its next command. Reviving a live robot does nothing.
   * An index that is not a robot's throws a RangeError before anything changes.
   */
  revive(indices: readonly number[]): void {
    this.checkIndices(indices);
    for (const i of indices) {
      if (this.aliveFlags[i]) continue;
      this.aliveFlags[i] = 1;
      this.deadCount--;
    }
  }

  /** Counts since the start (see SimulatorStats). */
  stats(): SimulatorStats {
    return {
      ticks: this.ticks,
      measured: this.measurements,
      published: this.published,
      dropped: this.dropped,
      inFlight: this.delayLine.size,
      dead: this.deadCount,
      deaths: this.deaths,
    };
  }

  /** Stops the timer and the subscriptions; messages still in the delay line are not delivered. */
  destroy(): void {
    this.timer.cancel();
    for (const s of this.subs) s.destroy();
  }

  private onCommand(i: number, twist: Twist | undefined): void {
    if (!this.aliveFlags[i]) return;
    if (!finiteTwist(twist)) {
      this.node.logger.warn(`ignoring a malformed command, or one with non-finite fields, for ${this.names[i]}; keeping the previous one`, { robot: this.names[i] });
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
    this.poseDelay = v.pose_delay as number;
    this.poseDelayJitter = v.pose_delay_jitter as number;
    this.failureRate = v.failure_rate as number;
    // Before the kinematics exist (at declaration) the values are read from this.values in the constructor.
    if (this.kin) {
      this.kin.drive = v.drive as DriveKind;
      this.kin.cmdTimeout = v.cmd_timeout as number;
    }
  }

  private checkIndices(indices: readonly number[]): void {
    const bad = indices.find((i) => !(Number.isInteger(i) && i >= 0 && i < this.names.length));
    if (bad !== undefined) throw new RangeError(`${this.node.name}: ${bad} is not a robot index (0 .. ${this.names.length - 1})`);
  }

  private die(i: number): void {
    this.aliveFlags[i] = 0;
    this.deadCount++;
    this.deaths++;
    this.kin.halt(i);
  }

  private tick(): void {
    const now = this.node.now();
    const dt = now - this.kin.time;
    if (dt > 0) this.kin.step(dt);
    this.ticks++;
    this.drawFailures(dt);
    this.measureAndQueue(now);
    this.deliverDue(now);
  }

  /** Each live robot dies with probability 1 - exp(-failure_rate dt); one draw per robot whatever its state. */
  private drawFailures(dt: number): void {
    const p = dt > 0 ? -Math.expm1(-this.failureRate * dt) : 0;
    const alive = this.aliveFlags;
    for (let i = 0; i < alive.length; i++) {
      const u = this.failureRng.next();
      if (alive[i] && u < p) this.die(i);
    }
  }

  /** Measures every live robot's pose: dropped, or queued until now + pose_delay + jitter. */
  private measureAndQueue(now: number): void {
    const k = this.kin;
    const m = measurePoses(k, this.noiseRng, this.poseNoise, this.yawNoise, this.measuredPoses);
    const e = this.entering;
    e.stamp = now;
    for (let i = 0; i < k.count; i++) {
      const dropDraw = this.dropRng.next();
      const jitterDraw = this.jitterRng.next();
      if (!this.aliveFlags[i]) continue;
      this.measurements++;
      if (dropDraw < this.dropProbability) {
        this.dropped++;
        continue;
      }
      e.x = m.x[i];
      e.y = m.y[i];
      e.yaw = m.yaw[i];
      e.vx = k.appliedVx[i];
      e.vy = k.appliedVy[i];
      e.w = k.appliedW[i];
      this.delayLine.push(i, now + this.poseDelay + jitterDraw * this.poseDelayJitter, e);
    }
  }

  /** Publishes every queued measurement due by now, robot by robot, each robot's oldest first. */
  private deliverDue(now: number): void {
    const line = this.delayLine;
    const limit = now + DUE_TOLERANCE;
    for (let i = 0; i < line.robotCount; i++) {
      while (line.nextDue(i) <= limit) this.publishPose(i, line.shift(i, this.leaving));
    }
    if (this.tf && this.tfBatch.length) {
      this.tf.publish({ transforms: this.tfBatch });
      this.tfBatch = [];
    }
  }

  private publishPose(i: number, m: PoseMeasurement): void {
    const stamp = timeMsg(m.stamp);
    const orientation = quaternionOfYaw(m.yaw);
    this.odomPubs[i].publish({
      header: { stamp, frame_id: this.worldFrame },
      child_frame_id: this.childFrames[i],
      pose: { pose: { position: { x: m.x, y: m.y, z: 0 }, orientation } },
      twist: { twist: { linear: { x: m.vx, y: m.vy, z: 0 }, angular: { x: 0, y: 0, z: m.w } } },
    });
    this.published++;
    if (this.tf) {
      this.tfBatch.push({
        header: { stamp: { ...stamp }, frame_id: this.worldFrame },
        child_frame_id: this.childFrames[i],
        transform: { translation: { x: m.x, y: m.y, z: 0 }, rotation: { ...orientation } },
      });
    }
    if (this.posePubs.length) {
      this.posePubs[i].publish({
        header: { stamp: { ...stamp }, frame_id: this.worldFrame },
        pose: { position: { x: m.x, y: m.y, z: 0 }, orientation: { ...orientation } },
      });
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
