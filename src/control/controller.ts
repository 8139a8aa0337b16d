import type { CoverageLaw } from './laws/law.js';
import type { SafetyReport, SafetySettings, SampledData } from './safety/safety.js';
import { SafetyFilter, appliedGain, minSeparation } from './safety/safety.js';
import { CommandHistory, createPredictedPose, foreignPose } from './prediction.js';
import type { DepositExchange } from '../engine/field/shared-deposit.js';
import type { BodyCommand, Limits } from './shaping.js';
import { controlPointVelocity, diffDriveCommand, diffDriveInto, holonomicCommand, holonomicInto, rateLimit, rateLimitInto, saturate, saturateInPlace } from './shaping.js';
import { JamEscape } from './unjam.js';
import { guidedVelocity } from './guide.js';
import { NearbySelection, barrierRange } from './safety/nearby.js';

/** Kinematics and safety settings of the controller (live parameters). */
export interface ControllerSettings {
  readonly drive: 'holonomic' | 'diff_drive';
  /** Look-ahead distance for differential drive, m. */
  readonly lookahead: number;
  readonly limits: Limits;
  /** A pose older than this (s) makes its robot stale. */
  readonly poseTimeout: number;
  /**
   * The robots' command timeout, s (default DEFAULT_COMMAND_TIMEOUT): the longest a command stays in force when the
   * next one is late. The safety barrier keeps every command safe for this long.
   */
  readonly commandTimeout?: number;
  /** false: zero to everyone. */
  readonly enabled: boolean;
  /** The collision-avoidance filter between the law and the commands. */
  readonly safety: SafetySettings;
  /**
   * Differential drive with the filter on: steer by the guide, the velocity the filter gives a holonomic robot at the
   * same place (guide.ts; default true). false: by the law's velocity (for comparisons).
   */
  readonly guide?: boolean;
}

/** What one control tick decided. */
export interface TickResult {
  /**
   * One body-frame command per robot, in the order of the names (zero for another instance's robot). The controller
   * reuses these records: they hold this tick's commands until its next tick or zeroAll (copy them to keep them).
   */
  readonly commands: readonly BodyCommand[];
  /** Robots that took part in the law (fresh pose). */
  readonly live: number;
  /** Names of robots with no fresh pose (commanded zero, out of the swarm's mass). */
  readonly stale: readonly string[];
  /** Live robots whose command was cut by a speed limit. */
  readonly saturated: number;
  /** Why everyone is stopped, if they are. */
  readonly stopped?: 'emergency_stop' | 'disabled';
  /** What the law descends (LawOutput.energy: NaN for the Langevin law); 0 when stopped. */
  readonly energy: number;
  /** The law's mollifier width, m (0 for a law without one, or when stopped). */
  readonly epsilon: number;
  /** Diffusivity applied this tick, m^2/s (the blob law's D, capped for the control period; 0 for other laws). */
  readonly diffusivity: number;
  /** What the safety filter did (absent when stopped or when the filter is off). */
  readonly safety?: SafetyReport;
  /** Robots whose acceleration limit was overridden because the rate-limited command would break a barrier. */
  readonly safetyOverrides: number;
  /** Barrier gain applied, 1/s: safety_gain capped at 1 / command timeout (absent when stopped or unfiltered). */
  readonly safetyGain?: number;
}

/** Default command timeout of the robots, s: robot-side watchdogs (diff_drive_controller, twist_mux) use 0.5 s. */
export const DEFAULT_COMMAND_TIMEOUT = 0.5;

/**
 * Swarm size from which warmUp also runs whole ticks by default (below it a first tick costs a few ms anyway, and
 * the tests build hundreds of small controllers).
 */
export const WARM_TICKS_FROM = 500;

/** Time constant (s) of the return of a robot found outside the domain. */
export const RETURN_TIME = 0.5;

/** The other instances' share of the law (pose_exchange regional), as the controller uses it. */
export interface SharedView extends DepositExchange {
  /** Whether what the others share is in (their deposits hold `foreignLive` robots or more, their tiles came). */
  ready(foreignLive: number): boolean;
  /** The swarm's live size with `ownLive` robots live here, when the poses held are only part of it; else undefined. */
  total(ownLive: number): number | undefined;
}

const ZERO: BodyCommand = Object.freeze({ vx: 0, vy: 0, wz: 0 }) as BodyCommand;

function setZero(c: BodyCommand): void {
  c.vx = 0;
  c.vy = 0;
  c.wz = 0;
}

/**
 * A zero command record whose fields V8 holds as doubles from the start. Made with 0 they would hold small integers
 * until a fraction (or -0) is first stored in one: seconds into a run for a field that stays 0 in the first ticks,
 * changing every record's shape and throwing the tick's optimised code away mid-run (measured: 64 ms, a recompile).
 */
function zeroCommand(): BodyCommand {
  const c = { vx: 0.5, vy: 0.5, wz: 0.5 };
  setZero(c);
  return c;
}

