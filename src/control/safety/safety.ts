/**
 * The safety layer between the coverage law and the commands: a control barrier function (CBF) filter, exact for
 * the sampled-data loop (docs/safety.md has the statement, the assumptions and the proofs).
 *
 * Barrier functions on the robots' centres p_i (each a disc of radius r_i: where a robot whose pose is some latency
 * old can be) must stay non-negative:
 *   robots   h_ij = |p_i - p_j| - d_pair - r_i - r_j     (d_pair = 2 robot_radius + clearance)
 *   edges    h_ie = |p_i - c_ie| - d_edge - r_i          (c_ie: closest point of obstacle edge e; d_edge = radius + clearance)
 *   walls    h_iw = (distance into the domain) - d_edge - r_i
 * A command is in force for at most H s (the robots' command timeout), so each barrier may close at most
 * s(h) = min(g h, sqrt(a h)) per second, g = min(alpha, 1 / H), a the braking deceleration: over any hold tau <= H,
 * h(tau) >= h - s(h) tau >= 0, exactly, since |r + d| >= n . (r + d) for n = r / |r| (Cauchy-Schwarz); and the
 * sqrt term keeps the braking it asks for within a. For a holonomic robot (p_i' = u_i) a barrier is the half-plane
 * grad h . u_i >= -s(h). A differential-drive robot is commanded through its look-ahead point (u_i is that point's
 * velocity) and its centre moves with v_i e_i (e_i the heading, v_i = e_i . u_i): the half-plane
 * (grad h . e_i)(e_i . u_i) >= -s(h) restricts the forward speed, never the turning; the arc its centre really
 * follows is bounded for the final command by `arcSpeedLimits`.
 * For a pair of commanded robots the condition n_ij . (p_i' - p_j') >= -s(h_ij) is split between them:
 *   n_ij . p_i' >= -s / 2 + c_ij,   n_ji . p_j' >= -s / 2 - c_ij,
 * with c_ij the pair's mean desired velocity along n_ij clamped to [-s / 2, s / 2]: a follower gets the budget its
 * leader frees, u = 0 stays feasible, and a robot that does nothing (dead) meets its half. The per-robot problem
 * min |u - u_law|^2 over half-planes in the plane is solved exactly (half-planes.ts: u_law, its projection on one
 * constraint line, or a vertex of two). While the robots are safe every right-hand side is non-positive, so scaling
 * a safe command down (speed saturation) keeps it safe. Robots already too close are asked to separate at
 * g (|h| + margin); if they cannot all be, recovery is relaxed to not closing in and the robot heads for the way out
 * (`escape`). Robots on one point separate along their own escape directions.
 * Only barriers that can bind are built (a pair farther than d_pair + the gap at which s(h) >= 2 v_max cannot
 * constrain a speed v_max; for unicycles given `forwardSpeed`, v_max is the centres' speed bound, since every final
 * command's forward speed is saturated to it); the nearest MAX_NEIGHBOURS robots form each problem and a farther one joins it if the
 * result would break its barrier (active set), so the filter costs O(1) per robot in a crowd.
 */
import type { Box } from '../../engine/target/geometry.js';
import type { ObstacleMap } from '../../engine/target/obstacles.js';
import type { Target } from '../../engine/target/target.js';
import { boxArea } from '../../engine/target/geometry.js';
import { makeGrid } from '../../engine/field/grid.js';
import { I_GX, I_TOP, I_UNICYCLE, MAX_NEAREST, O_INSIDE, O_NEAREST, O_RECOVERS, P_BRAKE, P_CELL, P_DPAIR, P_GAIN, P_LIMIT, P_OX, P_OY } from './neighbour-scan.js';
import { REC_FIELDS, F_A, F_ITEM, F_MOV, F_P, F_Q, F_R, F_SPEED, F_X, F_Y, R_CD, R_CONS, R_KIND, R_RAW, R_RECORDS, R_STARTS, R_TAKEN, ScanMemory, scanKernel } from './neighbour-scan.js';
import type { Kernel, ScanKernel } from './neighbour-scan.js';
import { closestInHalfPlanes } from './half-planes.js';

/** Safety settings (live controller parameters). */
export interface SafetySettings {
  /** false: the law's velocities go through unfiltered. */
  readonly enabled: boolean;
  /** Radius of a robot's footprint, m. */
  readonly robotRadius: number;
  /** Extra gap kept between two robots' footprints and between a footprint and an obstacle or wall, m. */
  readonly clearance: number;
  /** alpha, 1/s: how fast a robot may close in on a barrier (approach speed <= alpha x remaining gap). */
  readonly gain: number;
}

/** Kinds of a raw barrier: another robot, a robot at the same point, a fixed edge or wall (it will not move off). */
const KIND_ROBOT = 0;
const KIND_COINCIDENT = 1;
const KIND_FIXED = 2;

/** Minimum centre-to-centre distance the settings keep between two robots, m. */
export function minSeparation(s: SafetySettings): number {
  return 2 * s.robotRadius + s.clearance;
}

/** How the commands are executed, which makes the barrier exact for the sampled-data loop. */
export interface SampledData {
  /** H: the longest a command stays in force (the robots' command timeout, when the next command is late), s. */
  readonly hold: number;
  /** Deceleration the barrier may ask for, m/s^2: a closing speed at most sqrt(brake x gap) (max_linear_accel). */
  readonly brake: number;
}

/** What the filter needs besides positions and velocities. */
export interface FilterOptions {
  /** Bound on the speed of the commanded points, m/s. */
  readonly maxSpeed: number;
  /** Heading per point (rad) for differential-drive robots; absent for holonomic ones. */
  readonly headings?: Float64Array;
  /** The sampled-data loop; absent: the continuous-time condition dh/dt >= -alpha h. */
  readonly sampled?: SampledData;
  /** Uncertainty radius per point, m (where the robot may be around its point); absent: none. */
  readonly radii?: Float64Array;
  /**
   * Bound on the speed of each point's final command, m/s, when it may exceed the law's (a rate-limited command
   * between the previous one and the filtered one); absent: the law's speed.
   */
  readonly speeds?: Float64Array;
  /**
   * Differential drive: bound on the final forward speed of every robot (max_linear_speed; the shaping saturates each
   * command to it), m/s. The barriers are on the centres, which move at that speed, so barriers are pruned by it
   * instead of by maxSpeed, the look-ahead point's bound (docs/safety.md, "Pruning by the centre's speed"). Only a
   * caller that caps every final command (this instance's and other instances') at it may pass it; absent: maxSpeed.
   */
  readonly forwardSpeed?: number;
}

/** Largest fraction of a gap one command may close over its whole hold (gamma in h_next >= (1 - gamma) h). */
export const GAMMA_MAX = 1;

/**
 * A robot inside a barrier leaves at rate g (|h| + RECOVERY_MARGIN x the barrier's distance), so that it is out in
 * finite time rather than approaching the boundary for ever.
 */
export const RECOVERY_MARGIN = 0.02;

/** The barrier gain applied, 1/s: alpha, capped at GAMMA_MAX / H for a command held up to H seconds. */
export function appliedGain(s: SafetySettings, sampled: SampledData | undefined): number {
  return sampled ? Math.min(s.gain, GAMMA_MAX / sampled.hold) : s.gain;
}

