import type { Target } from '../engine/target.js';
import { makeGrid } from '../engine/grid.js';
import { MmdMetric } from '../engine/metrics.js';
import { boxArea } from '../engine/geometry.js';
import type { Box } from '../engine/geometry.js';
import type { NodeHandle, ParamVerdict, Publisher, Timer } from '../node/interface.js';
import type { BoolMsg, DiagnosticStatus, Marker, MarkerArray, Odometry, Pose, PoseStamped, Twist, TwistStamped } from '../node/messages.js';
import { MSG, quaternionOfYaw, quaternionProblem, timeMsg, yawOf } from '../node/messages.js';
import { CONTROLLER_SCHEMA, controllerCrossCheck } from '../params/controller.js';
import { robotNames } from '../params/common.js';
import type { ParamValue, ParamValues } from '../params/schema.js';
import { applyUpdates } from '../params/schema.js';
import type { CoverageAlgorithm, FlowMethod } from '../scenario/scenario.js';
import type { CoverageLaw } from './law.js';
import type { ControllerSettings, TickResult } from './controller.js';
import { CoverageController } from './controller.js';
import { BlobLaw } from './blob-law.js';
import type { LawSettings } from './laws.js';
import { createLaw } from './laws.js';
import type { CrowdingCheck } from './safety.js';
import { crowdingCheck, minSeparation } from './safety.js';
import type { BodyCommand } from './shaping.js';

/** Builds the target from the parameter values `target` and `target_file` (injected: it may read files). */
export type TargetResolver = (inline: string, file: string) => Target;

/** Smallest eps as a fraction of the domain's size (sqrt of its area): the auto width for about 10,000 robots. */
const MIN_EPSILON_FRACTION = 0.005;
/** Seconds between two evaluations of the squared MMD reported on /diagnostics. */
const MMD_PERIOD = 5;

/** Most cells the latched density grid may have. */
const MAX_DENSITY_CELLS = 4e6;

/** Why the width or the density grid would be too fine for `domain`, or undefined. */
function gridSizeProblem(domain: Box, v: ParamValues, updates: ParamValues): string | undefined {
  const side = Math.sqrt(boxArea(domain));
  const size = `${Number((domain.xmax - domain.xmin).toPrecision(3))} m x ${Number((domain.ymax - domain.ymin).toPrecision(3))} m`;
  // Name what the update changed: the target (its domain) or the parameter itself.
  const changed = ['target', 'target_file'].filter((k) => k in updates).map((k) => `parameter '${k}' (a domain of ${size}) with `);
  const eps = v.epsilon as number;
  if (eps > 0 && eps < MIN_EPSILON_FRACTION * side) {
    return `${changed[0] ?? ''}parameter 'epsilon' (${eps} m) is below ${MIN_EPSILON_FRACTION} x the domain's size (${(MIN_EPSILON_FRACTION * side).toPrecision(3)} m): its grids would exceed ${Math.round(1 / (0.4 * MIN_EPSILON_FRACTION)) ** 2} nodes`;
  }
  const res = v.density_resolution as number;
  const cells = Math.ceil((domain.xmax - domain.xmin) / res) * Math.ceil((domain.ymax - domain.ymin) / res);
  if (cells > MAX_DENSITY_CELLS) {
    return `${changed[0] ?? ''}parameter 'density_resolution' (${res} m) gives ${cells.toExponential(2)} cells over the domain, more than ${MAX_DENSITY_CELLS.toExponential(0)}`;
  }
  return undefined;
}

/** Parameters whose change rebuilds the law (`rate` too for the Langevin law, whose noise depends on the period). */
const LAW_KEYS = ['target', 'target_file', 'algorithm', 'method', 'epsilon', 'diffusivity', 'lloyd_gain', 'langevin_diffusivity', 'langevin_seed'];