/**
 * The swarm controller, free of any middleware: poses in, one command per robot out at each tick.
 * Robots whose pose is stale get zero and leave the swarm's mass (the law sees only live robots, each of mass
 * 1/N_live) until they report again; an emergency stop or `enabled = false` sends zero to everyone at once.
 * Zero commands are not rate-limited: stopping wins over smoothness. Whatever the law, a robot outside the domain
 * is given to the law at its nearest domain point, and along each axis on which it is outside it is sent straight
 * back (distance / RETURN_TIME, then saturated like any command).
 */
export class CoverageController {
  readonly names: readonly string[];
  private law: CoverageLaw;
  private settings: ControllerSettings;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly yaw: Float64Array;
  private readonly stamp: Float64Array;
  /** Per robot: the command sent last (updated in place). */
  private readonly previous: readonly BodyCommand[];
  /** Per robot: the command records every tick returns (updated in place: valid until the next tick or zeroAll). */
  private readonly commands: readonly BodyCommand[];
  /** Scratch records of the shaping: the shaped command, and the previous one rate-limited towards the safe one. */
  private readonly shaped: BodyCommand = zeroCommand();
  private readonly reach: BodyCommand = zeroCommand();
  /** What shapeCommands counted (reused). */
  private readonly shapingCounts = { saturated: 0, overrides: 0 };
  /** The largest latency disc of the last predictDiscs, m. */
  private discRadiusMax = 0;
  private filter: SafetyFilter;
  // Per-tick buffers, sized for the whole swarm once.
  private readonly slot: Int32Array;
  private readonly points: Float64Array;
  private readonly movable: Uint8Array;
  private readonly pointVelocity: Float64Array;
  private readonly headings: Float64Array;
  /** Per slot: radius of the disc the robot is in (pose latency), and the range of its heading. */
  private readonly radii: Float64Array;
  /** Per slot: speed of the commanded point under the previous command (a rate-limited command may keep it). */
  private readonly previousSpeed: Float64Array;
  private readonly yawFrom: Float64Array;
  private readonly yawTo: Float64Array;
  private history: CommandHistory;
  private readonly predicted = createPredictedPose();
  /** 1 where the law's velocity was cut to the fastest the commanded point can move (this tick). */
  private readonly clipped: Uint8Array;
  private readonly lawPositions: Float64Array;
  /** Per live robot: its nearest domain point minus its position (zero inside the domain). */
  private readonly lawOutside: Float64Array;
  private readonly lawVelocity: Float64Array;
  /** Per slot: the robot, and the law's velocity of its commanded point before the filter (after any sidestep). */
  private readonly slotRobot: Int32Array;
  private readonly asked: Float64Array;
  private readonly sidestep = new Float64Array(2);
  /** Differential drive: per slot, the filter's velocity for a holonomic robot at the same place (guide.ts). */
  private readonly guideVelocity: Float64Array;
  /** Differential drive: the sidestep rule for robots whose barrier blocks their heading (unjam.ts). */
  private readonly jams: JamEscape;
  /** Per live robot: 1 when commanded here (the law need compute only those velocities). */
  private readonly lawOnly: Uint8Array;
  /** Per robot: its law slot (-1: not live), whether it has a pose, whether it is in the safety filter this tick. */
  private readonly lawSlot: Int32Array;
  private readonly hasPose: Uint8Array;
  private readonly inFilter: Uint8Array;
  /** Per robot: the disc it is in now (centre, heading and its range, radius), before the filter's selection. */
  private readonly discX: Float64Array;
  private readonly discY: Float64Array;
  private readonly discYaw: Float64Array;
  private readonly discRadius: Float64Array;
  private readonly discFrom: Float64Array;
  private readonly discTo: Float64Array;
  private readonly nearby = new NearbySelection();
  /** 1 for the robots this controller commands; the others (another instance's) are seen, never commanded. */
  readonly owned: Uint8Array;
  /** Number of robots commanded. */
  readonly ownedCount: number;
  /**
   * Deposits shared with the other instances (pose_exchange regional): the law's coarse scales take the other robots
   * from them, and the first ticks wait (commanding zero) until they hold every live robot commanded elsewhere.
   */
  deposits: SharedView | undefined;
  /**
   * True when this instance hears only the robots near its own (the regional pose exchange's tiles): the start waits
   * for its own robots' poses only, and the swarm's size comes from the deposits.
   */
  partialView = false;
  /**
   * Per robot, 1 for a robot commanded here that must stand this tick (the regional exchange's tile guard: another
   * instance's robot may be near it unheard): zero, and a stopped robot in the safety filter; it stays in the law.
   */
  held: Uint8Array | undefined;
  /** Live robots commanded here at the last tick that ran the law (the robots its deposits hold). */
  ownLive = 0;
  private estop = false;
  private lawStart: number | undefined;
  private lastTick: number | undefined;
  /** Time of the first tick (a controller sharing the swarm waits there for the others' poses). */
  private firstTick: number | undefined;