/** Golden angle, rad: escape directions of coincident robots (distinct for every index). */
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/** cos of the largest angle between a unicycle's heading and its way out at which it leaves a pile (20 deg). */
const TURN_FIRST = Math.cos((20 * Math.PI) / 180);

/** Distance below which two points count as coincident (the direction between them is undefined), m. */
const COINCIDENT = 1e-9;

/** What one filtering pass did. */
export interface SafetyReport {
  /** Commanded robots whose velocity the filter changed. */
  readonly modified: number;
  /** Commanded robots whose constraints could not all be met (already too close); they recover instead of covering. */
  readonly infeasible: number;
  /** Smallest distance between two control points within barrier range of each other, m (Infinity when none is). */
  readonly closestPair: number;
  /** Smallest distance from a control point to an obstacle edge within range, m (Infinity when none is near). */
  readonly closestObstacle: number;
}

const TOLERANCE = 1e-9;

/** Robots a robot keeps barriers with: its nearest ones within range (a hexagonal crowd has 6 at the first ring). */
export const MAX_NEIGHBOURS = MAX_NEAREST;

/** Component along n of the velocity of robot k's centre under its desired command (its heading for a unicycle). */
function alongNormal(nx: number, ny: number, u: Float64Array, k: number, heading: Float64Array | undefined): number {
  if (!heading) return nx * u[2 * k] + ny * u[2 * k + 1];
  const c = heading[2 * k];
  const s = heading[2 * k + 1];
  return (nx * c + ny * s) * (c * u[2 * k] + s * u[2 * k + 1]);
}

/**
 * The CBF filter for a swarm. Holds its buffers between calls: a tick allocates nothing once the swarm size is
 * stable. Obstacles and walls come from the target.
 */
export class SafetyFilter {
  private obstacles: ObstacleMap;
  private domain: Box;
  /** Constraints of the current pass: ax, ay, b per constraint; those of robot i in [first[i], first[i+1]) (scan memory). */
  private cons = new Float64Array(0);
  /** True when the last pass filtered unicycles. */
  private unicycle = false;
  /** 1 for a constraint between two robots on the same point. */
  private coincident = new Uint8Array(64);
  private first = new Int32Array(1);
  private count = 0;
  /**
   * The same barriers before projection on a unicycle's heading: nx, ny, b; robot i's in [rawFirst[i], rawFirst[i+1]).
   * (This and the other views below live in the scan kernel's memory: remade by `sync` whenever it grew.)
   */
  private raw = new Float64Array(0);
  /** Each raw barrier's kind: KIND_ROBOT, KIND_COINCIDENT (a robot at the same point) or KIND_FIXED (edge, wall). */
  private rawKind = new Uint8Array(0);
  /** Memory of the kernel, its scan, pick and check (null: the JS loops), and the memory's version the views were made at. */
  private readonly memory = new ScanMemory();
  private readonly scanner: ScanKernel | null;
  private readonly chooser: Kernel['nearest'] | null;
  private readonly checker: Kernel['check'] | null;
  private readonly blender: Kernel['blend'] | null;
  private synced = -1;
  /** The memory's parameter block (f64 and i32 slots). */
  private params = new Float64Array(0);
  private intParams = new Int32Array(0);
  /** The result of arcSpeedLimits (reused: nothing is allocated per robot). */
  private readonly arc = { lo: 0, hi: 0 };
  private rawFirst = new Int32Array(1);
  private rawCount = 0;
  // Bucket grid over the control points.
  private bucketStart = new Int32Array(1);
  private bucketItems = new Int32Array(0);
  private bucketOf = new Int32Array(0);
  /**
   * The bucket-sorted robots' records (rows of buckets are contiguous): field F_ of slot t at rec[F_ recStride + t]
   * (neighbour-scan.ts lists them: position, latency radius, desired speed and velocity or heading, index, movable).
   */
  private rec = new Float64Array(0);
  private recStride = 0;
  /** The law's velocities at entry (the filter overwrites its input robot by robot). */
  private nominal = new Float64Array(0);
  private headingUnit = new Float64Array(0);
  /** The nearest candidates so far (nearestFirst; in the scan memory), and the radius it looks within first. */
  private topIndex = new Int32Array(MAX_NEIGHBOURS);
  private topRadius = Infinity;
  /** Desired speed of each robot of the pass (0 when not commanded). */
  private speedOf = new Float64Array(0);
  /** The pass's barrier gain (1/s) and braking deceleration (m/s^2). */
  private gain = 1;
  private brake = Infinity;
  /** Distances of the robot being filtered to the robots of its barriers (in the order found). */
  private cd = new Float64Array(0);
  /** Per barrier of that robot with another: 1 for one of the nearest, 2 for one the active set added (scan memory). */
  private taken = new Uint8Array(0);
  /** Barriers of that robot with other robots (raw from rawFirst[i] on; then edges and walls). */
  private active = 0;
  /** Its barriers in the order of the original formulation (the nearest first, then the others as found): escape. */
  private logical = new Int32Array(32);
  /** Heading of the robot being filtered (unicycle); NaN for a holonomic robot. */
  private ex = Number.NaN;
  private ey = Number.NaN;

  /**
   * What runs the neighbour scan, the pick of the nearest, the active-set test and the blend: 'wasm' (the default
   * where available) or 'js' (the reference).
   */
  readonly kernel: 'wasm' | 'js';

  constructor(target: Target, options: { readonly kernel?: 'wasm' | 'js' } = {}) {
    this.obstacles = target.obstacles;
    this.domain = target.domain;
    const kernel = options.kernel === 'js' ? null : scanKernel(this.memory);
    this.scanner = kernel ? kernel.scan : null;
    this.chooser = kernel ? kernel.nearest : null;
    this.checker = kernel ? kernel.check : null;
    this.blender = kernel ? kernel.blend : null;
    this.kernel = kernel ? 'wasm' : 'js';
    this.sync();
  }

  /** Remakes the views of the scan memory after it grew (growing detaches them). */
  private sync(): void {
    const m = this.memory;
    if (this.synced === m.version) return;
    this.synced = m.version;
    const buffer = m.memory.buffer;
    this.params = new Float64Array(buffer, 0, 32);
    this.intParams = new Int32Array(buffer, 0, 64);
    this.recStride = m.capacity(R_RECORDS);
    this.rec = new Float64Array(buffer, m.offset(R_RECORDS), REC_FIELDS * this.recStride);
    this.bucketStart = new Int32Array(buffer, m.offset(R_STARTS), m.capacity(R_STARTS));
    this.cd = new Float64Array(buffer, m.offset(R_CD), m.capacity(R_CD));
    this.rawKind = new Uint8Array(buffer, m.offset(R_KIND), m.capacity(R_KIND));
    this.raw = new Float64Array(buffer, m.offset(R_RAW), 3 * m.capacity(R_RAW));
    this.cons = new Float64Array(buffer, m.offset(R_CONS), 3 * m.capacity(R_CONS));
    this.taken = new Uint8Array(buffer, m.offset(R_TAKEN), m.capacity(R_TAKEN));
    this.topIndex = new Int32Array(buffer, 4 * I_TOP, MAX_NEIGHBOURS);
  }