/** The law's settings from the controller's parameter values. */
export function lawSettings(v: ParamValues): LawSettings {
  return {
    algorithm: v.algorithm as CoverageAlgorithm,
    blob: { method: v.method as FlowMethod, epsilon: v.epsilon as number, diffusivity: v.diffusivity as number, period: 1 / (v.rate as number) },
    lloyd: { gain: v.lloyd_gain as number },
    langevin: { diffusivity: v.langevin_diffusivity as number, seed: v.langevin_seed as number, period: 1 / (v.rate as number) },
  };
}

/** The controller's kinematics and safety settings from the controller's parameter values. */
export function controllerSettings(v: ParamValues): ControllerSettings {
  return {
    drive: v.drive as 'holonomic' | 'diff_drive',
    lookahead: v.lookahead as number,
    poseTimeout: v.pose_timeout as number,
    commandTimeout: v.cmd_timeout as number,
    enabled: v.enabled as boolean,
    safety: { enabled: v.safety as boolean, robotRadius: v.robot_radius as number, clearance: v.safety_clearance as number, gain: v.safety_gain as number },
    limits: {
      maxLinear: v.max_linear_speed as number,
      maxAngular: v.max_angular_speed as number,
      maxLinearAccel: v.max_linear_accel as number,
      maxAngularAccel: v.max_angular_accel as number,
    },
  };
}

/**
 * The coverage controller as a node: subscribes to every robot's pose, publishes its velocity command at a fixed
 * rate, and shows what it does (markers, the latched target density, /diagnostics). Every parameter is declared
 * once from CONTROLLER_SCHEMA; a refused change leaves the node on its last good configuration.
 */
export class CoverageControllerNode {
  readonly controller: CoverageController;
  private values: Record<string, ParamValue> = {};
  private readonly node: NodeHandle;
  private readonly resolveTarget: TargetResolver;
  private readonly commandPublishers: Publisher<Twist | TwistStamped>[] = [];
  private readonly markers: Publisher<MarkerArray>;
  private readonly diagnostics: Publisher<{ header: { stamp: { sec: number; nanosec: number }; frame_id: string }; status: DiagnosticStatus[] }>;
  private readonly density: Publisher<import('../node/messages.js').OccupancyGrid>;
  private timer: Timer | undefined;
  /** Squared MMD of the live robots to the target (bandwidth 0.05 sqrt(area)), reported on /diagnostics. */
  private mmd: MmdMetric | undefined;
  /** The last squared MMD reported and when (it costs ~8 ms at 1,000 robots: recomputed every MMD_PERIOD s). */
  private lastMmd: { value: string; time: number } | undefined;
  private ticks = 0;
  private lastResult: TickResult | undefined;
  private loopSeconds = 0;
  private readonly lastWarn = new Map<string, number>();
  /** The last crowding check and what it was computed for (target, live robots, minimum separation). */
  private crowding: { key: string; target: Target; check: CrowdingCheck } | undefined;
  /** Called after every tick (the standalone mode records history here). */
  onTick: ((result: TickResult, now: number) => void) | undefined;

