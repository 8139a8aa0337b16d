/**
 * Where a robot is now, from a pose that is some latency old and the commands sent since. The controller records
 * every robot's command at every tick; a robot's pose measured at `stamp` is moved along the path those commands
 * trace from it (exact arcs for piecewise-constant twists, each command in force until the next tick or the
 * robots' command timeout). The robot may not have followed them (it died, it lags behind its own acceleration
 * limit): it is somewhere on that path. Every point of a path of length L from a to b lies within L / 2 of the
 * chord's midpoint (|q - a| + |q - b| <= L), so the prediction is a disc: centre (a + b) / 2, radius L / 2.
 */

/** A predicted pose: a disc holding the robot's centre, and the range of its heading. */
export interface PredictedPose {
  /** Centre of the disc, m. */
  x: number;
  y: number;
  /** Radius of the disc, m. */
  radius: number;
  /** Heading at the end of the path, rad (unwrapped from the measured one). */
  yaw: number;
  /** The heading lies in [yawFrom, yawTo], rad (every heading along the path, unwrapped). */
  yawFrom: number;
  yawTo: number;
}

/** A zeroed prediction record (reused: nothing is allocated per robot and tick). */
export function createPredictedPose(): PredictedPose {
  return { x: 0, y: 0, radius: 0, yaw: 0, yawFrom: 0, yawTo: 0 };
}

/**
 * Where another instance's robot may be `age` s after its reported pose: none of its commands is known here, so
 * anywhere within maxSpeed x age of it, heading within maxTurn x age of the reported one (the worst case of the
 * sampled-data barrier for a robot commanded at most maxSpeed).
 */
export function foreignPose(x: number, y: number, yaw: number, age: number, maxSpeed: number, maxTurn: number, out: PredictedPose): PredictedPose {
  out.x = x;
  out.y = y;
  out.radius = maxSpeed * age;
  out.yaw = yaw;
  out.yawFrom = yaw - maxTurn * age;
  out.yawTo = yaw + maxTurn * age;
  return out;
}

/** sin(h) / h, exact near 0. */
function sinc(h: number): number {
  return Math.abs(h) < 1e-4 ? 1 - (h * h) / 6 : Math.sin(h) / h;
}

/** Ticks of commands kept per robot. */
export const HISTORY_DEPTH = 32;

/** The body-frame commands (vx, vy, wz) sent to each robot over the last HISTORY_DEPTH ticks. */
export class CommandHistory {
  private readonly n: number;
  private readonly times = new Float64Array(HISTORY_DEPTH);
  private readonly commands: Float64Array;
  /** Slot of the next tick. */
  private head = 0;
  private size = 0;
  /** Per robot: since when its commands have all been zero (-Infinity: never commanded; Infinity: moving now). */
  private readonly stoppedSince: Float64Array;
  /** Per robot: the last disc computed from the history (x, y, radius, yaw, yawFrom, yawTo), its pose's stamp and when. */
  private readonly cache: Float64Array;
  private readonly cacheStamp: Float64Array;
  private readonly cacheTime: Float64Array;

  constructor(robots: number) {
    this.n = robots;
    this.commands = new Float64Array(HISTORY_DEPTH * robots * 3);
    this.stoppedSince = new Float64Array(robots).fill(-Infinity);
    this.cache = new Float64Array(6 * robots);
    this.cacheStamp = new Float64Array(robots).fill(Number.NaN);
    this.cacheTime = new Float64Array(robots);
  }

  /** Starts the record of the tick at time `now` (s): every robot's command is zero until `set`. */
  begin(now: number): void {
    if (this.size > 0 && now <= this.times[(this.head + HISTORY_DEPTH - 1) % HISTORY_DEPTH]) this.head = (this.head + HISTORY_DEPTH - 1) % HISTORY_DEPTH;
    else this.size = Math.min(HISTORY_DEPTH, this.size + 1);
    this.times[this.head] = now;
    this.commands.fill(0, this.head * this.n * 3, (this.head + 1) * this.n * 3);
    for (let i = 0; i < this.n; i++) if (this.stoppedSince[i] === Infinity) this.stoppedSince[i] = now;
    this.head = (this.head + 1) % HISTORY_DEPTH;
  }