  /** Room for `count` raw barriers (and their kinds), contents kept. */
  private growRaw(count: number): void {
    this.memory.reserve(R_RAW, count);
    this.memory.reserve(R_KIND, this.memory.capacity(R_RAW));
    this.sync();
  }

  /** Takes the obstacles and walls of another target, keeping the buffers (a new target does not regrow them in a tick). */
  setTarget(target: Target): void {
    this.obstacles = target.obstacles;
    this.domain = target.domain;
  }

  /**
   * Filters `velocities` in place. `points` holds the centre of every robot with a known pose (interleaved x, y);
   * `movable[i]` is 1 for robots commanded this tick, 2 for robots another instance commands (each keeps its half of
   * a barrier with them), 0 for obstacles that do not move; `velocities` are
   * the law's velocities of the commanded points (centres, or look-ahead points for differential drive), bounded by
   * `o.maxSpeed` (m/s).
   */
  filter(points: Float64Array, movable: Uint8Array, velocities: Float64Array, s: SafetySettings, o: FilterOptions): SafetyReport {
    const n = points.length >> 1;
    const { headings, radii, sampled } = o;
    this.unicycle = headings !== undefined;
    const maxSpeed = o.maxSpeed;
    const dPair = minSeparation(s);
    const dEdge = s.robotRadius + s.clearance;
    const g = appliedGain(s, sampled);
    const brake = sampled ? sampled.brake : Infinity;
    this.gain = g;
    this.brake = brake;
    // Gaps beyond which no barrier can bind: allowed(h) >= 2 maxSpeed (pairs), maxSpeed (edges).
    let rMax = 0;
    if (radii) for (let i = 0; i < n; i++) rMax = Math.max(rMax, radii[i]);
    // The fastest a barrier's point (a centre) moves under a final command: a unicycle's forward speed when bounded.
    const centre = headings && o.forwardSpeed !== undefined ? Math.min(maxSpeed, o.forwardSpeed) : maxSpeed;
    const byCentre = headings !== undefined && o.forwardSpeed !== undefined;
    // No robot farther than this is a barrier (and the scan never looks farther).
    const pairRange = dPair + 2 * rMax + this.reach(2 * centre) + TOLERANCE;
    const edgeRange = dEdge + rMax + this.reach(centre) + TOLERANCE;
    if (this.nominal.length < 2 * n) this.nominal = new Float64Array(2 * n);
    this.nominal.set(velocities.subarray(0, 2 * n));
    const nominal = this.nominal;
    // Speed of each robot's desired velocity (0 for one not commanded), and the largest: they bound how far a barrier
    // can bind (see collectNeighbours), so that a robot looks only as far as its own and its neighbours' speeds require.
    if (this.speedOf.length < n) this.speedOf = new Float64Array(n);
    const speedOf = this.speedOf;
    let uMax = 0;
    for (let k = 0; k < n; k++) {
      speedOf[k] = movable[k] === 1 ? Math.sqrt(nominal[2 * k] ** 2 + nominal[2 * k + 1] ** 2) : 0;
      if (speedOf[k] > uMax) uMax = speedOf[k];
    }
    // Unit headings (cos, sin) of unicycles, once per pass.
    let unit: Float64Array | undefined;
    if (headings) {
      if (this.headingUnit.length < 2 * n) this.headingUnit = new Float64Array(2 * n);
      unit = this.headingUnit;
      for (let k = 0; k < n; k++) {
        unit[2 * k] = Math.cos(headings[k]);
        unit[2 * k + 1] = Math.sin(headings[k]);
      }
    }
    // Buckets of about one robot each (at least the separation plus the latency discs a side).
    this.index(points, Math.max(dPair + 2 * rMax + TOLERANCE, Math.sqrt(this.extent(points) / Math.max(1, n))), movable, radii, unit);
    this.params[P_LIMIT] = pairRange;
    this.params[P_DPAIR] = dPair;
    if (this.first.length < n + 1) this.first = new Int32Array(n + 1);
    if (this.rawFirst.length < n + 1) this.rawFirst = new Int32Array(n + 1);
    this.count = 0;
    this.rawCount = 0;
    let closestPair = Infinity;
    let closestObstacle = Infinity;
    let modified = 0;
    let infeasible = 0;
    const { xmin, xmax, ymin, ymax } = this.domain;
    const obstacles = !this.obstacles.empty;
    for (let i = 0; i < n; i++) {
      this.first[i] = this.count;
      this.rawFirst[i] = this.rawCount;
      const ex = unit ? unit[2 * i] : Number.NaN;
      const ey = unit ? unit[2 * i + 1] : Number.NaN;
      this.ex = ex;
      this.ey = ey;
      const x = points[2 * i];
      const y = points[2 * i + 1];
      const ri = radii ? radii[i] : 0;
      // The neighbours whose barrier can bind at this robot's speed (a recovering robot's is `centre`: looked again),
      // with their barriers (robot i's own velocity enters them only when it is commanded).
      let own = movable[i] === 1 ? Math.max(speedOf[i], o.speeds ? o.speeds[i] : 0) : 0;
      // A wall or an edge that asks the robot to leave (b > 0) may push it faster than own: then pruned by `centre`
      // (maxSpeed, or a unicycle's centre bound), as a robot barrier that asks it to leave does below. Otherwise a
      // unicycle's final forward speed is at most both own and `centre`.
      if (movable[i] === 1) {
        if (this.leaves(x, y, ri, dEdge)) own = centre;
        else if (byCentre) own = Math.min(own, centre);
      }
      // A barrier that cannot bind is not kept (b <= -speed): without recovery barriers the filtered velocity is never
      // faster than the law's (0 is feasible and projections do not expand), so a constraint met by every u with
      // |u| <= speed = max(|u_law|, the previous command's speed) is inactive; with them (one asks the robot to leave),
      // by every u with |u| <= maxSpeed: then the robot is looked at again. Of the rest, the nearest MAX_NEIGHBOURS
      // count (in a crowd the farther ones are behind them).
      let reach = own;
      let found = this.candidates(i, x, y, reach, speedOf[i], uMax, dPair, ri, rMax, pairRange, -own - TOLERANCE, movable[i] === 1);
      if (this.nearest < closestPair) closestPair = this.nearest;
      if (movable[i] !== 1) continue;
      if (own < centre && this.inside) {
        reach = centre;
        found = this.candidates(i, x, y, reach, speedOf[i], uMax, dPair, ri, rMax, pairRange, -own - TOLERANCE, true);
      }
      const recovering = this.recovers;
      const speed = recovering ? centre : own;
      if (recovering && centre !== own) found = this.candidates(i, x, y, reach, speedOf[i], uMax, dPair, ri, rMax, pairRange, -speed - TOLERANCE, true);
      // The robots' barriers are in raw[from, from + active), in the order found, their distances in cd.
      // (Growing the constraints moves the scan memory: the views are read again after each push.)
      const from = this.rawCount;
      const active = found;
      this.rawCount = from + active;
      // The problem takes the nearest MAX_NEIGHBOURS, nearest first (all of them when there are no more).
      // (Its flags live in the scan memory, which a push may move: read through this.taken.)
      this.taken.fill(0, 0, active);
      const top = active > MAX_NEIGHBOURS ? this.nearestFirst(active) : active;
      this.active = active;
      for (let t = 0; t < top; t++) {
        const { raw, rawKind: flags } = this;
        const q = top === active ? t : this.topIndex[t];
        const r = 3 * (from + q);
        const nx = raw[r];
        const ny = raw[r + 1];
        const b = raw[r + 2];
        // A unicycle's half-plane binds only through its heading's part of n (its speed along n is |n . e| |u|).
        const reach = headings ? Math.abs(nx * ex + ny * ey) : 1;
        if (b > -speed * reach - TOLERANCE) this.pushCons(nx, ny, b, flags[from + q] === KIND_COINCIDENT);
      }
      // Obstacle edges: inside an obstacle only the way out to the nearest edge counts.
      if (obstacles) closestObstacle = Math.min(closestObstacle, this.edges(x, y, ri, dEdge, edgeRange));
      // Walls of the domain: half-planes (a robot outside is brought back).
      if (x - xmin < edgeRange) this.push(1, 0, -this.allowed(x - xmin - dEdge - ri, dEdge));
      if (xmax - x < edgeRange) this.push(-1, 0, -this.allowed(xmax - x - dEdge - ri, dEdge));
      if (y - ymin < edgeRange) this.push(0, 1, -this.allowed(y - ymin - dEdge - ri, dEdge));
      if (ymax - y < edgeRange) this.push(0, -1, -this.allowed(ymax - y - dEdge - ri, dEdge));
      this.rawFirst[i + 1] = this.rawCount;
      let status = this.solve(i, velocities);
      if (status > 1) this.escape(i, velocities, maxSpeed);
      // Active set: a farther robot's barrier that the result breaks joins the problem, which is solved again, until
      // the result meets every barrier (the nearest ones usually shield the others, so this seldom runs).
      for (let grew = active > MAX_NEIGHBOURS; grew; ) {
        grew = false;
        if (this.checker) {
          // The same test in WebAssembly (neighbour-scan.ts): the next barrier the result breaks, from t on.
          const ux = velocities[2 * i];
          const uy = velocities[2 * i + 1];
          const relaxed = status > 1 ? 1 : 0;
          for (let t = this.checker(from, active, ux, uy, relaxed, headings ? 1 : 0, ex, ey, 0); t >= 0; t = this.checker(from, active, ux, uy, relaxed, headings ? 1 : 0, ex, ey, t + 1)) {
            const { raw, rawKind: flags } = this;
            const r = 3 * (from + t);
            this.pushCons(raw[r], raw[r + 1], relaxed ? Math.min(raw[r + 2], 0) : raw[r + 2], flags[from + t] === KIND_COINCIDENT);
            this.taken[t] = 2;
            grew = true;
          }
        } else for (let t = 0; t < active; t++) {
          if (this.taken[t]) continue; // one of the nearest, or already in
          const { raw, rawKind: flags } = this;
          const r = 3 * (from + t);
          const coincident = flags[from + t] === KIND_COINCIDENT;
          let ax = raw[r];
          let ay = raw[r + 1];
          let b = raw[r + 2];
          if (status > 1 && coincident) continue;
          if (status > 1) b = Math.min(b, 0);
          if (headings) {
            const k = ax * ex + ay * ey;
            ax = k * ex;
            ay = k * ey;
          }
          if (ax * velocities[2 * i] + ay * velocities[2 * i + 1] >= b - TOLERANCE) continue;
          this.pushCons(raw[r], raw[r + 1], b, coincident);
          this.taken[t] = 2;
          grew = true;
        }
        if (grew) {
          velocities[2 * i] = nominal[2 * i];
          velocities[2 * i + 1] = nominal[2 * i + 1];
          status = Math.max(status, this.solve(i, velocities));
          if (status > 1) this.escape(i, velocities, maxSpeed);
        }
      }
      if (status > 0) modified++;
      if (status > 1) infeasible++;
    }
    this.first[n] = this.count;
    this.rawFirst[n] = this.rawCount;
    return { modified, infeasible, closestPair, closestObstacle };
  }