  constructor(node: NodeHandle, resolveTarget: TargetResolver) {
    this.node = node;
    this.resolveTarget = resolveTarget;
    this.values = node.declareParameters(CONTROLLER_SCHEMA, (updates) => this.onParameters(updates, !this.declared));
    this.controller = this.pendingController!;
    this.pendingController = undefined;
    this.declared = true;
    const v = this.values;
    const names = this.controller.names;
    const stamped = v.cmd_type === 'twist_stamped';
    names.forEach((name, i) => {
      const topic = `/${name}/${String(v.pose_topic)}`;
      if (v.pose_type === 'pose_stamped') {
        node.createSubscription(MSG.PoseStamped, topic, 'sensor', (m: PoseStamped) => this.onPose(i, () => m.pose, m?.header?.stamp));
      } else {
        node.createSubscription(MSG.Odometry, topic, 'sensor', (m: Odometry) => this.onPose(i, () => m.pose.pose, m?.header?.stamp));
      }
      const cmdTopic = `/${name}/${String(v.cmd_topic)}`;
      this.commandPublishers.push(
        (stamped ? node.createPublisher(MSG.TwistStamped, cmdTopic, 'command') : node.createPublisher(MSG.Twist, cmdTopic, 'command')) as Publisher<Twist | TwistStamped>,
      );
    });
    // Two subscriptions on the emergency stop: a transient-local one receives a latched stop published before this
    // node started, and a best-effort volatile one matches every other publisher (`ros2 topic pub`, volatile e-stop
    // nodes), which the transient-local one would silently never match.
    const onStop = (m: BoolMsg): void => {
      const on: unknown = (m as Partial<BoolMsg> | null | undefined)?.data;
      if (typeof on !== 'boolean') {
        this.warnThrottled('estop', `ignored a malformed message on ${String(v.estop_topic)} (the stop stays ${this.controller.emergencyStop ? 'on' : 'off'})`);
        return;
      }
      if (on !== this.controller.emergencyStop) node.logger[on ? 'warn' : 'info'](on ? 'emergency stop: every robot stopped' : 'emergency stop released');
      this.controller.setEmergencyStop(on);
    };
    node.createSubscription(MSG.Bool, String(v.estop_topic), 'latched', onStop);
    node.createSubscription(MSG.Bool, String(v.estop_topic), 'sensor', onStop);
    this.markers = node.createPublisher(MSG.MarkerArray, '~/markers', 'default');
    this.diagnostics = node.createPublisher(MSG.DiagnosticArray, '/diagnostics', 'default');
    this.density = node.createPublisher(MSG.OccupancyGrid, '~/target_density', 'latched');
    this.publishDensity();
    this.startTimer();
    node.logger.info(`coverage controller: ${names.length} robots, ${String(v.drive)}, ${String(v.algorithm)} law, ${String(v.rate)} Hz`);
  }

  /** The controller built while the parameters are declared (the callback runs before the constructor ends). */
  private pendingController: CoverageController | undefined;
  private declared = false;

  /** Validates a batch of parameter changes and applies it, or refuses it with the reason. */
  private onParameters(updates: ParamValues, declaring: boolean): ParamVerdict {
    const merged = applyUpdates(CONTROLLER_SCHEMA, this.values, updates, { live: !declaring, crossCheck: controllerCrossCheck });
    if (!merged.ok) return { successful: false, reason: merged.reason };
    const v = merged.values;
    let law: CoverageLaw | undefined;
    // The rate sets the control period, which the blob law (its diffusivity cap) and the Langevin law (its noise) use.
    if (declaring || LAW_KEYS.some((k) => k in updates) || ('rate' in updates && v.algorithm !== 'lloyd')) {
      try {
        // The target is read again only when it is what changed (a new law over the same target keeps it).
        const keep = declaring || 'target' in updates || 'target_file' in updates ? undefined : this.controller.currentLaw.target;
        const target = keep ?? this.resolveTarget(String(v.target), String(v.target_file));
        const sizeProblem = gridSizeProblem(target.domain, v, updates);
        if (sizeProblem) return { successful: false, reason: sizeProblem };
        law = createLaw(target, lawSettings(v));
        law.prepare?.(robotNames(v).length); // e.g. the blob fields for the whole swarm, built now rather than in a tick
      } catch (e) {
        return { successful: false, reason: (e as Error).message };
      }
    } else if ('density_resolution' in updates) {
      const sizeProblem = gridSizeProblem(this.controller.currentLaw.target.domain, v, updates);
      if (sizeProblem) return { successful: false, reason: sizeProblem };
    }
    if (declaring) {
      this.pendingController = new CoverageController(robotNames(v), law!, controllerSettings(v));
      this.values = v;
      return { successful: true };
    }
    this.values = v;
    this.controller.setSettings(controllerSettings(v));
    const newTarget = law !== undefined && law.target !== this.controller.currentLaw.target;
    if (law) this.controller.setLaw(law);
    if (newTarget) {
      this.mmd = undefined;
      this.lastMmd = undefined;
    }
    if (newTarget || 'density_resolution' in updates) this.publishDensity();
    if ('rate' in updates) this.startTimer();
    this.node.logger.info(`parameters changed: ${Object.keys(updates).join(', ')}`);
    return { successful: true };
  }

