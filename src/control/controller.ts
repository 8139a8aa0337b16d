import type { CoverageLaw } from './law.js';
import type { BodyCommand, Limits } from './shaping.js';
import { diffDriveCommand, holonomicCommand, rateLimit } from './shaping.js';

/** Kinematics and safety settings of the controller (live parameters). */
export interface ControllerSettings {
  readonly drive: 'holonomic' | 'diff_drive';
  /** Look-ahead distance for differential drive, m. */
  readonly lookahead: number;
  readonly limits: Limits;
  /** A pose older than this (s) makes its robot stale. */
  readonly poseTimeout: number;
  /** false: zero to everyone. */
  readonly enabled: boolean;
}

/** What one control tick decided. */
export interface TickResult {
  /** One body-frame command per robot, in the order of the names. */
  readonly commands: readonly BodyCommand[];
  /** Robots that took part in the law (fresh pose). */
  readonly live: number;
  /** Names of robots with no fresh pose (commanded zero, out of the swarm's mass). */
  readonly stale: readonly string[];
  /** Live robots whose command was cut by a speed limit. */
  readonly saturated: number;
  /** Why everyone is stopped, if they are. */
  readonly stopped?: 'emergency_stop' | 'disabled';
  readonly energy: number;
  readonly epsilon: number;
}

const ZERO: BodyCommand = Object.freeze({ vx: 0, vy: 0, wz: 0 }) as BodyCommand;

/**
 * The swarm controller, free of any middleware: poses in, one command per robot out at each tick.
 * Robots whose pose is stale get zero and leave the swarm's mass (the law sees only live robots, each of mass
 * 1/N_live) until they report again; an emergency stop or `enabled = false` sends zero to everyone at once.
 * Zero commands are not rate-limited: stopping wins over smoothness.
 */
export class CoverageController {
  readonly names: readonly string[];
  private law: CoverageLaw;
  private settings: ControllerSettings;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly yaw: Float64Array;
  private readonly stamp: Float64Array;
  private readonly previous: BodyCommand[];
  private estop = false;
  private lawStart: number | undefined;
  private lastTick: number | undefined;

  constructor(names: readonly string[], law: CoverageLaw, settings: ControllerSettings) {
    if (names.length === 0) throw new Error('the controller needs at least one robot');
    this.names = names;
    this.law = law;
    this.settings = settings;
    const n = names.length;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.yaw = new Float64Array(n);
    this.stamp = new Float64Array(n).fill(-Infinity);
    this.previous = names.map(() => ({ ...ZERO }));
  }

  /** Replaces the law (a new target or tuning); its schedule restarts at the next tick. */
  setLaw(law: CoverageLaw): void {
    this.law = law;
    this.lawStart = undefined;
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

  /** Zero commands for everyone (and the rate limiter restarts from zero). */
  zeroAll(): BodyCommand[] {
    for (const c of this.previous) Object.assign(c, ZERO);
    return this.names.map(() => ({ ...ZERO }));
  }

  /** One control step at time `now` (s). */
  tick(now: number): TickResult {
    const dt = this.lastTick === undefined ? 0 : Math.max(0, now - this.lastTick);
    this.lastTick = now;
    const n = this.names.length;
    const stale: string[] = [];
    const liveIndex: number[] = [];
    for (let i = 0; i < n; i++) {
      if (now - this.stamp[i] <= this.settings.poseTimeout) liveIndex.push(i);
      else stale.push(this.names[i]);
    }
    const stopped = this.estop ? 'emergency_stop' : !this.settings.enabled ? 'disabled' : undefined;
    if (stopped) return { commands: this.zeroAll(), live: liveIndex.length, stale, saturated: 0, stopped, energy: 0, epsilon: 0 };
    if (this.lawStart === undefined) this.lawStart = now;
    const m = liveIndex.length;
    const p = new Float64Array(2 * m);
    liveIndex.forEach((i, k) => {
      p[2 * k] = this.x[i];
      p[2 * k + 1] = this.y[i];
    });
    const u = new Float64Array(2 * m);
    const { energy, epsilon } = this.law.evaluate(p, u, now - this.lawStart);
    const commands: BodyCommand[] = this.names.map(() => ({ ...ZERO }));
    let saturated = 0;
    const s = this.settings;
    liveIndex.forEach((i, k) => {
      const ux = u[2 * k];
      const uy = u[2 * k + 1];
      const shaped = s.drive === 'holonomic' ? holonomicCommand(ux, uy, this.yaw[i], s.limits) : diffDriveCommand(ux, uy, this.yaw[i], s.lookahead, s.limits);
      const desired = s.drive === 'holonomic' ? Math.hypot(ux, uy) : Math.abs(Math.cos(this.yaw[i]) * ux + Math.sin(this.yaw[i]) * uy);
      if (desired > Math.hypot(shaped.vx, shaped.vy) * (1 + 1e-9)) saturated++;
      const c = dt > 0 ? rateLimit(this.previous[i], shaped, dt, s.limits) : { ...ZERO };
      this.previous[i] = c;
      commands[i] = { ...c };
    });
    for (let i = 0; i < n; i++) if (!(now - this.stamp[i] <= s.poseTimeout)) this.previous[i] = { ...ZERO };
    return { commands, live: m, stale, saturated, energy, epsilon };
  }
}