  /** Allowed closing speed at gap h (negative: the separation speed asked of a robot inside, `dist` its barrier's distance). */
  private allowed(h: number, dist: number): number {
    const g = this.gain;
    if (h < -TOLERANCE) return -g * (-h + RECOVERY_MARGIN * dist);
    if (h < 0) return 0; // on the boundary, up to round-off
    const linear = g * h;
    return this.brake === Infinity ? linear : Math.min(linear, Math.sqrt(this.brake * h));
  }

  /**
   * True when a robot at (x, y) with latency radius ri may be inside a wall's or an obstacle edge's barrier (its gap
   * below 1e-6 m: a little wider than the b > 0 of `allowed`, whatever the round-off).
   */
  private leaves(x: number, y: number, ri: number, dEdge: number): boolean {
    const { xmin, xmax, ymin, ymax } = this.domain;
    const margin = dEdge + ri + 1e-6;
    if (x - xmin < margin || xmax - x < margin || y - ymin < margin || ymax - y < margin) return true;
    if (this.obstacles.empty) return false;
    return this.obstacles.contains(x, y) || this.obstacles.distanceToEdge(x, y, margin) < margin;
  }

  /** Pushes robot i's obstacle-edge barriers (at x, y, latency radius ri); returns its distance to the nearest edge in range. */
  private edges(x: number, y: number, ri: number, dEdge: number, edgeRange: number): number {
    let closest = Infinity;
    if (this.obstacles.contains(x, y)) {
      // Inside an obstacle only the way out to the nearest edge counts.
      let bx = 0;
      let by = 0;
      let best = Infinity;
      this.obstacles.visitEdges(x, y, Infinity, (cx, cy) => {
        const d = Math.hypot(cx - x, cy - y);
        if (d < best) [best, bx, by] = [d, cx, cy];
      });
      if (best > 0 && best < Infinity) this.push((bx - x) / best, (by - y) / best, -this.allowed(-(best + dEdge + ri), dEdge));
      return 0;
    }
    this.obstacles.visitEdges(x, y, edgeRange, (cx, cy) => {
      const dx = x - cx;
      const dy = y - cy;
      const d = Math.hypot(dx, dy);
      if (d < closest) closest = d;
      if (d > 1e-12) this.push(dx / d, dy / d, -this.allowed(d - dEdge - ri, dEdge));
    });
    return closest;
  }