  private warnThrottled(key: string, message: string): void {
    const now = this.node.now();
    if ((this.lastWarn.get(key) ?? -Infinity) + 5 > now) return;
    this.lastWarn.set(key, now);
    this.node.logger.warn(message);
  }

  /**
   * Records a pose. Its time is the header stamp when it is set and in the past (so a delayed pose is as old as it
   * is, and goes stale in time), else the arrival time (a stamp in the future: a clock ahead of this node's). A malformed message, a non-finite or absurd pose is
   * ignored with a throttled WARN; the robot keeps its last good pose, which goes stale.
   */
  private onPose(index: number, read: () => Pose, stamp: { sec: number; nanosec: number } | undefined): void {
    const name = this.controller.names[index];
    let x: number;
    let y: number;
    let yaw: number;
    try {
      const pose = read();
      const problem = quaternionProblem(pose.orientation);
      if (problem) {
        this.warnThrottled(`pose${index}`, `ignored a pose: pose of ${name}: ${problem}`);
        return;
      }
      [x, y, yaw] = [pose.position.x, pose.position.y, yawOf(pose.orientation)];
    } catch {
      this.warnThrottled(`pose${index}`, `ignored a malformed pose message from ${name}`);
      return;
    }
    const now = this.node.now();
    const stamped = stamp && typeof stamp.sec === 'number' && typeof stamp.nanosec === 'number' ? stamp.sec + stamp.nanosec * 1e-9 : 0;
    // A stamp within a microsecond of now is now (sec + nanosec in floating point is not exact).
    const time = stamped > 0 && stamped < now - 1e-6 ? stamped : now;
    const reason = this.controller.updatePose(index, x, y, yaw, time);
    if (reason) this.warnThrottled(`pose${index}`, `ignored a pose: ${reason}`);
    else if (now - time > (this.values.pose_timeout as number)) {
      this.warnThrottled(`late${index}`, `poses of ${name} arrive ${(now - time).toFixed(3)} s after their stamp (latency, or a clock behind this node's): the robot is stopped as stale`);
    }
  }

  private startTimer(): void {
    this.timer?.cancel();
    this.timer = this.node.createTimer(1 / (this.values.rate as number), () => this.tick());
  }

  /** One control step: commands out, markers, diagnostics at ~1 Hz. */
  tick(): TickResult {
    const started = performance.now();
    const now = this.node.now();
    let r: TickResult;
    try {
      r = this.controller.tick(now);
    } catch (e) {
      // A bug or an engine failure must not leave the robots on their last command: zero to everyone, and say why.
      this.node.logger.error(`control tick failed, every robot commanded zero: ${(e as Error).message}`);
      const zeros = this.controller.zeroAll();
      r = { commands: zeros, live: 0, stale: [], saturated: 0, stopped: 'disabled', energy: 0, epsilon: 0, diffusivity: 0, safetyOverrides: 0 };
    }
    this.publishCommands(r.commands, now);
    const closest = r.safety?.closestPair ?? Infinity;
    const minSep = 2 * (this.values.robot_radius as number) + (this.values.safety_clearance as number);
    if (closest < minSep - 1e-6) {
      this.warnThrottled('separation', `two robots are ${closest.toFixed(4)} m apart, closer than the minimum separation ${minSep.toFixed(3)} m: the safety layer is separating them`);
    }
    this.loopSeconds = (performance.now() - started) / 1000;
    this.lastResult = r;
    this.ticks++;
    if (this.values.publish_markers) this.publishMarkers(r, now);
    if (this.ticks % Math.max(1, Math.round(this.values.rate as number)) === 0) this.publishDiagnostics(now);
    this.onTick?.(r, now);
    return r;
  }