  /**
   * `owned` (default: every robot) marks the robots this controller commands. The others belong to other instances:
   * their poses count in the law's mass and in the safety filter, where each is a disc around its reported pose
   * (radius max speed x pose age, as no command of theirs is known) that keeps its half of every barrier.
   */
  constructor(names: readonly string[], law: CoverageLaw, settings: ControllerSettings, owned?: Uint8Array) {
    if (names.length === 0) throw new Error('the controller needs at least one robot');
    if (owned && owned.length !== names.length) throw new Error(`owned marks ${owned.length} robots, not the ${names.length} of the swarm`);
    this.names = names;
    this.owned = owned ?? new Uint8Array(names.length).fill(1);
    this.ownedCount = this.owned.reduce((a, b) => a + b, 0);
    if (this.ownedCount === 0) throw new Error('the controller commands no robot');
    this.law = law;
    this.settings = settings;
    const n = names.length;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.yaw = new Float64Array(n);
    this.stamp = new Float64Array(n).fill(-Infinity);
    this.previous = names.map(zeroCommand);
    this.commands = names.map(zeroCommand);
    this.filter = new SafetyFilter(law.target);
    this.slot = new Int32Array(n);
    this.points = new Float64Array(2 * n);
    this.movable = new Uint8Array(n);
    this.pointVelocity = new Float64Array(2 * n);
    this.headings = new Float64Array(n);
    this.radii = new Float64Array(n);
    this.previousSpeed = new Float64Array(n);
    this.yawFrom = new Float64Array(n);
    this.yawTo = new Float64Array(n);
    this.history = new CommandHistory(n);
    this.clipped = new Uint8Array(n);
    this.lawPositions = new Float64Array(2 * n);
    this.lawOutside = new Float64Array(2 * n);
    this.lawVelocity = new Float64Array(2 * n);
    this.slotRobot = new Int32Array(n);
    this.asked = new Float64Array(2 * n);
    this.guideVelocity = new Float64Array(2 * n);
    this.jams = new JamEscape(n);
    this.lawOnly = new Uint8Array(n);
    this.lawSlot = new Int32Array(n);
    this.hasPose = new Uint8Array(n);
    this.inFilter = new Uint8Array(n);
    this.discX = new Float64Array(n);
    this.discY = new Float64Array(n);
    this.discYaw = new Float64Array(n);
    this.discRadius = new Float64Array(n);
    this.discFrom = new Float64Array(n);
    this.discTo = new Float64Array(n);
  }

