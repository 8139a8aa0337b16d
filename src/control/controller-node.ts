import { Target } from '../engine/target/target.js';
import type { MmdMetric, StepwiseMmd } from '../engine/metrics/metrics.js';
import type { NodeHandle, ParamVerdict, Publisher, Timer } from '../node/interface.js';
import type { BoolMsg, DiagnosticStatus, Float32MultiArray, Header, Marker, MarkerArray, Odometry, Pose, PoseStamped, TFMessage, TransformStamped, Twist, TwistStamped } from '../node/messages.js';
import { MSG, SRV, quaternionOfYaw, quaternionProblem, timeMsg, yawOf } from '../node/messages.js';
import { CONTROLLER_SCHEMA, controllerCrossCheck } from '../params/controller.js';
import { robotNames } from '../params/common.js';
import type { ParamValue, ParamValues } from '../params/schema.js';
import { applyUpdates } from '../params/schema.js';
import type { CoverageAlgorithm, FlowMethod } from '../scenario/scenario.js';
import { targetSourceProblem } from '../scenario/target-param.js';
import type { CoverageLaw } from './laws/law.js';
import type { ControllerSettings, TickResult } from './controller.js';
import { CoverageController, WARM_TICKS_FROM } from './controller.js';
import type { LawSettings } from './laws/laws.js';
import { createLaw } from './laws/laws.js';
import type { LawBuildRequest } from './laws/law-build.js';
import { buildLaw, controllerMmd, densityGrid, gridSizeProblem } from './laws/law-build.js';
import type { BuildOutcome } from './laws/law-builder.js';
import { LawBuilder } from './laws/law-builder.js';
import type { CrowdingCheck } from './safety/safety.js';
import { crowdingCheck, minSeparation } from './safety/safety.js';
import type { BodyCommand } from './shaping.js';
import { DepositBoard } from './exchange/deposits.js';
import { PoseTiles, TileGrid } from './exchange/tiles.js';
import type { TileGuardReport } from './exchange/tile-guard.js';
import { TileGuard } from './exchange/tile-guard.js';
import { barrierRange } from './safety/nearby.js';
import type { SharedView } from './controller.js';
import { multiScaleEpsilon } from '../engine/field/bandwidth.js';
import type { WarmUpReport } from './warm-up.js';
import { warmNodePath, warmUpsRun } from './warm-up.js';

/** A frame id without its leading '/' (tf2 ignores it). */
const stripSlash = (frame: string): string => (frame.startsWith('/') ? frame.slice(1) : frame);