  private publishCommands(commands: readonly BodyCommand[], now: number): void {
    const stamped = this.values.cmd_type === 'twist_stamped';
    commands.forEach((c, i) => {
      const twist: Twist = { linear: { x: c.vx, y: c.vy, z: 0 }, angular: { x: 0, y: 0, z: c.wz } };
      this.commandPublishers[i].publish(stamped ? { header: { stamp: timeMsg(now), frame_id: `${this.controller.names[i]}/base_link` }, twist } : twist);
    });
  }

  /** Sends zero to every robot `times` times (call before shutting down). */
  stop(times = 3): void {
    this.timer?.cancel();
    this.timer = undefined;
    const zeros = this.controller.zeroAll();
    for (let k = 0; k < times; k++) this.publishCommands(zeros, this.node.now());
    this.node.logger.info(`sent zero to ${zeros.length} robots`);
  }

  private publishMarkers(r: TickResult, now: number): void {
    const frame = String(this.values.world_frame);
    const header = { stamp: timeMsg(now), frame_id: frame };
    const p = this.controller.positions();
    const base = (id: number, ns: string, type: number): Marker => ({
      header, ns, id, type, action: 0, pose: { position: { x: 0, y: 0, z: 0 }, orientation: quaternionOfYaw(0) },
      scale: { x: 0.05, y: 0.05, z: 0.05 }, color: { r: 0.1, g: 0.5, b: 0.9, a: 1 }, points: [],
    });
    const robots = base(0, 'robots', 7); // SPHERE_LIST
    const arrows = base(1, 'commands', 5); // LINE_LIST
    arrows.scale = { x: 0.01, y: 0, z: 0 };
    arrows.color = { r: 0.9, g: 0.3, b: 0.1, a: 1 };
    for (let i = 0; i < this.controller.names.length; i++) {
      const x = p[2 * i];
      const y = p[2 * i + 1];
      robots.points.push({ x, y, z: 0 });
      const c = r.commands[i];
      arrows.points.push({ x, y, z: 0 }, { x: x + c.vx, y: y + c.vy, z: 0 });
    }
    const clear = { ...base(0, '', 0), action: 3 }; // DELETEALL
    this.markers.publish({ markers: [clear, robots, arrows] });
  }

  private publishDiagnostics(now: number): void {
    const r = this.lastResult;
    const ages = this.controller.poseAges(now);
    let maxAge = 0;
    for (const a of ages) maxAge = Math.max(maxAge, a);
    const target = this.controller.currentLaw.target;
    const crowd = this.crowdingFor(target, r?.live ?? this.controller.names.length);
    const safety = r?.safety;
    const warnings = [
      r && r.stale.length ? `${r.stale.length} robots without a fresh pose` : '',
      r && r.saturated > 0.5 * Math.max(1, r.live) ? 'most commands saturated' : '',
      crowd.feasible ? '' : 'target too tight for the robots (see peak spacing)',
      safety && safety.infeasible > 0 ? `${safety.infeasible} robots closer than the minimum separation` : '',
    ].filter((w) => w !== '');
    const level = r?.stopped === 'emergency_stop' ? 2 : warnings.length > 0 ? 1 : 0;
    const message = r?.stopped ? `stopped: ${r.stopped}` : warnings.length ? warnings.join('; ') : 'ok';
    const fmt = (v: number | undefined): string => (v === undefined ? 'n/a' : Number.isFinite(v) ? v.toFixed(3) : 'none near');
    this.mmd ??= new MmdMetric(target, 0.05 * Math.sqrt(boxArea(target.domain)));
    const live = this.controller.livePositions(now);
    const values = [
      ['robots', String(this.controller.names.length)],
      ['mmd2', this.mmdAt(live, now)],
      ['live', String(r?.live ?? 0)],
      ['stale', (r?.stale ?? []).join(' ')],
      ['max pose age (s)', Number.isFinite(maxAge) ? maxAge.toFixed(3) : 'never'],
      ['saturated', String(r?.saturated ?? 0)],
      ['loop time (ms)', (this.loopSeconds * 1000).toFixed(2)],
      ['algorithm', String(this.values.algorithm)],
      ['energy', r && Number.isFinite(r.energy) ? String(r.energy) : 'n/a'],
      ['epsilon (m)', String(r?.epsilon ?? 0)],
      ['diffusivity applied (m^2/s)', String(r?.diffusivity ?? 0)],
      ['min separation (m)', crowd.minSeparation.toFixed(3)],
      ['closest pair (m)', fmt(safety?.closestPair)],
      ['closest obstacle (m)', fmt(safety?.closestObstacle)],
      ['safety modified', String(safety?.modified ?? 0)],
      ['safety infeasible', String(safety?.infeasible ?? 0)],
      ['safety accel overrides', String(r?.safetyOverrides ?? 0)],
      ['safety gain applied (1/s)', r?.safetyGain === undefined ? 'n/a' : r.safetyGain.toFixed(3)],
      ['target peak spacing (m)', crowd.peakSpacing.toFixed(3)],
      ['target mass too tight', crowd.tightMass.toFixed(3)],
    ].map(([key, value]) => ({ key, value }));
    this.diagnostics.publish({ header: { stamp: timeMsg(now), frame_id: '' }, status: [{ level, name: `${this.node.name}: coverage`, message, hardware_id: 'swarm', values }] });
  }