  /** Robot i's command at the tick begun last. */
  set(i: number, vx: number, vy: number, wz: number): void {
    const slot = (this.head + HISTORY_DEPTH - 1) % HISTORY_DEPTH;
    const o = (slot * this.n + i) * 3;
    this.commands[o] = vx;
    this.commands[o + 1] = vy;
    this.commands[o + 2] = wz;
    // Any of them not zero (NaN included), as `vx !== 0 || vy !== 0 || wz !== 0`, but tested without comparisons: their
    // type feedback, small-integer zeros in the first ticks, made V8 throw the tick's optimised code away when a command
    // came with vx exactly 0 and vy not, seconds into a run, and recompile it inside a tick (measured: 58-88 ms).
    if (vx || vy || wz || Number.isNaN(vx) || Number.isNaN(vy) || Number.isNaN(wz)) this.stoppedSince[i] = Infinity;
  }

  /**
   * Robot i's disc at `now` from its pose (x, y, yaw) measured at `stamp`, with commands in force at most `timeout`
   * s after they were sent. A pose older than the history keeps the disc last computed for it when the robot has
   * been commanded zero since (a dead or stale robot); otherwise it gives a disc around the pose itself, of radius
   * `maxSpeed` x the time the robot may have moved since (heading within `maxTurn` x that time).
   */
  predict(i: number, x: number, y: number, yaw: number, stamp: number, now: number, timeout: number, maxSpeed: number, maxTurn: number, out: PredictedPose): PredictedPose {
    out.x = x;
    out.y = y;
    out.radius = 0;
    out.yaw = yaw;
    out.yawFrom = yaw;
    out.yawTo = yaw;
    if (this.size === 0 || !(stamp < now)) return out;
    const oldest = (this.head + HISTORY_DEPTH - this.size) % HISTORY_DEPTH;
    if (stamp < this.times[oldest]) {
      if (this.cacheStamp[i] === stamp && this.stoppedSince[i] <= this.cacheTime[i]) {
        const c = this.cache;
        [out.x, out.y, out.radius, out.yaw, out.yawFrom, out.yawTo] = [c[6 * i], c[6 * i + 1], c[6 * i + 2], c[6 * i + 3], c[6 * i + 4], c[6 * i + 5]];
        return out;
      }
      // Older than the history: the robot moved at most while it had a command.
      const moving = Math.max(0, Math.min(now, this.stoppedSince[i]) - stamp);
      out.radius = maxSpeed * moving;
      out.yawFrom = yaw - maxTurn * moving;
      out.yawTo = yaw + maxTurn * moving;
      return out;
    }
    let px = x;
    let py = y;
    let th = yaw;
    let thMin = yaw;
    let thMax = yaw;
    let path = 0;
    for (let k = 0; k < this.size; k++) {
      const slot = (oldest + k) % HISTORY_DEPTH;
      const start = this.times[slot];
      const next = k + 1 < this.size ? this.times[(slot + 1) % HISTORY_DEPTH] : now;
      const from = Math.max(start, stamp);
      const to = Math.min(next, start + timeout, now);
      if (!(to > from)) continue;
      const o = (slot * this.n + i) * 3;
      const vx = this.commands[o];
      const vy = this.commands[o + 1];
      const w = this.commands[o + 2];
      const tau = to - from;
      const turn = w * tau;
      const chord = tau * sinc(turn / 2);
      const c = Math.cos(th + turn / 2);
      const s = Math.sin(th + turn / 2);
      px += chord * (c * vx - s * vy);
      py += chord * (s * vx + c * vy);
      th += turn;
      thMin = Math.min(thMin, th);
      thMax = Math.max(thMax, th);
      path += tau * Math.sqrt(vx * vx + vy * vy);
    }
    out.x = 0.5 * (x + px);
    out.y = 0.5 * (y + py);
    out.radius = 0.5 * path;
    out.yaw = th;
    out.yawFrom = thMin;
    out.yawTo = thMax;
    const c = this.cache;
    c[6 * i] = out.x;
    c[6 * i + 1] = out.y;
    c[6 * i + 2] = out.radius;
    c[6 * i + 3] = out.yaw;
    c[6 * i + 4] = out.yawFrom;
    c[6 * i + 5] = out.yawTo;
    this.cacheStamp[i] = stamp;
    this.cacheTime[i] = now;
    return out;
  }
}