  /**
   * A robot inside barriers it cannot all leave at the asked rate (solve relaxed them to not closing in) heads for
   * the way out: the direction d that maximizes min_k n_k . d over its recovery barriers (when that minimum is
   * positive, moving along d takes it away from every robot or edge it is inside). Its velocity is maxSpeed d
   * projected on the relaxed half-planes: it moves out as far as they allow. A unicycle keeps that velocity's
   * sideways part whole (no barrier restricts turning), so it turns towards the way out first and drives out once
   * its heading allows; robots that sit on each other have different ways out (their escape directions), so they
   * turn apart.
   */
  private escape(i: number, u: Float64Array, speed: number): void {
    // Robots on the same point first get apart (they cannot come closer): their own escape directions decide.
    let onPoint = false;
    for (let k = this.first[i]; k < this.count; k++) if (this.coincident[k]) onPoint = true;
    const counts = (k: number): boolean => (onPoint ? this.rawKind[k] === KIND_COINCIDENT : this.raw[3 * k + 2] > 0);
    const r = this.raw;
    // The barriers in the order of the problem: the nearest robots first, then the farther ones and the edges and walls.
    const from = this.rawFirst[i];
    const size = this.rawCount - from;
    if (this.logical.length < size) this.logical = new Int32Array(2 * size);
    const order = this.logical;
    let m = 0;
    if (this.active > MAX_NEIGHBOURS) {
      for (let t = 0; t < MAX_NEIGHBOURS; t++) order[m++] = from + this.topIndex[t];
      for (let t = 0; t < this.active; t++) if (this.taken[t] !== 1) order[m++] = from + t;
    } else for (let t = 0; t < this.active; t++) order[m++] = from + t;
    for (let k = from + this.active; k < this.rawCount; k++) order[m++] = k;
    let bestX = 0;
    let bestY = 0;
    let best = -Infinity;
    const consider = (dx: number, dy: number): void => {
      let worst = Infinity;
      for (let q = 0; q < size && worst > best; q++) {
        const k = order[q];
        if (counts(k)) worst = Math.min(worst, r[3 * k] * dx + r[3 * k + 1] * dy);
      }
      if (worst > best) [best, bestX, bestY] = [worst, dx, dy];
    };
    // The optimum of a max-min of linear functions on the unit circle is at one normal, or where two are equal.
    for (let q = 0; q < size; q++) {
      const k = order[q];
      if (!counts(k)) continue;
      consider(r[3 * k], r[3 * k + 1]);
      for (let p = q + 1; p < size; p++) {
        const m = order[p];
        if (!counts(m)) continue;
        const px = -(r[3 * k + 1] - r[3 * m + 1]);
        const py = r[3 * k] - r[3 * m];
        const norm = Math.sqrt(px * px + py * py);
        if (norm < 1e-12) continue;
        consider(px / norm, py / norm);
        consider(-px / norm, -py / norm);
      }
    }
    if (best === -Infinity) return;
    let ux = speed * bestX;
    let uy = speed * bestY;
    if (onPoint && this.unicycle && this.ex * bestX + this.ey * bestY < TURN_FIRST) {
      // A unicycle on a pile turns to its way out before it moves: driving along another heading would line the
      // pile up along it, each robot then stuck between two others.
      const forward = this.ex * ux + this.ey * uy;
      ux -= forward * this.ex;
      uy -= forward * this.ey;
    }
    this.project(this.first[i], this.count, ux, uy, u, i);
  }

  /**
   * The smallest t in [0, 1] such that v + t (safe - v) meets robot i's constraints of the last pass, where v and
   * `safe` are control-point velocities (`safe` met them). Used to keep a rate-limited command safe.
   */
  blendToSafe(i: number, vx: number, vy: number, safeX: number, safeY: number): number {
    // v = safe (the rate limit did not cut the command): safe already.
    if (vx === safeX && vy === safeY) return 0;
    let t = 0;
    // A holonomic robot is checked against every barrier that can bind (a recovery one as not closing in), a unicycle
    // against its half-planes (`arcSpeedLimits` then checks all its barriers).
    const all = !this.unicycle;
    // The same loop in WebAssembly (neighbour-scan.ts).
    if (all && this.blender) return this.blender(this.rawFirst[i], this.rawFirst[i + 1], vx, vy, safeX - vx, safeY - vy);
    const c = all ? this.raw : this.cons;
    for (let k = all ? this.rawFirst[i] : this.first[i]; k < (all ? this.rawFirst[i + 1] : this.first[i + 1]); k++) {
      if (all && this.rawKind[k] === KIND_COINCIDENT) continue;
      const ax = c[3 * k];
      const ay = c[3 * k + 1];
      const b = all ? Math.min(0, c[3 * k + 2]) : c[3 * k + 2];
      const slack = ax * vx + ay * vy - b;
      if (slack >= -TOLERANCE) continue;
      const gain = ax * (safeX - vx) + ay * (safeY - vy);
      t = Math.max(t, gain > 0 ? Math.min(1, -slack / gain) : 1);
    }
    return t;
  }

  /**
   * Calls `visit` with the normal of each barrier of robot i of the last pass that binds a forward motion: its
   * right-hand side within `slack` (m/s) of zero (a gap at which the barrier allows almost no closing speed); `fixed`
   * is true for an obstacle edge or a wall of the domain, false for another robot.
   */
  bindingNormals(i: number, visit: (nx: number, ny: number, fixed: boolean) => void, slack = 0.05): void {
    for (let k = this.rawFirst[i]; k < this.rawFirst[i + 1]; k++) {
      if (this.raw[3 * k + 2] > -slack && this.rawKind[k] !== KIND_COINCIDENT) visit(this.raw[3 * k], this.raw[3 * k + 1], this.rawKind[k] === KIND_FIXED);
    }
  }

  /** True when robot i of the last pass is inside a robot's or an obstacle's barrier (it has to leave). */
  recovering(i: number): boolean {
    for (let k = this.rawFirst[i]; k < this.rawFirst[i + 1]; k++) if (this.raw[3 * k + 2] > 0) return true;
    return false;
  }

  /**
   * The forward speeds [lo, hi] (lo <= 0 <= hi) of a unicycle, robot i of the last pass, that keep each of its
   * barriers (a recovery barrier as not closing in) over a whole hold of `hold` s at yaw rate `w`, whatever its heading within [from, to] (rad)
   * at the start. Exact bound, not first order: the centre moves on an arc whose chord over tau has length
   * |v| tau sinc(w tau / 2) <= |v| tau and the direction of the mean heading theta + w tau / 2, which lies within
   * [from, to] swept by w hold / 2; so n . D(tau) >= v tau min cos(direction - angle n) when that is negative
   * (v > 0), likewise for v < 0, and the barrier's n . D(tau) >= b tau holds for every tau <= hold. (Beyond
   * |w| hold > 2 pi, sinc changes sign: the chord may point anywhere and |v| <= -b.)
   */
  arcSpeedLimits(i: number, from: number, to: number, w: number, hold: number, speed = Infinity): { readonly lo: number; readonly hi: number } {
    const sweep = 0.5 * w * hold;
    const a = Math.min(from, from + sweep);
    const z = Math.max(to, to + sweep);
    // Past half a turn (w tau / 2 > pi) sinc changes sign and the chord may point anywhere.
    const anywhere = Math.abs(sweep) > Math.PI || z - a >= 2 * Math.PI;
    // The headings [a, z]: their ends, and the cone around their middle m of half-angle (z - a) / 2.
    const [ax, ay, zx, zy, mx, my] = [Math.cos(a), Math.sin(a), Math.cos(z), Math.sin(z), Math.cos(0.5 * (a + z)), Math.sin(0.5 * (a + z))];
    const cone = Math.cos(0.5 * (z - a));
    let lo = -Infinity;
    let hi = Infinity;
    for (let k = this.rawFirst[i]; k < this.rawFirst[i + 1]; k++) {
      // A recovery barrier (b > 0) is kept as "do not close in" (b = 0) over the arc; two robots on one point cannot
      // come closer. A barrier with b <= -speed cannot stop a forward speed up to `speed`.
      const b = Math.min(0, this.raw[3 * k + 2]);
      if (this.rawKind[k] === KIND_COINCIDENT || b <= -speed) continue;
      let cmin = -1;
      let cmax = 1;
      if (!anywhere) {
        // cos(heading - angle of n) over the headings: n . e at the ends, 1 if n is inside the cone, -1 if -n is.
        const nx = this.raw[3 * k];
        const ny = this.raw[3 * k + 1];
        const ca = nx * ax + ny * ay;
        const cz = nx * zx + ny * zy;
        const cm = nx * mx + ny * my;
        cmin = -cm >= cone ? -1 : Math.min(ca, cz);
        cmax = cm >= cone ? 1 : Math.max(ca, cz);
      }
      if (cmin < 0 && b / cmin < hi) hi = b / cmin;
      if (cmax > 0 && b / cmax > lo) lo = b / cmax;
    }
    this.arc.lo = lo;
    this.arc.hi = hi;
    return this.arc;
  }