  /** The squared MMD of the live robots, recomputed when the last one is MMD_PERIOD s old. */
  private mmdAt(live: Float64Array, now: number): string {
    if (this.lastMmd && now - this.lastMmd.time < MMD_PERIOD) return this.lastMmd.value;
    const value = live.length && this.mmd ? this.mmd.evaluate(live).toExponential(3) : 'n/a';
    this.lastMmd = { value, time: now };
    return value;
  }

  /**
   * The crowding check for the current target, live robots and minimum separation, recomputed when one changes;
   * a WARN names the numbers each time the target becomes impossible to meet.
   */
  private crowdingFor(target: Target, live: number): CrowdingCheck {
    const minSep = minSeparation(controllerSettings(this.values).safety);
    const key = `${live}:${minSep}`;
    if (this.crowding && this.crowding.target === target && this.crowding.key === key) return this.crowding.check;
    const check = crowdingCheck(target, Math.max(1, live), minSep);
    if (!check.feasible && this.values.safety) {
      this.node.logger.warn(
        `the target cannot be met: at its densest point it asks for ${live} robots to be ${check.peakSpacing.toFixed(3)} m apart, ` +
          `below the minimum separation ${minSep.toFixed(3)} m (2 robot_radius + safety_clearance); ` +
          `${(100 * check.tightMass).toFixed(0)}% of its mass is that tight. The robots will spread wider there.`,
      );
    }
    this.crowding = { key, target, check };
    return check;
  }

  private publishDensity(): void {
    const target = this.controller.currentLaw.target;
    const d = target.domain;
    const res = this.values.density_resolution as number;
    const grid = makeGrid(d, res, 0);
    const { density } = target.onGrid(grid);
    const width = grid.nx - 2 * grid.margin;
    const height = grid.ny - 2 * grid.margin;
    let peak = 0;
    for (const v of density) peak = Math.max(peak, v);
    const data = new Int8Array(width * height);
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) data[j * width + i] = Math.round((100 * density[(j + grid.margin) * grid.nx + i + grid.margin]) / (peak || 1));
    }
    const now = this.node.now();
    this.density.publish({
      header: { stamp: timeMsg(now), frame_id: String(this.values.world_frame) },
      info: { map_load_time: timeMsg(now), resolution: grid.hx, width, height, origin: { position: { x: d.xmin, y: d.ymin, z: 0 }, orientation: quaternionOfYaw(0) } },
      data,
    });
  }
}