/** A value from a message, cut for a log line. */
const clip = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}...` : text);

/** Seconds between two evaluations of the squared MMD reported on /diagnostics. */
const MMD_PERIOD = 5;

/**
 * Fraction of the target's mass that may ask for robots closer than the minimum separation before /diagnostics
 * says WARN: below it the robots spread a little wider at the very peak only (the demo's 10 TurtleBot3s: 1.2%).
 */
const TIGHT_MASS_WARN = 0.05;

/**
 * Parameters whose change is built aside (the target, the law, the control period that the blob law's diffusivity
 * cap and the Langevin law's noise follow, the latched density grid), and that a failed build restores.
 */
const BUILD_KEYS = ['target', 'target_file', 'algorithm', 'method', 'epsilon', 'diffusivity', 'lloyd_gain', 'langevin_diffusivity', 'langevin_seed', 'rate', 'density_resolution'];

/** Longest reason quoted from a failed build, characters. */
const MAX_REASON = 300;

/**
 * Where the target and the law in force stand: `ok` (the last change is in force), `building` (a change is being
 * built aside; the controller commands on the last good law meanwhile) or `refused` (the last change failed to
 * build and its parameters were restored).
 */
export type TargetStatus =
  /** `seconds`: how long the last build took aside; `mainMs`: what putting it in force cost the control thread. */
  | { readonly state: 'ok'; readonly seconds?: number; readonly mainMs?: number }
  | { readonly state: 'building'; readonly since: number; readonly keys: readonly string[] }
  | { readonly state: 'refused'; readonly reason: string; readonly keys: readonly string[] };

/** Options of the controller node. */
export interface ControllerNodeOptions {
  /**
   * Where target switches and law rebuilds run (default: a worker thread of its own, with the default limits). A
   * builder passed here may serve several nodes one after another; it is the caller's to close.
   */
  readonly builder?: LawBuilder;
  /**
   * Whether to run the node's tick path on a twin on a private bus before the timer starts (warm-up.ts); default:
   * from WARM_TICKS_FROM robots, unless another node of this process did. Never with Langevin's law (whose noise the
   * twin's ticks would draw).
   */
  readonly warmUp?: boolean;
  /** Makes this node a warm-up twin of the node whose law this is: the law is shared, not built; no warm-up of its own. */
  readonly twinOf?: CoverageLaw;
}

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
  /** The scenario whose target is used when both `target` and `target_file` are empty. */
  private readonly fallbackScenario: string;
  private readonly builder: LawBuilder;
  private readonly ownBuilder: boolean;
  /** The BUILD_KEYS values the law in force was built for (what a failed build restores). */
  private applied: Record<string, ParamValue> = {};
  private status: TargetStatus = { state: 'ok' };
  /** The build in flight, if any (resolves when it is applied or refused). */
  private settling: Promise<void> | undefined;
  /** True while this node restores parameters after a failed build (the change needs no build). */
  private reverting = false;
  /** Per robot: its command publisher, or undefined for a robot another instance commands. */
  private readonly commandPublishers: (Publisher<Twist | TwistStamped> | undefined)[] = [];
  private readonly markers: Publisher<MarkerArray>;
  private readonly diagnostics: Publisher<{ header: { stamp: { sec: number; nanosec: number }; frame_id: string }; status: DiagnosticStatus[] }>;
  private readonly density: Publisher<import('../node/messages.js').OccupancyGrid>;
  /** The swarm_poses_topic publisher (an instance with owned_robots publishes its robots' poses there), if any. */
  private readonly swarmPoses: Publisher<TFMessage> | undefined;
  /** The deposits shared with the other instances (pose_exchange regional), and their publisher. */
  private readonly board: DepositBoard | undefined;
  private readonly densityOut: Publisher<Float32MultiArray> | undefined;
  /** The board as the controller uses it (with the readiness and the swarm's size). */
  private readonly shared: SharedView | undefined;
  /** Per robot, with tiles: the tile it was last heard on (-1: none) and the tick count then. */
  private heardTile = new Int32Array(0);
  private heardTick = new Int32Array(0);
  /** Time of the first tick (the regional exchange's start-up wait). */
  private firstTick: number | undefined;
  /** The regional pose exchange's tiles (pose_exchange regional), if any. */
  private readonly tiles: PoseTiles | undefined;
  /** Holds the robots that could meet another instance's robot unheard (tiles not heard in time, dead instances'). */
  private readonly guard: TileGuard | undefined;
  /** The guard's last report, and the robot-ticks it has held so far (for /diagnostics). */
  private guardReport: TileGuardReport | undefined;
  private heldTicks = 0;
  /** Robot index of each `<robot>/base_link` child frame, for the poses other instances publish. */
  private readonly frameIndex = new Map<string, number>();
  /** Each robot's `<robot>/base_link`, made once. */
  private readonly frameNames: string[] = [];
  private timer: Timer | undefined;
  /** Subscriptions and services, destroyed by `crash`. */
  private readonly endpoints: { destroy(): void }[] = [];
  /** Squared MMD of the live robots to the target (bandwidth 0.05 sqrt(area)), reported on /diagnostics. */
  private mmd: MmdMetric;
  /** The last squared MMD reported and the time of the poses it measured (recomputed every MMD_PERIOD s). */
  private lastMmd: { value: string; time: number } | undefined;
  /**
   * The squared MMD under way: 8 ms at 1,000 robots, 40-90 ms at 5,000, so it is spread over the ticks of half an
   * MMD_PERIOD (a slice of robots a tick, advanceMmd) rather than computed in one.
   */
  private mmdJob: { evaluation: StepwiseMmd; time: number } | undefined;
  private ticks = 0;
  private lastResult: TickResult | undefined;
  private loopSeconds = 0;
  private readonly lastWarn = new Map<string, number>();
  /** Robots whose last pose came in a frame other than world_frame, with that frame. */
  private readonly frameMismatch = new Map<number, string>();
  /** The last crowding check and what it was computed for (target, live robots, minimum separation). */
  private crowding: { key: string; target: Target; check: CrowdingCheck } | undefined;
  /** Called after every tick (the standalone mode records history here). */
  onTick: ((result: TickResult, now: number) => void) | undefined;
  /** What the node-path warm-up did before the timer started (undefined: none ran). */
  readonly warmUpReport: WarmUpReport | undefined;
  /** A warm-up twin's law (ControllerNodeOptions.twinOf). */
  private readonly twinLaw: CoverageLaw | undefined;

  /**
   * `fallbackScenario` is the scenario file whose target is used when both `target` and `target_file` are empty.
   * The start-up target and law are built synchronously here (before the first tick); later changes are built aside.
   */
  constructor(node: NodeHandle, fallbackScenario: string, options: ControllerNodeOptions = {}) {
    this.node = node;
    this.fallbackScenario = fallbackScenario;
    this.builder = options.builder ?? new LawBuilder();
    this.ownBuilder = options.builder === undefined;
    this.twinLaw = options.twinOf;
    this.values = node.declareParameters(CONTROLLER_SCHEMA, (updates) => this.onParameters(updates, !this.declared));
    this.controller = this.pendingController!;
    this.pendingController = undefined;
    this.declared = true;
    const v = this.values;
    const names = this.controller.names;
    const stamped = v.cmd_type === 'twist_stamped';
    const offsets = v.pose_offsets as number[];
    const sharing = (v.owned_robots as string[]).length > 0;
    // With the exchange, the poses of the robots other instances command come from their swarm_poses_topic.
    const exchange = v.pose_exchange === 'on' || ((v.pose_exchange === 'auto' || v.pose_exchange === 'regional') && sharing);
    // Regional: the coarse scales' other robots come as the other instances' deposits (docs/shards.md).
    const regional = v.pose_exchange === 'regional' && sharing;
    // Regional, the poses too: by tiles of the box, each instance hearing only the tiles near its robots.
    const tiled = regional && v.pose_type !== 'tf';
    // With pose_type tf, child frames may carry the node's namespace (`swarm_a/robot_0/base_link`), as the simulator's do.
    const namespace = node.name.slice(1, node.name.lastIndexOf('/'));
    const tf = v.pose_type === 'tf';
    names.forEach((name, i) => {
      this.frameNames.push(baseLink(name));
      this.frameIndex.set(this.frameNames[i], i);
      // A bare robot name is a child frame too with pose_type tf (Gazebo's pose info names models, mocap names bodies).
      if (tf) for (const f of [name, ...(namespace ? [`${namespace}/${this.frameNames[i]}`, `${namespace}/${name}`] : [])]) this.frameIndex.set(f, i);
      // Relative names: resolved under the node's namespace, so `namespace:=swarm_a` keeps a swarm to itself.
      const topic = `${name}/${String(v.pose_topic)}`;
      const offset = offsets.length ? { x: offsets[3 * i], y: offsets[3 * i + 1], yaw: offsets[3 * i + 2] } : undefined;
      if (tf || (exchange && !this.controller.owned[i])) {
        // The swarm's one pose topic (below), or another instance's robot: its pose arrives on swarm_poses_topic.
      } else if (v.pose_type === 'pose_stamped') {
        this.endpoints.push(node.createSubscription(MSG.PoseStamped, topic, 'sensor', (m: PoseStamped) => this.onPose(i, () => m.pose, m?.header, offset)));
      } else {
        this.endpoints.push(node.createSubscription(MSG.Odometry, topic, 'sensor', (m: Odometry) => this.onPose(i, () => m.pose.pose, m?.header, offset)));
      }
      const cmdTopic = `${name}/${String(v.cmd_topic)}`;
      if (!this.controller.owned[i]) {
        this.commandPublishers.push(undefined); // another instance commands it
        return;
      }
      this.commandPublishers.push(
        (stamped ? node.createPublisher(MSG.TwistStamped, cmdTopic, 'command') : node.createPublisher(MSG.Twist, cmdTopic, 'command')) as Publisher<Twist | TwistStamped>,
      );
    });
    const swarmTopic = String(v.swarm_poses_topic);
    const poseTopic = String(v.pose_topic);
    if (tf) this.endpoints.push(node.createSubscription(MSG.TFMessage, poseTopic, 'sensor', (m: TFMessage) => this.onTransforms(m, poseTopic, 'poses')));
    if (exchange && !tf && !tiled) this.endpoints.push(node.createSubscription(MSG.TFMessage, swarmTopic, 'sensor', (m: TFMessage) => this.onTransforms(m, swarmTopic, 'exchange')));
    this.swarmPoses = sharing && !tiled ? node.createPublisher(MSG.TFMessage, swarmTopic, 'command') : undefined;
    if (tiled) {
      const side = (v.swarm_tile_size as number) > 0 ? (v.swarm_tile_size as number) : this.tileReach() / 2;
      this.tiles = new PoseTiles(node, new TileGrid(this.controller.currentLaw.target.domain, side), swarmTopic, (m, topic, t) => this.onTransforms(m, topic, 'exchange', t));
      this.controller.partialView = true;
      this.heardTile = new Int32Array(names.length).fill(-1);
      this.heardTick = new Int32Array(names.length);
      this.guard = new TileGuard(this.tiles.grid, names.length);
    }
    if (regional) {
      const densityTopic = String(v.swarm_density_topic);
      const board = new DepositBoard(node.name, v.pose_timeout as number);
      this.board = board;
      const elsewhere = names.length - this.controller.ownedCount;
      const tiles = this.tiles;
      // With tiles the swarm's size is this instance's live robots and those the others' deposits hold, once they are
      // all in; until then the whole swarm's, so that every instance starts on the same width (the same grids).
      let started = false;
      this.shared = {
        own: (s, g, f) => board.own(s, g, f),
        others: (s, g) => board.others(s, g),
        // With tiles, all the robots commanded elsewhere (their poses are not all heard), and every tile they are in
        // near this instance's robots heard once.
        ready: (foreignLive) => {
          const ready = tiles ? board.robots() >= elsewhere && tiles.received(board.occupied()) : board.robots() >= foreignLive;
          started ||= ready;
          return ready;
        },
        total: (ownLive) => {
          if (!tiles) return undefined;
          started ||= this.node.now() - (this.firstTick ?? Infinity) > (this.values.pose_timeout as number);
          return started ? ownLive + board.robots() : names.length;
        },
      };
      this.densityOut = node.createPublisher(MSG.Float32MultiArray, densityTopic, 'command');
      this.endpoints.push(node.createSubscription(MSG.Float32MultiArray, densityTopic, 'sensor', (m: Float32MultiArray) => this.onDeposits(m, densityTopic)));
    }
    // The emergency stop. Two volatile subscriptions: a reliable one, which a reliable publisher keeps sending to
    // until it is acknowledged (`ros2 topic pub --once` publishes once, as soon as it sees one subscription, and
    // exits 0.1 s later), and a best-effort one for best-effort publishers. Neither is transient-local: that would
    // never match a volatile publisher, and every plain publisher would print an incompatible-QoS warning.
    const onStop = (m: BoolMsg): void => {
      const on: unknown = (m as Partial<BoolMsg> | null | undefined)?.data;
      if (typeof on !== 'boolean') {
        this.warnThrottled('estop', `ignored a malformed message on ${String(v.estop_topic)} (the stop stays ${this.controller.emergencyStop ? 'on' : 'off'})`);
        return;
      }
      this.setEmergencyStop(on, String(v.estop_topic));
    };
    this.endpoints.push(node.createSubscription(MSG.Bool, String(v.estop_topic), 'default', onStop));
    this.endpoints.push(node.createSubscription(MSG.Bool, String(v.estop_topic), 'sensor', onStop));
    const service = node.createService(SRV.SetBool, '~/emergency_stop', (request) => {
      const on: unknown = (request as Partial<{ data: boolean }> | null | undefined)?.data;
      if (typeof on !== 'boolean') return { success: false, message: 'request.data must be true (stop) or false (release)' };
      this.setEmergencyStop(on, '~/emergency_stop');
      return { success: true, message: on ? 'emergency stop: every robot commanded zero' : 'emergency stop released' };
    });
    this.endpoints.push(service);
    this.markers = node.createPublisher(MSG.MarkerArray, '~/markers', 'default');
    this.diagnostics = node.createPublisher(MSG.DiagnosticArray, '/diagnostics', 'default');
    this.density = node.createPublisher(MSG.OccupancyGrid, '~/target_density', 'latched');
    this.publishDensity();
    // The first ticks would compile the tick's code and size its buffers (hundreds of ms at 5,000 robots), and the
    // first /diagnostics would build the MMD metric and the crowding check (~160 ms): done here, before the timer.
    if (!this.twinLaw) this.controller.warmUp(); // a twin's own ticks are the warm-up
    this.mmd = controllerMmd(this.controller.currentLaw.target);
    this.crowdingFor(this.controller.currentLaw.target, names.length);
    this.controller.deposits = this.shared; // after the warm-up: its synthetic swarm's deposits are not sent
    // The rest of the tick's path (pose callbacks, publishing, the exchange, diagnostics): the same code on a twin, on a
    // private bus that reaches no robot (warm-up.ts), so that a fresh process does not compile it inside its first ticks.
    const law = this.controller.currentLaw;
    this.warmUpReport =
      !this.twinLaw && (options.warmUp ?? (names.length >= WARM_TICKS_FROM && warmUpsRun() === 0)) && law.algorithm !== 'langevin'
        ? this.warmNode(law, fallbackScenario)
        : undefined;
    this.startTimer();
    const share = this.controller.ownedCount < names.length ? ` (commanding ${this.controller.ownedCount} of them)` : '';
    const warmed = this.warmUpReport ? `, tick path warmed up in ${this.warmUpReport.cpuMs.toFixed(0)} ms of CPU` : '';
    node.logger.info(`coverage controller: ${names.length} robots${share}, ${String(v.drive)}, ${String(v.algorithm)} law, ${String(v.rate)} Hz${warmed}`);
  }

  /** Runs the node warm-up on a twin sharing `law` (warm-up.ts); a failure costs only the warm-up (WARN), never the start. */
  private warmNode(law: CoverageLaw, fallbackScenario: string): WarmUpReport | undefined {
    try {
      return warmNodePath(this.node.name, this.values, law.target.domain, (twin) => new CoverageControllerNode(twin, fallbackScenario, { builder: this.builder, twinOf: law }));
    } catch (e) {
      this.node.logger.warn(`the tick path's warm-up failed (the first ticks may be slow): ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The controller built while the parameters are declared (the callback runs before the constructor ends). */
  private pendingController: CoverageController | undefined;
  private declared = false;

  /**
   * Validates a batch of parameter changes and applies it, or refuses it with the reason. Quick checks (types and
   * ranges, YAML syntax, the formula whitelist, the target file's kind and size, grid sizes where the domain is
   * known) refuse here; a change that needs a new target or law is accepted and built aside (requestBuild), and the
   * controller keeps commanding on the last good law meanwhile. Only the start-up build runs here, synchronously.
   */
  private onParameters(updates: ParamValues, declaring: boolean): ParamVerdict {
    const merged = applyUpdates(CONTROLLER_SCHEMA, this.values, updates, { live: !declaring, crossCheck: controllerCrossCheck });
    if (!merged.ok) return { successful: false, reason: merged.reason };
    const v = merged.values;
    if (declaring) {
      let law: CoverageLaw;
      try {
        law = this.twinLaw ?? buildLaw(this.buildRequest(v, true)).law;
      } catch (e) {
        return { successful: false, reason: (e as Error).message };
      }
      this.pendingController = new CoverageController(robotNames(v), law, controllerSettings(v), ownedMask(v));
      this.values = v;
      this.applied = pick(v, BUILD_KEYS);
      return { successful: true };
    }
    // Every build key goes through a build, so that `applied` always describes the law in force.
    const build = !this.reverting && BUILD_KEYS.some((k) => k in updates);
    if (build) {
      const problem = this.quickProblem(v, updates);
      if (problem) return { successful: false, reason: problem };
    }
    this.values = v;
    this.controller.setSettings(controllerSettings(v));
    if ('rate' in updates) this.startTimer();
    if (this.reverting) {
      this.node.logger.info(`parameters restored to their last good values: ${Object.keys(updates).join(', ')}`);
      return { successful: true };
    }
    if (build) this.requestBuild();
    this.node.logger.info(`parameters changed: ${Object.keys(updates).join(', ')}${build ? ' (building the new target or law aside)' : ''}`);
    return { successful: true };
  }

  /**
   * Latches or releases the emergency stop. A stop is acted on at once: zero goes to every robot now, not at the
   * next tick.
   */
  setEmergencyStop(on: boolean, source: string): void {
    if (on !== this.controller.emergencyStop) this.node.logger[on ? 'warn' : 'info'](on ? `emergency stop (${source}): every robot stopped` : `emergency stop released (${source})`);
    this.controller.setEmergencyStop(on);
    if (on && this.timer) this.publishCommands(this.controller.zeroAll(), this.node.now());
  }

  /** What the quick checks of a change that needs a build find wrong, or undefined. */
  private quickProblem(v: ParamValues, updates: ParamValues): string | undefined {
    const targetChanged = v.target !== this.applied.target || v.target_file !== this.applied.target_file;
    let domain = targetChanged ? undefined : this.controller.currentLaw.target.domain;
    if ('target' in updates || 'target_file' in updates) {
      const quick = targetSourceProblem(String(v.target), String(v.target_file));
      if (quick.problem) return quick.problem;
      domain = quick.domain;
    }
    if (!domain) return undefined; // a target file's domain is checked when it is read, aside
    const changed = ['target', 'target_file'].filter((k) => k in updates);
    return gridSizeProblem(domain, v.epsilon as number, v.density_resolution as number, changed);
  }

  /** The build of the target and law for parameter values `v` (`fresh`: read the target, else keep the current one). */
  private buildRequest(v: ParamValues, fresh: boolean): LawBuildRequest {
    return {
      ...(fresh
        ? { source: { inline: String(v.target), file: String(v.target_file), fallback: this.fallbackScenario } }
        : { target: this.controller.currentLaw.target.snapshot(false) }),
      law: lawSettings(v),
      robots: robotNames(v).length,
      densityResolution: v.density_resolution as number,
    };
  }

  /** Starts building the target and law for the current values aside (a build in flight is superseded). */
  private requestBuild(): void {
    const v = this.values;
    const wanted = pick(v, BUILD_KEYS);
    const fresh = v.target !== this.applied.target || v.target_file !== this.applied.target_file;
    const keys = BUILD_KEYS.filter((k) => wanted[k] !== this.applied[k]);
    if (keys.length === 0) {
      // Back to the values in force (e.g. a change undone before its build ended): nothing to build.
      this.builder.cancel();
      this.settling = undefined;
      this.status = { state: 'ok' };
      return;
    }
    this.status = { state: 'building', since: this.node.now(), keys };
    const settling: Promise<void> = this.builder.build(this.buildRequest(v, fresh)).then((o) => {
      if (this.settling === settling) this.settling = undefined;
      this.finishBuild(o, wanted, fresh, keys);
    });
    this.settling = settling;
  }

  /** Puts a finished build in force, or refuses it: ERROR log, status, and its parameters back to their last good values. */
  private finishBuild(o: BuildOutcome, wanted: Record<string, ParamValue>, fresh: boolean, keys: readonly string[]): void {
    if (!o.ok && o.superseded) return; // a newer build carries this change too
    let failure = o.ok ? undefined : o.reason;
    if (o.ok) {
      try {
        const started = performance.now();
        const current = this.controller.currentLaw.target;
        let target: Target;
        if (fresh) {
          target = Target.fromSnapshot(o.target);
        } else {
          current.absorb(o.target.cache);
          target = current;
        }
        const law = createLaw(target, lawSettings({ ...this.values, ...wanted }));
        law.prepare?.(this.controller.names.length); // the arrays came from the worker: this only wraps them
        this.controller.setLaw(law);
        if (target !== current) {
          this.mmd = controllerMmd(target); // its smoothed target came built from the worker
          this.lastMmd = undefined;
          this.mmdJob = undefined;
        }
        if (target !== current || wanted.density_resolution !== this.applied.density_resolution) this.publishDensity();
        this.applied = wanted;
        const main = performance.now() - started;
        this.status = { state: 'ok', seconds: o.seconds, mainMs: main };
        this.node.logger.info(`new ${keys.join(', ')} in force: built aside in ${o.seconds.toFixed(2)} s, ${main.toFixed(1)} ms on the control thread`);
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    if (failure === undefined) return;
    const reason = failure.length > MAX_REASON ? `${failure.slice(0, MAX_REASON)}...` : failure;
    this.status = { state: 'refused', reason, keys };
    this.node.logger.error(`change of ${keys.join(', ')} refused: ${reason}; the controller stays on its last good target and law`);
    const restore: Record<string, ParamValue> = {};
    for (const k of BUILD_KEYS) if (this.values[k] !== this.applied[k]) restore[k] = this.applied[k];
    if (Object.keys(restore).length === 0) return;
    this.reverting = true;
    try {
      const verdict = this.node.setParameters(restore);
      if (!verdict.successful) this.node.logger.error(`could not restore ${Object.keys(restore).join(', ')}: ${verdict.reason}`);
    } finally {
      this.reverting = false;
    }
  }

  /** The target status in words, for /diagnostics. */
  private statusText(now: number): string {
    const s = this.status;
    if (s.state === 'building') return `building ${s.keys.join(', ')} aside for ${(now - s.since).toFixed(1)} s (the last good law commands meanwhile)`;
    if (s.state === 'refused') return `refused ${s.keys.join(', ')} (restored): ${s.reason}`;
    return s.seconds === undefined ? 'ok' : `ok (last change built aside in ${s.seconds.toFixed(2)} s)`;
  }

  /** The parameter values in force (a copy), as `ros2 param get` reads them. */
  get parameters(): ParamValues {
    return structuredClone(this.values);
  }

  /** Where the target and law stand (the last change in force, being built, or refused with its reason). */
  get targetStatus(): TargetStatus {
    return this.status;
  }

  /** Resolves once no target or law build is in flight (the in-process path awaits this after a change). */
  async whenSettled(): Promise<void> {
    while (this.settling) await this.settling;
  }

  /** Stops building (a build in flight is dropped) and releases the build worker if it is this node's own. */
  close(): void {
    if (this.settling) this.builder.cancel();
    this.settling = undefined;
    if (this.ownBuilder) this.builder.close();
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
  private onPose(index: number, read: () => Pose, header: Partial<Header> | undefined, offset: { x: number; y: number; yaw: number } | undefined): void {
    const name = this.controller.names[index];
    const stamp = header?.stamp;
    if (!offset) {
      // No header at all: a message that did not decode (the ROS adapter takes poses as bytes), not one in another frame.
      if (header === undefined || header === null || typeof header !== 'object') {
        this.warnThrottled(`pose${index}`, `ignored a malformed pose message from ${name}`);
        return;
      }
      // Every pose must be in the common frame: robots whose odometry each starts at zero would all seem to be at
      // the same spot. Held at zero (no fresh pose) until it is; /diagnostics is ERROR meanwhile.
      const frame = typeof header?.frame_id === 'string' ? header.frame_id : '';
      if (stripSlash(frame) !== stripSlash(String(this.values.world_frame))) {
        this.frameMismatch.set(index, frame);
        this.warnThrottled(
          `frame${index}`,
          `ignored the poses of ${name}: they are in frame '${clip(frame)}', not world_frame '${String(this.values.world_frame)}'; the robot is held at zero. ` +
            'Give poses in one common frame (motion capture, AMCL, gz world poses) or set pose_offsets for odometry that starts at known spawn poses.',
        );
        return;
      }
      this.frameMismatch.delete(index);
    }
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
    if (offset) {
      // The robot's odometry frame starts at (offset.x, offset.y, offset.yaw) in the world frame.
      const c = Math.cos(offset.yaw);
      const s = Math.sin(offset.yaw);
      [x, y, yaw] = [offset.x + c * x - s * y, offset.y + s * x + c * y, yaw + offset.yaw];
    }
    const now = this.node.now();
    const stamped = stamp && typeof stamp.sec === 'number' && typeof stamp.nanosec === 'number' ? stamp.sec + stamp.nanosec * 1e-9 : 0;
    const time = poseTime(stamped, now);
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
    if (this.board) {
      this.board.maxAge = this.values.pose_timeout as number;
      this.board.begin(now);
    }
    this.firstTick ??= now;
    if (this.tiles) {
      const radius = this.tileReach();
      this.tiles.update((mark) => this.controller.forOwnedPoses((_i, x, y) => mark(x, y)), radius, this.tiles.grid.w / 2);
      this.guardTiles(now, radius);
      this.forgetGone();
    }
    try {
      r = this.controller.tick(now);
    } catch (e) {
      // A bug or an engine failure must not leave the robots on their last command: zero to everyone, and say why.
      this.node.logger.error(`control tick failed, every robot commanded zero: ${(e as Error).message}`);
      const zeros = this.controller.zeroAll();
      r = { commands: zeros, live: 0, stale: [], saturated: 0, stopped: 'disabled', energy: 0, epsilon: 0, diffusivity: 0, safetyOverrides: 0 };
    }
    this.publishCommands(r.commands, now);
    this.advanceMmd(now);
    this.publishSwarmPoses();
    this.publishDeposits(now);
    const closest = r.safety?.closestPair ?? Infinity;
    const minSep = 2 * (this.values.robot_radius as number) + (this.values.safety_clearance as number);
    if (closest < minSep - 1e-6) {
      this.warnThrottled('separation', `two robots are ${closest.toFixed(4)} m apart, closer than the minimum separation ${minSep.toFixed(3)} m: the safety layer is separating them`);
    }
    this.loopSeconds = (performance.now() - started) / 1000;
    this.lastResult = r;
    this.ticks++;
    // Markers cost O(N) a tick (3 ms and 10,000 points at 5,000 robots): only while someone (RViz) subscribes.
    if (this.values.publish_markers && this.markers.subscriptionCount() > 0) this.publishMarkers(r, now);
    if (this.ticks % Math.max(1, Math.round(this.values.rate as number)) === 0) this.publishDiagnostics(now);
    this.onTick?.(r, now);
    return r;
  }

  /**
   * One message a robot commanded here, each a new object: a publisher may keep it (the in-process bus hands it to
   * its subscribers as it is), so only the records `commands` comes in are reused, not the messages.
   */
  private publishCommands(commands: readonly BodyCommand[], now: number): void {
    const stamped = this.values.cmd_type === 'twist_stamped';
    const publishers = this.commandPublishers;
    for (let i = 0; i < commands.length; i++) {
      const publisher = publishers[i];
      if (!publisher) continue;
      const c = commands[i];
      const twist: Twist = { linear: { x: c.vx, y: c.vy, z: 0 }, angular: { x: 0, y: 0, z: c.wz } };
      publisher.publish(stamped ? { header: { stamp: timeMsg(now), frame_id: this.frameNames[i] }, twist } : twist);
    }
  }

  /**
   * Publishes the last pose of every robot commanded here that has one, as one TFMessage on swarm_poses_topic: a
   * transform world_frame -> `<robot>/base_link` each, stamped with the pose's own time (so its age at the other
   * instances counts the odometry's latency and this period's lag both).
   */
  private publishSwarmPoses(): void {
    if (!this.swarmPoses && !this.tiles) return;
    const frame = String(this.values.world_frame);
    const transforms: TransformStamped[] = [];
    this.controller.forOwnedPoses((i, x, y, yaw, stamp) => {
      transforms.push({ header: { stamp: timeMsg(stamp), frame_id: frame }, child_frame_id: this.frameNames[i], transform: { translation: { x, y, z: 0 }, rotation: quaternionOfYaw(yaw) } });
    });
    if (this.tiles) this.tiles.publish(transforms);
    // Nothing to exchange before this instance has a pose of its robots (its first ticks can come before their odometry).
    else if (transforms.length > 0) this.swarmPoses?.publish({ transforms });
  }

  /**
   * Forgets the other instances' robots that have left this instance's tiles: not heard since the last tick although
   * their last tile brought a message from every instance whose deposit says it has robots there (or was dropped:
   * beyond the reach of every robot here). A robot perhaps of a dead instance (last heard on a tile that instance
   * announced, no later than its last deposit) is kept, a standing disc at its last pose. A message lost or late keeps
   * the robot too, and so does a tile next to its last one holding fewer robots than announced there (it may have
   * crossed into a tile not heard in full yet: a subscription not matched yet on a real graph). Without this the
   * robots that left would stay as stale discs, growing with their age, and widen the safety filter's range for
   * every robot.
   */
  private forgetGone(): void {
    const tiles = this.tiles!;
    const board = this.board!;
    const occupied = board.occupied();
    for (let i = 0; i < this.heardTile.length; i++) {
      const t = this.heardTile[i];
      if (t < 0 || this.heardTick[i] === this.ticks) continue;
      const recent = tiles.recent(t);
      if (recent >= 0 && recent < (occupied.get(t) ?? 0)) continue;
      // It may have crossed into a neighbouring tile not heard in full yet (a new subscription not matched yet).
      if (this.guard!.shortNear(t)) continue;
      const tomb = board.tombstones.get(t);
      if (tomb !== undefined && this.controller.poseTime(i) <= tomb.stamp + 1e-9) continue;
      this.controller.forget(i);
      this.heardTile[i] = -1;
    }
    tiles.endPeriod();
  }

  /**
   * Holds at zero this tick the robots commanded here that could meet another instance's robot unheard (TileGuard):
   * near a subscribed tile that has not brought every robot announced there within two periods and
   * swarm_match_latency, or near a dead instance's tile whose robots were not all heard here. WARNs (throttled) with
   * the tiles.
   */
  private guardTiles(now: number, radius: number): void {
    const tiles = this.tiles!;
    const board = this.board!;
    const v = this.values;
    const rate = v.rate as number;
    const vmax = this.topSpeed();
    const report = this.guard!.update({
      now,
      heardTile: this.heardTile,
      poseTime: (i) => this.controller.poseTime(i),
      announced: board.announced(),
      tombstones: board.tombstones,
      subscribedAt: (t) => tiles.subscribedAt(t),
      visitOwn: (f) => this.controller.forOwnedPoses((i, x, y) => f(i, x, y)),
      grace: 2 / rate + (v.swarm_match_latency as number),
      brief: 1 / rate,
      radius,
      liveDrift: vmax * (2 / rate),
      deadDrift: vmax * ((v.pose_timeout as number) + (v.cmd_timeout as number)),
    });
    this.guardReport = report;
    this.controller.held = report.held > 0 ? this.guard!.held : undefined;
    this.heldTicks += report.held;
    if (report.held > 0) {
      const names = (ts: readonly number[]): string => ts.slice(0, 4).map((t) => tiles.grid.name(t)).join(', ') + (ts.length > 4 ? ', ...' : '');
      const why = [
        report.overdue.length ? `tiles ${names(report.overdue)} have not brought every robot the other instances announce there` : '',
        report.unknownDead.length ? `a dead instance's robots stand unheard in tiles ${names(report.unknownDead)}` : '',
      ].filter((w) => w !== '');
      this.warnThrottled('held', `${report.held} robots held at zero: ${why.join('; ')}`);
    }
  }

  /** The fastest a robot's commanded point moves, m/s. */
  private topSpeed(): number {
    const s = controllerSettings(this.values);
    const l = s.drive === 'diff_drive' ? s.lookahead : 0;
    return Math.hypot(s.limits.maxLinear, l * s.limits.maxAngular);
  }

  /**
   * How far from a robot commanded here the poses of others are needed, m (the tiles subscribed): the farthest a
   * barrier can bind (a fresh foreign robot's latency disc: 2 periods at the top speed), or the fine scale's reach
   * (2 cut-offs and a node: 11 eps, 25% over for robots dropping out), plus what two robots can close in 3 periods
   * and swarm_match_latency (a tile's first message after it is subscribed, on a real graph after its match).
   */
  private tileReach(): number {
    const s = controllerSettings(this.values);
    const rate = this.values.rate as number;
    const l = s.drive === 'diff_drive' ? s.lookahead : 0;
    const vmax = Math.hypot(s.limits.maxLinear, l * s.limits.maxAngular);
    const sampled = { hold: s.commandTimeout ?? 0.5, brake: s.limits.maxLinearAccel };
    const filter = s.safety.enabled ? barrierRange(s.safety, sampled, vmax, s.limits.maxLinear * (2 / rate)) : 0;
    const domain = this.controller.currentLaw.target.domain;
    const eps = (this.lastResult?.epsilon ?? 0) > 0 ? this.lastResult!.epsilon : (this.values.epsilon as number) > 0 ? (this.values.epsilon as number) : multiScaleEpsilon(domain, this.controller.names.length);
    return Math.max(filter, 1.25 * 11 * eps) + 2 * vmax * (3 / rate + (this.values.swarm_match_latency as number));
  }

  /** Publishes this instance's deposits of the tick (if it ran the law) on swarm_density_topic; WARNs of refused grids. */
  private publishDeposits(now: number): void {
    if (!this.board || !this.densityOut) return;
    const m = this.board.message(this.controller.ownLive, now, this.tiles?.occupied, this.tiles?.counts);
    if (m) this.densityOut.publish(m);
    const mismatch = this.board.takeMismatch();
    if (mismatch) this.warnThrottled('deposits', `ignored a deposit on ${String(this.values.swarm_density_topic)}: ${mismatch}`);
  }

  /** Takes another instance's deposits (swarm_density_topic); a malformed or mismatched one is skipped with a WARN. */
  private onDeposits(m: Float32MultiArray, topic: string): void {
    const problem = this.board?.receive(m, this.node.now());
    if (problem) this.warnThrottled('deposits', `ignored a deposit on ${topic}: ${problem}`);
  }

  /**
   * Records the poses of a TFMessage: another instance's on swarm_poses_topic ('exchange': robots commanded here are
   * skipped, their own topics give them first hand; a child frame that names no robot is a problem), or the swarm's
   * with pose_type tf ('poses': every robot; other child frames are ignored, as a /tf topic carries many). A robot's
   * transform in another frame than world_frame, without a stamp or with a bad rotation is skipped with a throttled
   * WARN; the others are taken. A stamp ahead of this node's clock counts as now. `tile`: the regional exchange's tile
   * the message came on. Returns whether it held a robot another instance commands.
   */
  private onTransforms(m: TFMessage, topic: string, source: 'exchange' | 'poses', tile?: number): boolean {
    const transforms: unknown = (m as Partial<TFMessage> | null | undefined)?.transforms;
    if (!Array.isArray(transforms)) {
      this.warnThrottled(`${source}-message`, `ignored a malformed message on ${topic} (no transforms array)`);
      return false;
    }
    let foreign = false;
    const world = stripSlash(String(this.values.world_frame));
    const now = this.node.now();
    let skipped = 0;
    let outside = 0;
    let why = '';
    for (const t of transforms as TransformStamped[]) {
      const i = typeof t?.child_frame_id === 'string' ? this.frameIndex.get(stripSlash(t.child_frame_id)) : undefined;
      if (i === undefined) {
        if (source === 'poses') continue;
        skipped++;
        why ||= 'a child frame that is no robot of the swarm';
        continue;
      }
      if (source === 'exchange' && this.controller.owned[i]) continue;
      foreign = true;
      if (tile !== undefined) {
        this.heardTile[i] = tile;
        this.heardTick[i] = this.ticks;
      }
      const frame = t.header?.frame_id;
      const stamp = t.header?.stamp;
      const q = t.transform?.rotation;
      const p = t.transform?.translation;
      if (typeof frame !== 'string' || stripSlash(frame) !== world) {
        skipped++;
        why ||= `a frame other than world_frame '${world}'`;
        continue;
      }
      if (!stamp || typeof stamp.sec !== 'number' || typeof stamp.nanosec !== 'number' || !(stamp.sec + stamp.nanosec > 0) || !p || !q || quaternionProblem(q)) {
        skipped++;
        why ||= 'no stamp, no translation or a bad rotation';
        continue;
      }
      if (tile !== undefined && !this.tiles!.grid.holds(tile, p.x, p.y)) outside++;
      const time = poseTime(stamp.sec + stamp.nanosec * 1e-9, now);
      if (time <= this.controller.poseTime(i)) continue; // not newer than the pose held
      if (this.controller.updatePose(i, p.x, p.y, yawOf(q), time)) {
        skipped++;
        why ||= 'a non-finite or absurd position';
      }
    }
    if (skipped) this.warnThrottled(source, `ignored ${skipped} of ${transforms.length} poses on ${topic} (first problem: ${why})`);
    // Taken all the same (they are true poses), but the sender's tiles are not these: it may miss this one's robots.
    if (outside) this.warnThrottled('tiles', `${outside} poses on ${topic} lie outside that tile: the instances' tiles differ (every instance needs the same swarm_tile_size and target box)`);
    return foreign;
  }

  /** Sends zero to every robot `times` times and stops building (call before shutting down). */
  stop(times = 3): void {
    this.close();
    this.timer?.cancel();
    this.timer = undefined;
    const zeros = this.controller.zeroAll();
    for (let k = 0; k < times; k++) this.publishCommands(zeros, this.node.now());
    this.node.logger.info(`sent zero to ${this.controller.ownedCount} robots`);
  }

  /**
   * Leaves at once and sends nothing, as a crashed or killed process does (the tests of several instances): the
   * timer stops, subscriptions and the service go. The robots it commanded stop by their own command timeout.
   */
  crash(): void {
    this.close();
    this.timer?.cancel();
    this.timer = undefined;
    for (const e of this.endpoints) e.destroy();
    this.tiles?.destroy();
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
    // An instance that shares the swarm shows its own robots (each instance's ~/markers together show the swarm).
    const owned = this.controller.owned;
    for (let i = 0; i < this.controller.names.length; i++) {
      if (!owned[i]) continue;
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
    // (The loop over the robots is a function of its own: this one runs once a second and stays cold; with the loop
    // inside, V8 found it hot after ten calls and compiled it, 34 ms inside a tick at 5,000 robots, --trace-opt.)
    const maxAge = largest(this.controller.poseAges(now));
    const target = this.controller.currentLaw.target;
    const crowd = this.crowdingFor(target, r?.live ?? this.controller.names.length);
    const safety = r?.safety;
    const warnings = [
      r && r.stale.length ? `${r.stale.length} robots without a fresh pose` : '',
      r && r.saturated > 0.5 * Math.max(1, r.live) ? 'most commands saturated' : '',
      crowd.feasible || crowd.tightMass < TIGHT_MASS_WARN ? '' : 'target too tight for the robots (see peak spacing)',
      safety && safety.infeasible > 0 ? `${safety.infeasible} robots closer than the minimum separation` : '',
      this.status.state === 'refused' ? `change of ${this.status.keys.join(', ')} refused (see target status)` : '',
      this.guardReport?.held ? `${this.guardReport.held} robots held at zero near tiles not heard (see the log)` : '',
    ].filter((w) => w !== '');
    const frames = [...this.frameMismatch].map(([i, f]) => `${this.controller.names[i]}: '${clip(f)}'`);
    const errors = [
      r?.stopped === 'emergency_stop' ? 'stopped: emergency_stop' : '',
      frames.length ? `${frames.length} robots send poses in another frame than world_frame '${String(this.values.world_frame)}' (${frames.slice(0, 3).join(', ')}${frames.length > 3 ? ', ...' : ''}): held at zero` : '',
    ].filter((e) => e !== '');
    const level = errors.length > 0 ? 2 : warnings.length > 0 ? 1 : 0;
    const message = errors.length ? errors.join('; ') : r?.stopped ? `stopped: ${r.stopped}` : warnings.length ? warnings.join('; ') : 'ok';
    const fmt = (v: number | undefined): string => (v === undefined ? 'n/a' : Number.isFinite(v) ? v.toFixed(3) : 'none near');
    const values = [
      ['robots', String(this.controller.names.length)],
      ['commanded here', String(this.controller.ownedCount)],
      ['mmd2', this.sharesSwarm() ? 'n/a (owned_robots: not computed by each instance)' : (this.lastMmd?.value ?? 'n/a')],
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
      ['target status', this.statusText(now)],
      ...(this.tiles
        ? [
            ['tiles subscribed', String(this.tiles.subscribed.length)],
            ['tiles published', String(this.tiles.occupied.length)],
            ['robots held by tiles', String(this.guardReport?.held ?? 0)],
            ['robot-ticks held by tiles', String(this.heldTicks)],
          ]
        : []),
    ].map(([key, value]) => ({ key, value }));
    this.diagnostics.publish({ header: { stamp: timeMsg(now), frame_id: '' }, status: [{ level, name: `${this.node.name}: coverage`, message, hardware_id: 'swarm', values }] });
  }

  /**
   * The squared MMD of the live robots: a new evaluation every MMD_PERIOD s, of the poses at its start, a slice of
   * the robots each tick so that it ends within half a period. Not computed by an instance that commands part of the
   * swarm: it is the whole swarm's, and every instance would pay for it.
   */
  private advanceMmd(now: number): void {
    if (this.sharesSwarm()) return;
    if (!this.mmdJob) {
      if (this.lastMmd && now - this.lastMmd.time < MMD_PERIOD) return;
      const live = this.controller.livePositions(now);
      if (live.length === 0) {
        this.lastMmd = undefined; // nothing to measure: 'n/a', and look again next tick
        return;
      }
      this.mmdJob = { evaluation: this.mmd.stepwise(live), time: now };
    }
    const rate = this.values.rate as number;
    const slice = Math.max(64, Math.ceil(this.controller.names.length / Math.max(1, (MMD_PERIOD / 2) * rate)));
    const value = this.mmdJob.evaluation.advance(slice);
    if (value === undefined) return;
    this.lastMmd = { value: value.toExponential(3), time: this.mmdJob.time };
    this.mmdJob = undefined;
  }

  /** True when this instance commands part of the swarm (owned_robots). */
  private sharesSwarm(): boolean {
    return this.controller.ownedCount < this.controller.names.length;
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
    if (!check.feasible && check.tightMass >= TIGHT_MASS_WARN && this.values.safety) {
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
    const { width, height, resolution, data } = densityGrid(target, this.values.density_resolution as number);
    const now = this.node.now();
    this.density.publish({
      header: { stamp: timeMsg(now), frame_id: String(this.values.world_frame) },
      info: { map_load_time: timeMsg(now), resolution, width, height, origin: { position: { x: d.xmin, y: d.ymin, z: 0 }, orientation: quaternionOfYaw(0) } },
      data,
    });
  }
}

/** 1 for each robot of the swarm that `owned_robots` lists (every robot when it is empty). */
export function ownedMask(v: ParamValues): Uint8Array {
  const names = robotNames(v);
  const owned = v.owned_robots as string[];
  if (owned.length === 0) return new Uint8Array(names.length).fill(1);
  const set = new Set(owned);
  return Uint8Array.from(names, (n) => (set.has(n) ? 1 : 0));
}

/**
 * The time a pose holds for: its stamp, or now for no stamp, one ahead of now or within a microsecond of it (sec +
 * nanosec in floating point is not exact).
 */
/** The largest of `values`, at least 0 (NaN propagates, as Math.max does). */
function largest(values: Float64Array): number {
  let m = 0;
  for (let k = 0; k < values.length; k++) m = Math.max(m, values[k]);
  return m;
}

function poseTime(stamped: number, now: number): number {
  return stamped > 0 && stamped < now - 1e-6 ? stamped : now;
}

/** A robot's base frame, as the commands' headers and the exchanged poses name it. */
const baseLink = (name: string): string => `${name}/base_link`;

/** The values of `keys` in `v`. */
function pick(v: ParamValues, keys: readonly string[]): Record<string, ParamValue> {
  return Object.fromEntries(keys.map((k) => [k, v[k]]));
}