  /** Room for at least `size` candidate barriers, contents kept. */
  private growCandidates(size: number): void {
    this.memory.reserve(R_CD, size);
    this.memory.reserve(R_TAKEN, this.memory.capacity(R_CD));
    this.sync();
  }

  /**
   * The MAX_NEIGHBOURS nearest of the `kept` candidates (distances in cd), nearest first (ties: the earlier first), into
   * topIndex[0..m), marked taken; returns m. One pass with a sorted list of the nearest so far.
   */
  private nearestFirst(kept: number): number {
    if (this.chooser) return this.chooser(kept); // the same in WebAssembly (neighbour-scan.ts)
    const c = this.cd;
    const top = this.topIndex;
    // Only candidates within a radius that holds at least MAX_NEIGHBOURS of them can be among the nearest (the last
    // robot's radius, a little wider; all of them when it holds fewer, or a distance is NaN): fewer insertions.
    let radius = this.topRadius;
    let within = 0;
    for (let q = 0; q < kept; q++) {
      const d = c[q];
      if (d <= radius) within++;
      else if (d !== d) within = -Infinity;
    }
    if (!(within >= MAX_NEIGHBOURS)) radius = Infinity;
    let m = 0;
    let worst = Infinity; // the MAX_NEIGHBOURS-th nearest so far
    for (let q = 0; q < kept; q++) {
      const d = c[q];
      if (d > radius || (!(d < worst) && m === MAX_NEIGHBOURS)) continue;
      let at = m < MAX_NEIGHBOURS ? m++ : m - 1;
      while (at > 0 && d < c[top[at - 1]]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = q;
      if (m === MAX_NEIGHBOURS) worst = c[top[m - 1]];
    }
    for (let t = 0; t < m; t++) this.taken[top[t]] = 1;
    this.topRadius = 1.2 * worst;
    return m;
  }


  /**
   * Adds the constraint grad h . p' >= b for the robot being filtered, as a half-plane in its command u: grad h itself
   * for a holonomic robot, (grad h . e) e for a unicycle with heading e (p' = (e . u) e). A unicycle constraint that
   * its forward speed cannot affect (heading across grad h) is dropped from the half-planes, and kept as a barrier
   * for `arcSpeedLimits` (the robot may turn into it).
   */
  private push(ax: number, ay: number, b: number): void {
    this.pushRaw(ax, ay, b, false, true);
    this.pushCons(ax, ay, b, false);
  }

  /** Records a barrier of the robot being filtered (normal n, right-hand side b) for the final checks. */
  private pushRaw(ax: number, ay: number, b: number, coincident: boolean, fixed = false): void {
    if (3 * (this.rawCount + 1) > this.raw.length) this.growRaw(this.rawCount + 1);
    this.rawKind[this.rawCount] = coincident ? KIND_COINCIDENT : fixed ? KIND_FIXED : KIND_ROBOT;
    this.raw[3 * this.rawCount] = ax;
    this.raw[3 * this.rawCount + 1] = ay;
    this.raw[3 * this.rawCount + 2] = b;
    this.rawCount++;
  }

  /** Adds a barrier's half-plane to the robot's problem (projected on a unicycle's heading). */
  private pushCons(ax: number, ay: number, b: number, coincident: boolean): void {
    if (!Number.isNaN(this.ex)) {
      const k = ax * this.ex + ay * this.ey;
      if (Math.abs(k) < 1e-6) return;
      ax = k * this.ex;
      ay = k * this.ey;
    }
    if (3 * (this.count + 1) > this.cons.length) {
      this.memory.reserve(R_CONS, this.count + 1);
      this.sync();
    }
    if (this.count + 1 > this.coincident.length) {
      const grown = new Uint8Array(this.cons.length / 3);
      grown.set(this.coincident);
      this.coincident = grown;
    }
    this.coincident[this.count] = coincident ? 1 : 0;
    this.cons[3 * this.count] = ax;
    this.cons[3 * this.count + 1] = ay;
    this.cons[3 * this.count + 2] = b;
    this.count++;
  }

  /** 0: u unchanged, 1: projected, 2: infeasible (recovering). */
  private solve(i: number, u: Float64Array): number {
    const from = this.first[i];
    const to = this.count;
    const c = this.cons;
    const ux = u[2 * i];
    const uy = u[2 * i + 1];
    if (this.feasible(from, to, ux, uy)) return 0;
    if (this.project(from, to, ux, uy, u, i)) return 1;
    // Already inside barriers whose recoveries conflict: separating at rate g |h| is relaxed to not closing in
    // (b = 0), which u = 0 meets, and the law's velocity is projected on that (recorded for blendToSafe). Two robots
    // on the same point cannot come closer, whatever they do: their barrier is dropped.
    for (let k = from; k < to; k++) {
      if (this.coincident[k]) c[3 * k] = c[3 * k + 1] = c[3 * k + 2] = 0;
      else if (c[3 * k + 2] > 0) c[3 * k + 2] = 0;
    }
    if (!this.project(from, to, ux, uy, u, i)) {
      u[2 * i] = 0;
      u[2 * i + 1] = 0;
    }
    return 2;
  }

  /** True when (ux, uy) meets constraints [from, to). */
  private feasible(from: number, to: number, ux: number, uy: number): boolean {
    const c = this.cons;
    for (let k = from; k < to; k++) if (c[3 * k] * ux + c[3 * k + 1] * uy < c[3 * k + 2] - TOLERANCE) return false;
    return true;
  }

  /**
   * The closest point to (ux, uy) in the intersection of the half-planes [from, to), written to out[2i..]; false
   * when the intersection is empty (half-planes.ts: exact in 2-D, incremental in the problem's order).
   */
  private project(from: number, to: number, ux: number, uy: number, out: Float64Array, i: number): boolean {
    return closestInHalfPlanes(this.cons, from, to, ux, uy, out, i);
  }

  /** Buckets of side `cell` over the points, and the robots' data in bucket order (reusing buffers). */
  private index(points: Float64Array, cell: number, movable: Uint8Array, radii: Float64Array | undefined, unit: Float64Array | undefined): void {
    const n = points.length >> 1;
    this.cell = cell;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, points[2 * i]);
      x1 = Math.max(x1, points[2 * i]);
      y0 = Math.min(y0, points[2 * i + 1]);
      y1 = Math.max(y1, points[2 * i + 1]);
    }
    if (n === 0) x0 = y0 = x1 = y1 = 0;
    // At most ~4 buckets per robot, whatever the spread (a robot far away must not blow the grid up).
    const limit = Math.max(1, Math.ceil(2 * Math.sqrt(n)));
    this.cell = Math.max(cell, (x1 - x0) / limit, (y1 - y0) / limit);
    this.gx = Math.floor((x1 - x0) / this.cell) + 1;
    this.gy = Math.floor((y1 - y0) / this.cell) + 1;
    this.ox = x0;
    this.oy = y0;
    const buckets = this.gx * this.gy;
    this.memory.reserve(R_STARTS, buckets + 1);
    this.memory.reserve(R_RECORDS, n + 2); // (the kernel reads pairs)
    this.sync();
    if (this.bucketItems.length < n) {
      this.bucketItems = new Int32Array(n);
      this.bucketOf = new Int32Array(n);
    }
    const start = this.bucketStart;
    start.fill(0, 0, buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = this.bucketIndex(points[2 * i], points[2 * i + 1]);
      this.bucketOf[i] = b;
      start[b + 1]++;
    }
    for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
    for (let i = 0; i < n; i++) this.bucketItems[start[this.bucketOf[i]]++] = i;
    // start[b] now holds the end of bucket b; shift back.
    for (let b = buckets; b > 0; b--) start[b] = start[b - 1];
    start[0] = 0;
    const rec = this.rec;
    const m = this.recStride;
    for (let t = 0; t < n; t++) {
      const j = this.bucketItems[t];
      rec[F_X * m + t] = points[2 * j];
      rec[F_Y * m + t] = points[2 * j + 1];
      rec[F_R * m + t] = radii ? radii[j] : 0;
      rec[F_SPEED * m + t] = this.speedOf[j];
      const u = this.nominal[2 * j];
      const v = this.nominal[2 * j + 1];
      if (unit) {
        const c = unit[2 * j];
        const s = unit[2 * j + 1];
        rec[F_P * m + t] = c;
        rec[F_Q * m + t] = s;
        rec[F_A * m + t] = c * u + s * v;
      } else {
        rec[F_P * m + t] = u;
        rec[F_Q * m + t] = v;
      }
      rec[F_ITEM * m + t] = j;
      rec[F_MOV * m + t] = movable[j];
    }
    // The pass's constants for the kernel.
    const p = this.params;
    p[P_GAIN] = this.gain;
    p[P_BRAKE] = this.brake;
    p[P_CELL] = this.cell;
    p[P_OX] = this.ox;
    p[P_OY] = this.oy;
    this.intParams[I_GX] = this.gx;
    this.intParams[I_UNICYCLE] = unit ? 1 : 0;
  }

  private cell = 1;
  private gx = 1;
  private gy = 1;
  private ox = 0;
  private oy = 0;

  private bucketIndex(x: number, y: number): number {
    const i = Math.min(this.gx - 1, Math.max(0, Math.floor((x - this.ox) / this.cell)));
    const j = Math.min(this.gy - 1, Math.max(0, Math.floor((y - this.oy) / this.cell)));
    return j * this.gx + i;
  }

  /** Area of the points' bounding box, m^2 (0 for fewer than two distinct points). */
  private extent(points: Float64Array): number {
    // (Tested before the loop: after it, a test the interpreter never ran when V8 replaced the loop mid-call made the
    // optimised code bail out there on every call.)
    if (points.length < 4) return 0;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < points.length; i += 2) {
      x0 = Math.min(x0, points[i]);
      x1 = Math.max(x1, points[i]);
      y0 = Math.min(y0, points[i + 1]);
      y1 = Math.max(y1, points[i + 1]);
    }
    return (x1 - x0) * (y1 - y0);
  }

  /** Gap (m) from which the barrier allows a closing speed of at least v: allowed(h) >= v for h >= reach(v). */
  private reach(v: number): number {
    return Math.max(v / this.gain, this.brake === Infinity ? 0 : (v * v) / this.brake);
  }

  /** Smallest distance from the robot of the last `candidates` call to a robot of higher index it found, m. */
  private nearest = Infinity;
  /** Whether that robot is inside a barrier of a robot it found, and whether one of its barriers asks it to leave (b > 0). */
  private inside = false;
  private recovers = false;

  /**
   * The robots other than i whose barrier with i can bind, with their barriers (normal, right-hand side) in raw from
   * rawCount on (not counted) and their distances in cd, in the order found; returns their number. Robot i (desired speed `ui`, pruning speed `own`) and j
   * (desired speed u_j) have b <= -budget/2 + (ui + u_j)/2 (b = -budget when j is not commanded), and a barrier with
   * b <= -own is skipped by the filter: so only gaps below reach(2 own + ui + u_j) (reach(own)) matter. Robots are
   * scanned within the largest such distance (u_j <= uMax); each is kept when within its own. Pairs closer than the
   * separation plus their latency discs are always kept; no pair farther than `limit` is. Barriers with b <= `keep`
   * (-speed - TOLERANCE: they cannot bind) are not listed; when robot i is not `commanded` only `nearest` is computed.
   */
  private candidates(i: number, x: number, y: number, own: number, ui: number, uMax: number, dPair: number, ri: number, rMax: number, limit: number, keep: number, commanded: boolean): number {
    const slack = 4 * TOLERANCE;
    const range = Math.min(limit, dPair + ri + rMax + this.reach(2 * own + ui + uMax + slack) * (1 + 1e-9) + 1e-6);
    const { cell, ox, oy, gx } = this;
    const j0 = Math.max(0, Math.floor((y - range - oy) / cell));
    const j1 = Math.min(this.gy - 1, Math.floor((y + range - oy) / cell));
    const r2 = range * range;
    const fixed = this.reach(own + slack) * (1 + 1e-9) + 1e-6;
    const base = 2 * own + ui + slack;
    const g = this.gain;
    const brake = this.brake;
    // The smallest bound of any robot j (no latency disc, standing or slowest), squared.
    const least = Math.min(limit, dPair + ri + 0 + Math.min(fixed, Math.max(base / g, brake === Infinity ? 0 : (base * base) / brake) * (1 + 1e-9) + 1e-6));
    const inner = least * least;
    const unicycle = this.unicycle;
    // Robot i's desired velocity (its centre's: along its heading for a unicycle), for the pair's drift along n.
    const ex = this.ex;
    const ey = this.ey;
    const nominal = this.nominal;
    const vx = nominal[2 * i];
    const vy = nominal[2 * i + 1];
    const along = unicycle ? ex * vx + ey * vy : 0;
    const from = this.rawCount;
    if (this.scanner) {
      // The same scan in WebAssembly (neighbour-scan.ts); -1: out of room, grown, scanned again.
      let found = -1;
      while (found < 0) {
        found = j0 <= j1 ? this.scanner(i, x, y, range, inner, fixed, base, ri, keep, commanded ? 1 : 0, vx, vy, ex, ey, along, from, j0, j1) : 0;
        if (found < 0) {
          this.growCandidates(2 * this.cd.length);
          this.growRaw(from + this.cd.length + 2);
        }
      }
      const p = this.params;
      this.nearest = j0 <= j1 ? p[O_NEAREST] : Infinity;
      this.inside = j0 <= j1 && p[O_INSIDE] !== 0;
      this.recovers = j0 <= j1 && p[O_RECOVERS] !== 0;
      return found;
    }
    // (Growing the raw barriers or the distances moves the whole scan memory: these views are then remade.)
    let { rec, recStride: m, bucketStart } = this;
    let raw = this.raw;
    let flags = this.rawKind;
    let cd = this.cd;
    let nearest = Infinity;
    let inside = false;
    let recovers = false;
    let found = 0;
    for (let bj = j0; bj <= j1; bj++) {
      // The columns of this row of buckets that the disc of radius `range` reaches (a little wider: round-off). The
      // robots of consecutive buckets of a row are consecutive in bucket order.
      const y0 = oy + bj * cell;
      const gapY = Math.max(0, y0 - y, y - y0 - cell);
      if (gapY > range) continue;
      const half = Math.sqrt(r2 - gapY * gapY) + 1e-9 * (1 + range);
      const i0 = Math.max(0, Math.floor((x - half - ox) / cell));
      const i1 = Math.min(gx - 1, Math.floor((x + half - ox) / cell));
      if (i1 < i0) continue;
      const end = bucketStart[bj * gx + i1 + 1];
      for (let t = bucketStart[bj * gx + i0]; t < end; t++) {
        const px = rec[F_X * m + t];
        const py = rec[F_Y * m + t];
        const d2 = (px - x) ** 2 + (py - y) ** 2;
        if (d2 > r2) continue;
        const j = rec[F_ITEM * m + t];
        if (j === i) continue;
        const mj = rec[F_MOV * m + t];
        const rj = rec[F_R * m + t];
        // Within the bound of a robot standing still (which no speed lowers), or within its own.
        if (d2 > inner) {
          let reach = fixed;
          if (mj) {
            const v = base + rec[F_SPEED * m + t];
            reach = Math.max(v / g, brake === Infinity ? 0 : (v * v) / brake) * (1 + 1e-9) + 1e-6;
          }
          const bound = Math.min(limit, dPair + ri + rj + reach);
          if (d2 > bound * bound) continue;
        }
        const d = Math.sqrt(d2);
        if (j > i && d < nearest) nearest = d;
        const h = d - dPair - ri - rj;
        if (h < -TOLERANCE) inside = true;
        if (!commanded) continue;
        let nx: number;
        let ny: number;
        if (d < COINCIDENT) {
          // Direction undefined: each robot has its own escape direction (golden angle x index), and the pair
          // separates along the difference of the two, which every robot of a coincident cluster can follow.
          const dx = Math.cos(i * GOLDEN) - Math.cos(j * GOLDEN);
          const dy = Math.sin(i * GOLDEN) - Math.sin(j * GOLDEN);
          const norm = Math.sqrt(dx * dx + dy * dy);
          nx = dx / norm;
          ny = dy / norm;
        } else {
          nx = (x - px) / d;
          ny = (y - py) / d;
        }
        // Allowed closing speed at gap h (negative: the separation speed asked of a robot inside).
        let budget: number;
        if (h < -TOLERANCE) budget = -g * (-h + RECOVERY_MARGIN * dPair);
        else if (h < 0) budget = 0; // on the boundary, up to round-off
        else {
          const linear = g * h;
          const bh = brake * h;
          // (sqrt(brake h) only where it can be the smaller: the same value, without most square roots.)
          budget = brake === Infinity || linear * linear < bh * (1 - 1e-12) ? linear : Math.min(linear, Math.sqrt(bh));
        }
        let b: number;
        if (!mj) {
          b = -budget;
        } else if (mj === 2) {
          // Another instance's robot keeps its half of the barrier, whatever it wants: this one keeps the other half.
          b = -0.5 * budget;
        } else {
          // The pair's mean desired velocity along n_ij decides who leads; clamped so that u = 0 stays feasible.
          const half = 0.5 * Math.max(budget, 0);
          let drift: number;
          if (unicycle) drift = 0.5 * ((nx * ex + ny * ey) * along + (nx * rec[F_P * m + t] + ny * rec[F_Q * m + t]) * rec[F_A * m + t]);
          else drift = 0.5 * (nx * vx + ny * vy + (nx * rec[F_P * m + t] + ny * rec[F_Q * m + t]));
          b = -0.5 * budget + (drift > half ? half : drift < -half ? -half : drift);
        }
        if (b > 0) recovers = true;
        if (b <= keep) continue;
        if (found === cd.length) {
          this.growCandidates(found + 1);
          ({ cd, raw, rawKind: flags, rec, recStride: m, bucketStart } = this);
        }
        const r = from + found;
        if (3 * r + 3 > raw.length) {
          this.growRaw(r + 1);
          ({ cd, raw, rawKind: flags, rec, recStride: m, bucketStart } = this);
        }
        raw[3 * r] = nx;
        raw[3 * r + 1] = ny;
        raw[3 * r + 2] = b;
        flags[r] = d < COINCIDENT ? KIND_COINCIDENT : KIND_ROBOT;
        cd[found++] = d;
      }
    }
    this.nearest = nearest;
    this.inside = inside;
    this.recovers = recovers;
    return found;
  }
}