  /**
   * Runs the safety filter and the shaping once, then `ticks` whole control ticks (8 from WARM_TICKS_FROM robots),
   * on a synthetic swarm of this controller's size (a jittered grid over the domain, every robot at the speed limit:
   * the filter's hardest case), and forgets it: the first real ticks find their code compiled (V8 needs a few calls
   * of each function) and their buffers sized. It takes a few slow ticks' time: call it before the control timer starts. Afterwards the controller
   * is as it was (no pose, no command, its history and the law's schedule empty: tested); a law with random state
   * (Langevin) is not evaluated (its draws would shift).
   */
  warmUp(ticks = this.names.length >= WARM_TICKS_FROM ? 8 : 0): void {
    const n = this.names.length;
    const s = this.settings;
    const { xmin, xmax, ymin, ymax } = this.law.target.domain;
    const cols = Math.max(1, Math.ceil(Math.sqrt((n * (xmax - xmin)) / Math.max(1e-9, ymax - ymin))));
    const rows = Math.ceil(n / cols);
    const points = new Float64Array(2 * n);
    const velocity = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      // Cell centres, jittered by a low-discrepancy sequence (deterministic), a little inside the walls.
      const jx = ((i * 0.618034) % 1) - 0.5;
      const jy = ((i * 0.754878) % 1) - 0.5;
      points[2 * i] = xmin + ((i % cols) + 0.5 + 0.3 * jx) * ((xmax - xmin) / cols);
      points[2 * i + 1] = ymin + (Math.floor(i / cols) + 0.5 + 0.3 * jy) * ((ymax - ymin) / rows);
    }
    // The rarer paths of the law and the filter, which a real swarm meets sooner or later (its first ticks may not):
    // robots within the separation term's range, a robot slower than the limit inside another's barrier (looked at
    // again farther), pairs on one point, robots that must separate. A path first taken mid-run throws the optimised
    // function away and recompiles it inside that tick (the filter: two ticks of 20-25 ms more each at 5,000 robots,
    // measured with --trace-deopt); taken here, on a copy of the synthetic swarm, it is not.
    const hard = Float64Array.from(points);
    const dPair = minSeparation(s.safety);
    for (let i = 0; i + 1 < n; i += 7) {
      const j = i + 1;
      const shift = i % 21 === 0 ? 0 : 0.5 * dPair;
      hard[2 * i] = hard[2 * j] + shift;
      hard[2 * i + 1] = hard[2 * j + 1];
    }
    if (this.law.algorithm !== 'langevin') {
      this.law.evaluate(hard, velocity, 0);
      this.law.evaluate(points, velocity, 0);
    }
    const diff = s.drive === 'diff_drive';
    const l = diff ? s.lookahead : 0;
    const vmax = diff ? Math.sqrt(s.limits.maxLinear ** 2 + (l * s.limits.maxAngular) ** 2) : s.limits.maxLinear;
    const headings = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // At the speed limit, along the law's velocity (or round the domain's centre where it has none).
      let vx = velocity[2 * i];
      let vy = velocity[2 * i + 1];
      if (!(vx * vx + vy * vy > 0)) [vx, vy] = [-(points[2 * i + 1] - 0.5 * (ymin + ymax)), points[2 * i] - 0.5 * (xmin + xmax)];
      const norm = Math.sqrt(vx * vx + vy * vy) || 1;
      velocity[2 * i] = (vmax * vx) / norm;
      velocity[2 * i + 1] = (vmax * vy) / norm;
      headings[i] = Math.atan2(vy, vx);
    }
    const movable = new Uint8Array(n);
    for (let i = 0; i < n; i++) movable[i] = this.owned[i] ? 1 : 2;
    const hold = s.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT;
    const options = {
      maxSpeed: vmax,
      headings: diff ? headings : undefined,
      forwardSpeed: diff ? s.limits.maxLinear : undefined,
      sampled: { hold, brake: s.limits.maxLinearAccel },
      radii: new Float64Array(n),
      speeds: new Float64Array(n),
    };
    const slow = Float64Array.from(velocity);
    for (let i = 0; i + 1 < n; i += 7) {
      slow[2 * i] *= 0.5;
      slow[2 * i + 1] *= 0.5;
    }
    this.filter.filter(hard, movable, slow, s.safety, options);
    this.filter.filter(points, movable, velocity, s.safety, options);
    for (let k = 0; k < n; k++) {
      if (movable[k] !== 1) continue;
      const [ux, uy, yaw] = [velocity[2 * k], velocity[2 * k + 1], headings[k]];
      const shaped = diff ? diffDriveCommand(ux, uy, yaw, l, s.limits) : holonomicCommand(ux, uy, yaw, s.limits);
      const c = saturate(rateLimit(ZERO, shaped, 0.05, s.limits), s.limits);
      const v = controlPointVelocity(c, yaw, l);
      this.filter.blendToSafe(k, v.x, v.y, ux, uy);
      if (diff) this.filter.arcSpeedLimits(k, yaw, yaw, c.wz, hold, Math.abs(c.vx));
    }
    if (this.law.algorithm === 'langevin') return;
    for (let k = 0; k < ticks; k++) {
      const t = 0.05 * k;
      // Every other tick on the hard copy: the commands ramp up under the rate limit while robots sit inside each
      // other's barriers, so the shaping's blend back to a safe command runs too (first taken mid-run otherwise: a
      // recompile of this whole tick inside a real one, 26 ms at 5,000 robots over 4 instances, --trace-deopt).
      const at = k % 2 === 1 ? hard : points;
      for (let i = 0; i < n; i++) this.updatePose(i, at[2 * i], at[2 * i + 1], headings[i], t);
      this.tick(t);
    }
    // Forget the synthetic swarm.
    this.x.fill(0);
    this.y.fill(0);
    this.yaw.fill(0);
    this.stamp.fill(-Infinity);
    this.zeroAll();
    this.history = new CommandHistory(n);
    this.jams.reset();
    this.lawStart = undefined;
    this.lastTick = undefined;
    this.firstTick = undefined;
  }

  /** Replaces the law (a new target or tuning); its schedule restarts at the next tick. */
  setLaw(law: CoverageLaw): void {
    if (law.target !== this.law.target) this.filter.setTarget(law.target);
    this.law = law;
    this.lawStart = undefined;
    this.jams.reset();
  }

  setSettings(settings: ControllerSettings): void {
    if (settings.enabled && !this.settings.enabled) this.lawStart = undefined;
    this.settings = settings;
  }

  get currentLaw(): CoverageLaw {
    return this.law;
  }

  get emergencyStop(): boolean {
    return this.estop;
  }

  /** Latches or releases the emergency stop. */
  setEmergencyStop(on: boolean): void {
    this.estop = on;
  }

  /**
   * Records robot `index`'s pose at time `stamp` (s). Returns the reason when the pose is refused (non-finite
   * or absurd values): the robot keeps its last good pose, which goes stale if nothing better comes.
   */
  updatePose(index: number, x: number, y: number, yaw: number, stamp: number): string | undefined {
    if (!(index >= 0 && index < this.names.length)) return `no robot with index ${index}`;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(yaw)) return `pose of ${this.names[index]} is not finite (${x}, ${y}, ${yaw})`;
    if (Math.abs(x) > 1e6 || Math.abs(y) > 1e6) return `pose of ${this.names[index]} is absurd (${x}, ${y})`;
    if (!Number.isFinite(stamp)) return `pose of ${this.names[index]} has no valid time`;
    this.x[index] = x;
    this.y[index] = y;
    this.yaw[index] = yaw;
    this.stamp[index] = stamp;
    return undefined;
  }

  /** Calls `visit` with the last pose (m, m, rad) and its time (s) of every robot commanded here that has one. */
  forOwnedPoses(visit: (index: number, x: number, y: number, yaw: number, stamp: number) => void): void {
    for (let i = 0; i < this.names.length; i++) if (this.owned[i] && this.stamp[i] !== -Infinity) visit(i, this.x[i], this.y[i], this.yaw[i], this.stamp[i]);
  }

  /** Forgets robot `index`'s pose (another instance's robot that has gone out of this instance's sight). */
  forget(index: number): void {
    if (!this.owned[index]) this.stamp[index] = -Infinity;
  }

  /** Time (s) of robot `index`'s last pose (-Infinity before the first). */
  poseTime(index: number): number {
    return this.stamp[index];
  }

  /** Age (s) of each robot's pose at `now` (Infinity before the first pose). */
  poseAges(now: number): Float64Array {
    return this.stamp.map((s) => now - s);
  }

  /** Position (x, y) of every robot as last reported, interleaved. */
  positions(): Float64Array {
    const p = new Float64Array(2 * this.names.length);
    for (let i = 0; i < this.names.length; i++) {
      p[2 * i] = this.x[i];
      p[2 * i + 1] = this.y[i];
    }
    return p;
  }

  /** Positions of the robots with a fresh pose at `now`, interleaved. */
  livePositions(now: number): Float64Array {
    const out: number[] = [];
    for (let i = 0; i < this.names.length; i++) if (now - this.stamp[i] <= this.settings.poseTimeout) out.push(this.x[i], this.y[i]);
    return Float64Array.from(out);
  }

  /**
   * Zero commands for everyone (and the rate limiter restarts from zero). The records are the ones `tick` returns:
   * valid until the next tick or zeroAll.
   */
  zeroAll(): readonly BodyCommand[] {
    for (const c of this.previous) setZero(c);
    for (const c of this.commands) setZero(c);
    return this.commands;
  }

  /**
   * A differential-drive command whose centre keeps every barrier of slot k over a whole hold on its arc. Of the
   * two ways to get there, the one that moves the look-ahead point's velocity least: cut the forward speed to what
   * the barriers allow at this yaw rate, or keep the speed and turn less (down to driving straight, which the
   * filter allowed). A robot leaving robots it is inside (recovery) keeps its speed whenever it can.
   */
  private onArc(k: number, c: BodyCommand, hold: number, lookahead: number): BodyCommand {
    const from = this.yawFrom[k];
    const to = this.yawTo[k];
    const speed = Math.abs(c.vx);
    const within = (w: number): boolean => {
      const { lo, hi } = this.filter.arcSpeedLimits(k, from, to, w, hold, speed);
      return c.vx >= lo && c.vx <= hi;
    };
    if (within(c.wz)) return c;
    const { lo, hi } = this.filter.arcSpeedLimits(k, from, to, c.wz, hold, speed);
    const slower = { vx: Math.min(hi, Math.max(lo, c.vx)), vy: 0, wz: c.wz };
    if (!within(0)) return slower;
    // The largest fraction of the turn that lets the speed through, to 0.1%.
    let a = 0;
    let b = 1;
    for (let it = 0; it < 10; it++) {
      const m = 0.5 * (a + b);
      if (within(m * c.wz)) a = m;
      else b = m;
    }
    const straighter = { vx: c.vx, vy: 0, wz: a * c.wz };
    if (this.filter.recovering(k)) return straighter;
    return Math.abs(c.vx - slower.vx) <= lookahead * Math.abs(c.wz - straighter.wz) ? slower : straighter;
  }

  /**
   * Every robot with a known pose: the disc it is in now (its pose moved along the commands sent since it was
   * measured), and a law slot for the live ones (the law sees the whole live swarm: the mass is 1/N of it). Returns
   * the live robots; sets ownLive and discRadiusMax. (The tick's phases are methods of their own: V8 compiles each
   * apart, so a path first taken mid-run recompiles its phase, not the whole tick.)
   */
  private predictDiscs(now: number, hold: number): number {
    const n = this.names.length;
    const s = this.settings;
    const { xmin, xmax, ymin, ymax } = this.law.target.domain;
    let live = 0;
    let ownLive = 0;
    let rMax = 0;
    const pose = this.predicted;
    for (let i = 0; i < n; i++) {
      this.slot[i] = -1;
      this.lawSlot[i] = -1;
      this.hasPose[i] = this.stamp[i] === -Infinity ? 0 : 1;
      if (!this.hasPose[i]) continue;
      const fresh = now - this.stamp[i] <= s.poseTimeout;
      const mine = this.owned[i] === 1;
      if (mine) this.history.predict(i, this.x[i], this.y[i], this.yaw[i], this.stamp[i], now, hold, s.limits.maxLinear, s.limits.maxAngular, pose);
      // Another instance's robot moves for at most pose_timeout + the hold after its last pose that reached us, if
      // its poses stop reaching its own instance too (one graph): then that instance stops it, or its watchdog does.
      // Its pose's age counts every lag on the way, the exchange between instances included (the stamp is the
      // pose's own).
      else foreignPose(this.x[i], this.y[i], this.yaw[i], Math.min(Math.max(0, now - this.stamp[i]), s.poseTimeout + hold), s.limits.maxLinear, s.limits.maxAngular, pose);
      this.discX[i] = pose.x;
      this.discY[i] = pose.y;
      this.discYaw[i] = pose.yaw;
      this.discRadius[i] = pose.radius;
      this.discFrom[i] = pose.yawFrom;
      this.discTo[i] = pose.yawTo;
      if (pose.radius > rMax) rMax = pose.radius;
      if (fresh) {
        const x = this.x[i] < xmin ? xmin : this.x[i] > xmax ? xmax : this.x[i];
        const y = this.y[i] < ymin ? ymin : this.y[i] > ymax ? ymax : this.y[i];
        this.lawPositions[2 * live] = x;
        this.lawPositions[2 * live + 1] = y;
        this.lawOutside[2 * live] = x - this.x[i];
        this.lawOutside[2 * live + 1] = y - this.y[i];
        this.lawOnly[live] = mine ? 1 : 0;
        if (mine) ownLive++;
        this.lawSlot[i] = live++;
      }
    }
    this.ownLive = ownLive;
    this.discRadiusMax = rMax;
    return live;
  }

  /** The safety filter's slots (the robots inFilter marks), from the predicted discs; returns their number. */
  private fillFilterSlots(l: number): number {
    const n = this.names.length;
    let known = 0;
    for (let i = 0; i < n; i++) {
      if (!this.inFilter[i]) continue;
      this.points[2 * known] = this.discX[i];
      this.points[2 * known + 1] = this.discY[i];
      this.headings[known] = this.discYaw[i];
      this.radii[known] = this.discRadius[i];
      // Speed of the commanded point under the previous command (a rotation keeps it): |(vx, vy + l wz)|.
      const before = this.previous[i];
      this.previousSpeed[known] = Math.sqrt(before.vx ** 2 + (before.vy + l * before.wz) ** 2);
      this.yawFrom[known] = this.discFrom[i];
      this.yawTo[known] = this.discTo[i];
      // 1: commanded here; 2: another instance's robot (it moves, and keeps its half of every barrier); 0: stopped.
      this.movable[known] = this.lawSlot[i] < 0 || this.held?.[i] ? 0 : this.owned[i] ? 1 : 2;
      this.slotRobot[known] = i;
      this.slot[i] = known++;
    }
    return known;
  }

  /** The law's velocities `u` of the commanded points in the filter's slots, bounded by vmax (clipped marks the cut). */
  private commandedVelocities(u: Float64Array, known: number, vmax: number, now: number): void {
    const diff = this.settings.drive === 'diff_drive';
    for (let k = 0; k < known; k++) {
      let vx = 0;
      let vy = 0;
      if (this.movable[k] === 1) {
        const q = this.lawSlot[this.slotRobot[k]];
        vx = u[2 * q];
        vy = u[2 * q + 1];
        if (diff) {
          this.jams.apply(this.slotRobot[k], now, vx, vy, this.sidestep);
          vx = this.sidestep[0];
          vy = this.sidestep[1];
        }
        const speed = Math.sqrt(vx ** 2 + vy ** 2);
        this.clipped[k] = speed > vmax ? 1 : 0;
        if (speed > vmax) {
          vx *= vmax / speed;
          vy *= vmax / speed;
        }
      }
      this.pointVelocity[2 * k] = vx;
      this.pointVelocity[2 * k + 1] = vy;
      this.asked[2 * k] = vx;
      this.asked[2 * k + 1] = vy;
    }
  }

  /**
   * Shaping, robot by robot, in records reused from tick to tick (a differential-drive command onArc cuts is the only
   * new object): limits, rate limit from the previous command, the blend back to the filter's safe command when
   * `filtered`. Returns the commands saturated and the safety overrides (a record reused).
   */
  private shapeCommands(dt: number, filtered: boolean, hold: number): { saturated: number; overrides: number } {
    const n = this.names.length;
    const s = this.settings;
    const diff = s.drive === 'diff_drive';
    const l = diff ? s.lookahead : 0;
    const commands = this.commands;
    const shaped = this.shaped;
    const reach = this.reach;
    let saturated = 0;
    let overrides = 0;
    for (let i = 0; i < n; i++) {
      if (!this.owned[i]) continue; // another instance's robot: nothing is sent (its record stays zero)
      const k = this.slot[i];
      const out = commands[i];
      const previous = this.previous[i];
      if (k < 0 || this.movable[k] !== 1) {
        setZero(previous);
        setZero(out);
        continue;
      }
      const ux = this.pointVelocity[2 * k];
      const uy = this.pointVelocity[2 * k + 1];
      // The heading the robot has now, as predicted (it executes the command from there).
      const yaw = this.headings[k];
      const co = Math.cos(yaw);
      const si = Math.sin(yaw);
      if (diff) diffDriveInto(ux, uy, co, si, l, s.limits, shaped);
      else holonomicInto(ux, uy, co, si, s.limits, shaped);
      const desired = diff ? Math.abs(co * ux + si * uy) : Math.sqrt(ux ** 2 + uy ** 2);
      // Cut by the speed bound before the filter, or by the shaping limits after it.
      if (this.clipped[k] || desired > Math.sqrt(shaped.vx ** 2 + shaped.vy ** 2) * (1 + 1e-9)) saturated++;
      // Rate limiting starts from the previous command, which may exceed limits lowered since: saturate again.
      let c: BodyCommand = out;
      if (dt > 0) saturateInPlace(rateLimitInto(previous, shaped, dt, s.limits, c), s.limits);
      else setZero(c);
      if (filtered) {
        // The world velocities of the commanded point under c and under the shaped command (controlPointVelocity).
        const side = c.vy + l * c.wz;
        const shapedSide = shaped.vy + l * shaped.wz;
        const t = this.filter.blendToSafe(k, co * c.vx - si * side, si * c.vx + co * side, co * shaped.vx - si * shapedSide, si * shaped.vx + co * shapedSide);
        if (t > 0) {
          c.vx = c.vx + t * (shaped.vx - c.vx);
          c.vy = c.vy + t * (shaped.vy - c.vy);
          c.wz = c.wz + t * (shaped.wz - c.wz);
        }
        const arc = diff ? this.onArc(k, c, hold, l) : c;
        // Counted when the safe command is out of the acceleration limits' reach from the previous one.
        if (t > 0 || arc !== c) {
          const r = dt > 0 ? rateLimitInto(previous, arc, dt, s.limits, reach) : previous;
          if (Math.abs(r.vx - arc.vx) + Math.abs(r.vy - arc.vy) + Math.abs(r.wz - arc.wz) > 1e-9) overrides++;
        }
        c = arc;
      }
      previous.vx = c.vx;
      previous.vy = c.vy;
      previous.wz = c.wz;
      this.history.set(i, c.vx, diff ? 0 : c.vy, c.wz);
      if (c !== out) {
        out.vx = c.vx;
        out.vy = c.vy;
        out.wz = c.wz;
      }
    }
    this.shapingCounts.saturated = saturated;
    this.shapingCounts.overrides = overrides;
    return this.shapingCounts;
  }

  /**
   * The guide (differential drive): the filter's velocity for holonomic robots at the same places. Each unicycle
   * drives along it and turns towards it (guide.ts); the unicycle pass then bounds its forward speed.
   */
  private guideVelocities(known: number, vmax: number, sampled: SampledData): void {
    const s = this.settings;
    const g = this.guideVelocity.subarray(0, 2 * known);
    g.set(this.pointVelocity.subarray(0, 2 * known));
    this.filter.filter(this.points.subarray(0, 2 * known), this.movable.subarray(0, known), g, s.safety, {
      maxSpeed: vmax,
      sampled,
      radii: this.radii.subarray(0, known),
      speeds: this.previousSpeed.subarray(0, known),
    });
    for (let k = 0; k < known; k++) {
      if (this.movable[k] !== 1) continue;
      guidedVelocity(this.asked[2 * k], this.asked[2 * k + 1], g[2 * k], g[2 * k + 1], this.headings[k], vmax, this.sidestep, this.filter, k);
      this.pointVelocity[2 * k] = this.sidestep[0];
      this.pointVelocity[2 * k + 1] = this.sidestep[1];
    }
  }

  /** Differential drive: robots the filter stopped although the law drove them forward (jams) sidestep from the next tick. */
  private updateJams(known: number, now: number): void {
    for (let k = 0; k < known; k++) {
      if (this.movable[k] !== 1) continue; // commanded here only
      const c = Math.cos(this.headings[k]);
      const sn = Math.sin(this.headings[k]);
      const ax = this.asked[2 * k];
      const ay = this.asked[2 * k + 1];
      const asked = c * ax + sn * ay;
      const got = c * this.pointVelocity[2 * k] + sn * this.pointVelocity[2 * k + 1];
      this.jams.update(this.slotRobot[k], k, now, ax, ay, asked, got, this.filter);
    }
  }

  /**
   * One control step at time `now` (s): the law's velocities for the live robots, the safety filter (every robot
   * with a known pose is in it, as the disc its pose and the commands sent since put it in; stale ones are not
   * commanded; a differential-drive robot is asked for what its guide gives, guide.ts), then speed saturation and
   * acceleration limits. A rate-limited command that would break a barrier
   * over a whole command timeout is moved towards the filtered one just enough to keep it (for differential drive,
   * its speed is cut to what its arc allows): safety wins over smoothness, as stopping does. Every command is
   * recorded for the predictions of the next ticks.
   */
  tick(now: number): TickResult {
    const dt = this.lastTick === undefined ? 0 : Math.max(0, now - this.lastTick);
    this.lastTick = now;
    const n = this.names.length;
    const s = this.settings;
    const stale: string[] = [];
    let m = 0;
    let ownFresh = 0;
    for (let i = 0; i < n; i++) {
      if (now - this.stamp[i] <= s.poseTimeout) {
        m++;
        if (this.owned[i]) ownFresh++;
      } else if (this.owned[i]) stale.push(this.names[i]);
    }
    const stopped = this.estop ? 'emergency_stop' : !s.enabled ? 'disabled' : undefined;
    this.history.begin(now);
    if (stopped) return { commands: this.zeroAll(), live: m, stale, saturated: 0, stopped, energy: 0, epsilon: 0, diffusivity: 0, safetyOverrides: 0 };
    this.firstTick ??= now;
    // Sharing the swarm, the first ticks may come before the other instances' poses (a period later with the
    // exchange): zero until every robot has a fresh pose or a pose timeout has passed, rather than commanding on, and
    // building the fields for, a fraction of the swarm.
    const waiting = this.partialView ? ownFresh < this.ownedCount : m < n;
    if (this.ownedCount < n && waiting && now - this.firstTick < s.poseTimeout) return { commands: this.zeroAll(), live: m, stale, saturated: 0, energy: 0, epsilon: 0, diffusivity: 0, safetyOverrides: 0 };
    if (this.lawStart === undefined) this.lawStart = now;
    const diff = s.drive === 'diff_drive';
    const l = diff ? s.lookahead : 0;
    const hold = s.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT;
    const sampled: SampledData = { hold, brake: s.limits.maxLinearAccel };
    const live = this.predictDiscs(now, hold);
    const rMax = this.discRadiusMax;
    const vmax = diff ? Math.sqrt(s.limits.maxLinear ** 2 + (l * s.limits.maxAngular) ** 2) : s.limits.maxLinear;
    // The safety filter's slots: the robots commanded here, and another instance's robots only where they can be a
    // barrier of one of them (the filter's work then follows this instance's robots, not the swarm).
    if (this.ownedCount < n) this.nearby.select(this.discX, this.discY, this.hasPose, this.owned, s.safety.enabled ? barrierRange(s.safety, sampled, vmax, rMax) : 0, this.inFilter);
    else this.inFilter.set(this.hasPose);
    const known = this.fillFilterSlots(l);
    const u = this.lawVelocity.subarray(0, 2 * live);
    const only = this.ownedCount < n ? this.lawOnly.subarray(0, live) : undefined;
    const deposits = only ? this.deposits : undefined;
    const ownLive = this.ownLive;
    const { energy, epsilon, diffusivity } = this.law.evaluate(this.lawPositions.subarray(0, 2 * live), u, now - this.lawStart, only, deposits, deposits?.total(ownLive));
    // With shared deposits, the others' come a period after their poses: zero (as while waiting for the poses) until
    // they hold every live robot commanded elsewhere or a pose timeout has passed. This tick's own deposit goes out.
    if (deposits && !deposits.ready(live - ownLive) && now - this.firstTick < s.poseTimeout) {
      this.lawStart = undefined;
      return { commands: this.zeroAll(), live: m, stale, saturated: 0, energy: 0, epsilon: 0, diffusivity: 0, safetyOverrides: 0 };
    }
    // A robot outside the domain heads straight back (the field at a folded wall has no normal component).
    for (let k = 0; k < 2 * live; k++) if (this.lawOutside[k] !== 0) u[k] = this.lawOutside[k] / RETURN_TIME;
    // Velocities of the commanded points (centres, or look-ahead points), bounded by the fastest they can move.
    this.commandedVelocities(u, known, vmax, now);
    if (diff && s.safety.enabled && s.guide !== false) this.guideVelocities(known, vmax, sampled);
    const safety = s.safety.enabled
      ? this.filter.filter(this.points.subarray(0, 2 * known), this.movable.subarray(0, known), this.pointVelocity.subarray(0, 2 * known), s.safety, {
          maxSpeed: vmax,
          headings: diff ? this.headings.subarray(0, known) : undefined,
          // Every final command's forward speed is saturated at max_linear_speed (below): the centres' bound.
          forwardSpeed: diff ? s.limits.maxLinear : undefined,
          sampled,
          radii: this.radii.subarray(0, known),
          speeds: this.previousSpeed.subarray(0, known),
        })
      : undefined;
    // Differential drive: a robot the filter stopped although the law drove it forward sidesteps from the next tick.
    if (safety && diff) this.updateJams(known, now);
    const counts = this.shapeCommands(dt, safety !== undefined, hold);
    const { commands } = this;
    return { commands, live, stale, saturated: counts.saturated, energy, epsilon, diffusivity: diffusivity ?? 0, safety, safetyOverrides: counts.overrides, safetyGain: safety ? appliedGain(s.safety, sampled) : undefined };
  }
}