/** The inputs of one filter pass (`SafetyFilter.filter`'s arguments), kept to replay it (benchmarks, tests). */
export interface FilterPass {
  readonly points: Float64Array;
  readonly movable: Uint8Array;
  readonly velocities: Float64Array;
  readonly settings: SafetySettings;
  readonly options: FilterOptions;
}

/** How tightly a target packs the swarm, against the minimum separation. */
export interface CrowdingCheck {
  /** Spacing of a hexagonal packing at the target's densest point for n robots, m. */
  readonly peakSpacing: number;
  /** Fraction of the target's mass where that spacing is below the minimum separation. */
  readonly tightMass: number;
  readonly minSeparation: number;
  /** True when the target can be met: the spacing at the peak is at least the minimum separation. */
  readonly feasible: boolean;
}

/**
 * Checks whether n robots kept `minSep` apart can follow the target: where the target asks for n rho robots per
 * m^2, hexagonal packing gives a spacing sqrt(2 / (sqrt(3) n rho)); below minSep, the safety layer wins and the
 * robots spread wider than the target there. Sampled on a 128-cell grid.
 */
export function crowdingCheck(target: Target, n: number, minSep: number): CrowdingCheck {
  const grid = makeGrid(target.domain, Math.sqrt(boxArea(target.domain)) / 128, 0);
  const { density } = target.onGrid(grid);
  const spacing = (rho: number): number => (rho > 0 ? Math.sqrt(2 / (Math.sqrt(3) * n * rho)) : Infinity);
  let peak = 0;
  let tight = 0;
  let total = 0;
  for (let k = 0; k < density.length; k++) {
    const rho = density[k];
    total += rho;
    if (rho > peak) peak = rho;
    if (spacing(rho) < minSep) tight += rho;
  }
  const peakSpacing = spacing(peak);
  return { peakSpacing, tightMass: total > 0 ? tight / total : 0, minSeparation: minSep, feasible: !(peakSpacing < minSep) };
}
