/**
 * The safety filter as it was before the speed work of issue 15 (src/control/safety/safety.ts at 25782f7), kept verbatim as
 * the oracle of test/control/safety/safety-exact.test.ts: the fast filter must give the same velocities and the same answers
 * to every query. Do not edit (the crowding check and the exports the test does not use are left out).
 */
import type { Box } from '../../../../src/engine/target/geometry.js';
import type { ObstacleMap } from '../../../../src/engine/target/obstacles.js';
import type { Target } from '../../../../src/engine/target/target.js';

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

/** A list of barriers (ax, ay, b per barrier) and its per-barrier flags, grown to twice the room, contents kept. */
function doubled(triples: Float64Array, flags: Uint8Array): [Float64Array<ArrayBuffer>, Uint8Array<ArrayBuffer>] {
  const t = new Float64Array(triples.length * 2);
  t.set(triples);
  const f = new Uint8Array(t.length / 3);
  f.set(flags);
  return [t, f];
}

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
export const MAX_NEIGHBOURS = 12;

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
export class ReferenceSafetyFilter {
  private readonly obstacles: ObstacleMap;
  private readonly domain: Box;
  /** Constraints of the current pass: ax, ay, b per constraint; those of robot i in [first[i], first[i+1]). */
  private cons = new Float64Array(3 * 64);
  /** True when the last pass filtered unicycles. */
  private unicycle = false;
  /** 1 for a constraint between two robots on the same point. */
  private coincident = new Uint8Array(64);
  private first = new Int32Array(1);
  private count = 0;
  /** The same barriers before projection on a unicycle's heading: nx, ny, b; robot i's in [rawFirst[i], rawFirst[i+1]). */
  private raw = new Float64Array(3 * 64);
  private rawCoincident = new Uint8Array(64);
  /** The result of arcSpeedLimits (reused: nothing is allocated per robot). */
  private readonly arc = { lo: 0, hi: 0 };
  private rawFirst = new Int32Array(1);
  private rawCount = 0;
  // Bucket grid over the control points.
  private bucketStart = new Int32Array(1);
  private bucketItems = new Int32Array(0);
  private bucketOf = new Int32Array(0);
  /** The law's velocities at entry (the filter overwrites its input robot by robot). */
  private nominal = new Float64Array(0);
  private headingUnit = new Float64Array(0);
  /** The nearest candidates so far (nearestFirst), and a copy of the candidates. */
  private readonly topIndex = new Int32Array(MAX_NEIGHBOURS);
  private candCopy = new Float64Array(0);
  /** Largest desired speed in each bucket. */
  private bucketSpeed = new Float64Array(0);
  /** Desired speed of each robot of the pass (0 when not commanded). */
  private speedOf = new Float64Array(0);
  /** The pass's barrier gain and braking deceleration (for reach). */
  private bindGain = 1;
  private bindBrake = Infinity;
  /** Neighbours of the robot being filtered and their distances. */
  private near = new Int32Array(32);
  private nearD = new Float64Array(32);
  /** Candidate barriers with those neighbours: nx, ny, b, distance each. */
  private cand = new Float64Array(4 * 32);
  /** Heading of the robot being filtered (unicycle); NaN for a holonomic robot. */
  private ex = Number.NaN;
  private ey = Number.NaN;

  constructor(target: Target) {
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
    /** Allowed closing speed at gap h (negative: the separation speed asked of a robot inside, `dist` its barrier's distance). */
    const allowed = (h: number, dist: number): number => {
      if (h < -TOLERANCE) return -g * (-h + RECOVERY_MARGIN * dist);
      if (h < 0) return 0; // on the boundary, up to round-off
      const linear = g * h;
      return brake === Infinity ? linear : Math.min(linear, Math.sqrt(brake * h));
    };
    // Gaps beyond which no barrier can bind: allowed(h) >= 2 maxSpeed (pairs), maxSpeed (edges).
    const bind = (v: number): number => Math.max(v / g, brake === Infinity ? 0 : (v * v) / brake);
    let rMax = 0;
    if (radii) for (let i = 0; i < n; i++) rMax = Math.max(rMax, radii[i]);
    // No robot farther than this is a barrier (and the scan never looks farther).
    const pairRange = dPair + 2 * rMax + bind(2 * maxSpeed) + TOLERANCE;
    const edgeRange = dEdge + rMax + bind(maxSpeed) + TOLERANCE;
    if (this.nominal.length < 2 * n) this.nominal = new Float64Array(2 * n);
    this.nominal.set(velocities.subarray(0, 2 * n));
    const nominal = this.nominal;
    // Speed of each robot's desired velocity (0 for one not commanded), and the largest: they bound how far a barrier
    // can bind (see reach), so that a robot looks only as far as its own and its neighbours' speeds require.
    if (this.speedOf.length < n) this.speedOf = new Float64Array(n);
    const speedOf = this.speedOf;
    let uMax = 0;
    for (let k = 0; k < n; k++) {
      speedOf[k] = movable[k] === 1 ? Math.sqrt(nominal[2 * k] ** 2 + nominal[2 * k + 1] ** 2) : 0;
      if (speedOf[k] > uMax) uMax = speedOf[k];
    }
    this.bindGain = g;
    this.bindBrake = brake;
    // Buckets of about one robot each (at least the separation plus the latency discs a side).
    this.index(points, Math.max(dPair + 2 * rMax + TOLERANCE, Math.sqrt(this.extent(points) / Math.max(1, n))));
    const buckets = this.gx * this.gy;
    if (this.bucketSpeed.length < buckets) this.bucketSpeed = new Float64Array(buckets);
    this.bucketSpeed.fill(0, 0, buckets);
    for (let k = 0; k < n; k++) if (speedOf[k] > this.bucketSpeed[this.bucketOf[k]]) this.bucketSpeed[this.bucketOf[k]] = speedOf[k];
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
    if (this.first.length < n + 1) this.first = new Int32Array(n + 1);
    if (this.rawFirst.length < n + 1) this.rawFirst = new Int32Array(n + 1);
    this.count = 0;
    this.rawCount = 0;
    let closestPair = Infinity;
    let closestObstacle = Infinity;
    let modified = 0;
    let infeasible = 0;
    const { xmin, xmax, ymin, ymax } = this.domain;
    for (let i = 0; i < n; i++) {
      this.first[i] = this.count;
      this.rawFirst[i] = this.rawCount;
      this.ex = unit ? unit[2 * i] : Number.NaN;
      this.ey = unit ? unit[2 * i + 1] : Number.NaN;
      const x = points[2 * i];
      const y = points[2 * i + 1];
      const ri = radii ? radii[i] : 0;
      // The neighbours whose barrier can bind at this robot's speed (a recovering robot's is maxSpeed: looked again).
      // Changed from v1 (the one edit to this copy): a robot a wall or an obstacle edge asks to leave is looked at, and
      // pruned, at maxSpeed, like one a robot barrier asks to leave (v1 dropped the barrier of a robot just ahead of it).
      const pushed = movable[i] === 1 && this.pushedByWall(x, y, ri, dEdge);
      const own = movable[i] === 1 ? (pushed ? maxSpeed : Math.max(speedOf[i], o.speeds ? o.speeds[i] : 0)) : 0;
      let found = this.collectNeighbours(points, i, x, y, own, speedOf[i], uMax, dPair, ri, rMax, radii, movable, pairRange);
      for (let t = 0; t < found; t++) if (this.near[t] > i && this.nearD[t] < closestPair) closestPair = this.nearD[t];
      if (movable[i] !== 1) continue;
      if (own < maxSpeed) {
        for (let t = 0; t < found; t++) {
          if (this.nearD[t] - dPair - ri - (radii ? radii[this.near[t]] : 0) < -TOLERANCE) {
            found = this.collectNeighbours(points, i, x, y, maxSpeed, speedOf[i], uMax, dPair, ri, rMax, radii, movable, pairRange);
            break;
          }
        }
      }
      // Barriers with other robots: h = |p_i - p_j| - d_pair - r_i - r_j (r: the discs of latency).
      let kept = 0;
      let recovering = false;
      for (let t = 0; t < found; t++) {
        const j = this.near[t];
        const d = this.nearD[t];
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
          nx = (x - points[2 * j]) / d;
          ny = (y - points[2 * j + 1]) / d;
        }
        const h = d - dPair - ri - (radii ? radii[j] : 0);
        const budget = allowed(h, dPair);
        let b: number;
        if (!movable[j]) {
          b = -budget;
        } else if (movable[j] === 2) {
          // Another instance's robot keeps its half of the barrier, whatever it wants: this one keeps the other half.
          b = -0.5 * budget;
        } else {
          // The pair's mean desired velocity along n_ij decides who leads; clamped so that u = 0 stays feasible.
          const half = 0.5 * Math.max(budget, 0);
          const drift = 0.5 * (alongNormal(nx, ny, nominal, i, unit) + alongNormal(nx, ny, nominal, j, unit));
          b = -0.5 * budget + (drift > half ? half : drift < -half ? -half : drift);
        }
        if (b > 0) recovering = true;
        this.cand[4 * kept] = nx;
        this.cand[4 * kept + 1] = ny;
        this.cand[4 * kept + 2] = b;
        this.cand[4 * kept + 3] = d;
        kept++;
      }
      // A barrier that cannot bind is skipped: without recovery barriers the filtered velocity is never faster than
      // the law's (0 is feasible and projections do not expand), so a constraint met by every u with |u| <= |u_law|
      // is inactive; with them, by every u with |u| <= maxSpeed. Of the rest, the nearest MAX_NEIGHBOURS count (in a
      // crowd the farther ones are behind them).
      const speed = recovering || pushed ? maxSpeed : Math.max(Math.sqrt(nominal[2 * i] ** 2 + nominal[2 * i + 1] ** 2), o.speeds ? o.speeds[i] : 0);
      let active = 0;
      for (let t = 0; t < kept; t++) {
        // (For a unicycle the bound holds whatever its heading, so a robot that turns stays covered: |v| <= |u|.)
        if (this.cand[4 * t + 2] <= -speed - TOLERANCE) continue;
        if (active !== t) for (let f = 0; f < 4; f++) this.cand[4 * active + f] = this.cand[4 * t + f];
        active++;
      }
      if (active > MAX_NEIGHBOURS) this.nearestFirst(active);
      for (let t = 0; t < active; t++) {
        const coincident = this.cand[4 * t + 3] < COINCIDENT;
        this.pushRaw(this.cand[4 * t], this.cand[4 * t + 1], this.cand[4 * t + 2], coincident);
        // A unicycle's half-plane binds only through its heading's part of n (its speed along n is |n . e| |u|).
        const reach = headings ? Math.abs(this.cand[4 * t] * this.ex + this.cand[4 * t + 1] * this.ey) : 1;
        if (t < MAX_NEIGHBOURS && this.cand[4 * t + 2] > -speed * reach - TOLERANCE) this.pushCons(this.cand[4 * t], this.cand[4 * t + 1], this.cand[4 * t + 2], coincident);
      }
      // Obstacle edges: inside an obstacle only the way out to the nearest edge counts.
      const inside = !this.obstacles.empty && this.obstacles.contains(x, y);
      if (inside) {
        let bx = 0;
        let by = 0;
        let best = Infinity;
        this.obstacles.visitEdges(x, y, Infinity, (cx, cy) => {
          const d = Math.hypot(cx - x, cy - y);
          if (d < best) [best, bx, by] = [d, cx, cy];
        });
        closestObstacle = 0;
        if (best > 0 && best < Infinity) this.push((bx - x) / best, (by - y) / best, -allowed(-(best + dEdge + ri), dEdge));
      } else {
        this.obstacles.visitEdges(x, y, edgeRange, (cx, cy) => {
          const dx = x - cx;
          const dy = y - cy;
          const d = Math.hypot(dx, dy);
          if (d < closestObstacle) closestObstacle = d;
          if (d > 1e-12) this.push(dx / d, dy / d, -allowed(d - dEdge - ri, dEdge));
        });
      }
      // Walls of the domain: half-planes (a robot outside is brought back).
      if (x - xmin < edgeRange) this.push(1, 0, -allowed(x - xmin - dEdge - ri, dEdge));
      if (xmax - x < edgeRange) this.push(-1, 0, -allowed(xmax - x - dEdge - ri, dEdge));
      if (y - ymin < edgeRange) this.push(0, 1, -allowed(y - ymin - dEdge - ri, dEdge));
      if (ymax - y < edgeRange) this.push(0, -1, -allowed(ymax - y - dEdge - ri, dEdge));
      this.rawFirst[i + 1] = this.rawCount;
      let status = this.solve(i, velocities);
      if (status > 1) this.escape(i, velocities, maxSpeed);
      // Active set: a farther robot's barrier that the result breaks joins the problem, which is solved again, until
      // the result meets every barrier (the nearest ones usually shield the others, so this seldom runs).
      for (let grew = active > MAX_NEIGHBOURS; grew; ) {
        grew = false;
        for (let t = MAX_NEIGHBOURS; t < active; t++) {
          if (this.cand[4 * t + 3] < 0) continue; // already in
          const coincident = this.cand[4 * t + 3] < COINCIDENT;
          let ax = this.cand[4 * t];
          let ay = this.cand[4 * t + 1];
          let b = this.cand[4 * t + 2];
          if (status > 1 && coincident) continue;
          if (status > 1) b = Math.min(b, 0);
          if (headings) {
            const k = ax * this.ex + ay * this.ey;
            [ax, ay] = [k * this.ex, k * this.ey];
          }
          if (ax * velocities[2 * i] + ay * velocities[2 * i + 1] >= b - TOLERANCE) continue;
          this.pushCons(this.cand[4 * t], this.cand[4 * t + 1], b, coincident);
          this.cand[4 * t + 3] = -1;
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
    const counts = (k: number): boolean => (onPoint ? this.rawCoincident[k] === 1 : this.raw[3 * k + 2] > 0);
    const r = this.raw;
    let bestX = 0;
    let bestY = 0;
    let best = -Infinity;
    const consider = (dx: number, dy: number): void => {
      let worst = Infinity;
      for (let k = this.rawFirst[i]; k < this.rawCount && worst > best; k++) if (counts(k)) worst = Math.min(worst, r[3 * k] * dx + r[3 * k + 1] * dy);
      if (worst > best) [best, bestX, bestY] = [worst, dx, dy];
    };
    // The optimum of a max-min of linear functions on the unit circle is at one normal, or where two are equal.
    for (let k = this.rawFirst[i]; k < this.rawCount; k++) {
      if (!counts(k)) continue;
      consider(r[3 * k], r[3 * k + 1]);
      for (let m = k + 1; m < this.rawCount; m++) {
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
    let t = 0;
    // A holonomic robot is checked against every barrier that can bind (a recovery one as not closing in), a unicycle
    // against its half-planes (`arcSpeedLimits` then checks all its barriers).
    const all = !this.unicycle;
    const c = all ? this.raw : this.cons;
    for (let k = all ? this.rawFirst[i] : this.first[i]; k < (all ? this.rawFirst[i + 1] : this.first[i + 1]); k++) {
      if (all && this.rawCoincident[k]) continue;
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
   * right-hand side within `slack` (m/s) of zero (a gap at which the barrier allows almost no closing speed).
   */
  bindingNormals(i: number, visit: (nx: number, ny: number) => void, slack = 0.05): void {
    for (let k = this.rawFirst[i]; k < this.rawFirst[i + 1]; k++) if (this.raw[3 * k + 2] > -slack && !this.rawCoincident[k]) visit(this.raw[3 * k], this.raw[3 * k + 1]);
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
      if (this.rawCoincident[k] || b <= -speed) continue;
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

  private growNear(): void {
    const j = new Int32Array(this.near.length * 2);
    j.set(this.near);
    const d = new Float64Array(this.nearD.length * 2);
    d.set(this.nearD);
    const c = new Float64Array(this.cand.length * 2);
    c.set(this.cand);
    this.near = j;
    this.nearD = d;
    this.cand = c;
  }

  /**
   * Moves the MAX_NEIGHBOURS nearest of the `kept` candidates to the front, nearest first (ties: the earlier first);
   * the others follow in their order. One pass with a sorted list of the nearest so far.
   */
  private nearestFirst(kept: number): void {
    const c = this.cand;
    const top = this.topIndex;
    let m = 0;
    for (let q = 0; q < kept; q++) {
      const d = c[4 * q + 3];
      if (m === MAX_NEIGHBOURS && !(d < c[4 * top[m - 1] + 3])) continue;
      let at = m < MAX_NEIGHBOURS ? m++ : m - 1;
      while (at > 0 && d < c[4 * top[at - 1] + 3]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = q;
    }
    if (this.candCopy.length < 4 * kept) this.candCopy = new Float64Array(this.cand.length);
    const copy = this.candCopy;
    copy.set(c.subarray(0, 4 * kept));
    for (let t = 0; t < m; t++) {
      const q = top[t];
      for (let f = 0; f < 4; f++) c[4 * t + f] = copy[4 * q + f];
      copy[4 * q + 3] = NaN; // taken
    }
    let t = m;
    for (let q = 0; q < kept; q++) {
      if (Number.isNaN(copy[4 * q + 3])) continue;
      for (let f = 0; f < 4; f++) c[4 * t + f] = copy[4 * q + f];
      t++;
    }
  }

  /** True when a wall or an obstacle edge may ask the robot at (x, y) to leave (its gap below 1e-6 m). (Added to v1.) */
  private pushedByWall(x: number, y: number, ri: number, dEdge: number): boolean {
    const { xmin, xmax, ymin, ymax } = this.domain;
    const margin = dEdge + ri + 1e-6;
    if (x - xmin < margin || xmax - x < margin || y - ymin < margin || ymax - y < margin) return true;
    if (this.obstacles.empty) return false;
    return this.obstacles.contains(x, y) || this.obstacles.distanceToEdge(x, y, margin) < margin;
  }

  /**
   * Adds the constraint grad h . p' >= b for the robot being filtered, as a half-plane in its command u: grad h itself
   * for a holonomic robot, (grad h . e) e for a unicycle with heading e (p' = (e . u) e). A unicycle constraint that
   * its forward speed cannot affect (heading across grad h) is dropped from the half-planes, and kept as a barrier
   * for `arcSpeedLimits` (the robot may turn into it).
   */
  private push(ax: number, ay: number, b: number): void {
    this.pushRaw(ax, ay, b, false);
    this.pushCons(ax, ay, b, false);
  }

  /** Records a barrier of the robot being filtered (normal n, right-hand side b) for the final checks. */
  private pushRaw(ax: number, ay: number, b: number, coincident: boolean): void {
    if (3 * (this.rawCount + 1) > this.raw.length) [this.raw, this.rawCoincident] = doubled(this.raw, this.rawCoincident);
    this.rawCoincident[this.rawCount] = coincident ? 1 : 0;
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
    if (3 * (this.count + 1) > this.cons.length) [this.cons, this.coincident] = doubled(this.cons, this.coincident);
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
   * when the intersection is empty. Exact in 2-D: the candidates are the projections onto each line and the
   * intersections of pairs of lines whose KKT multipliers are non-negative.
   */
  private project(from: number, to: number, ux: number, uy: number, out: Float64Array, i: number): boolean {
    const c = this.cons;
    if (this.feasible(from, to, ux, uy)) {
      out[2 * i] = ux;
      out[2 * i + 1] = uy;
      return true;
    }
    let bestX = 0;
    let bestY = 0;
    let bestD = Infinity;
    const consider = (x: number, y: number): void => {
      const d = (x - ux) ** 2 + (y - uy) ** 2;
      if (d < bestD && this.feasible(from, to, x, y)) [bestX, bestY, bestD] = [x, y, d];
    };
    for (let k = from; k < to; k++) {
      const ax = c[3 * k];
      const ay = c[3 * k + 1];
      const gap = (c[3 * k + 2] - (ax * ux + ay * uy)) / (ax * ax + ay * ay);
      if (gap > 0) consider(ux + gap * ax, uy + gap * ay);
    }
    for (let k = from; k < to; k++) {
      for (let m = k + 1; m < to; m++) {
        const det = c[3 * k] * c[3 * m + 1] - c[3 * k + 1] * c[3 * m];
        if (Math.abs(det) < 1e-9 * Math.sqrt((c[3 * k] ** 2 + c[3 * k + 1] ** 2) * (c[3 * m] ** 2 + c[3 * m + 1] ** 2))) continue;
        const bk = c[3 * k + 2];
        const bm = c[3 * m + 2];
        const x = (bk * c[3 * m + 1] - c[3 * k + 1] * bm) / det;
        const y = (c[3 * k] * bm - bk * c[3 * m]) / det;
        // KKT: the optimum at this vertex has u - u_law = lk a_k + lm a_m with both multipliers >= 0.
        const lk = ((x - ux) * c[3 * m + 1] - (y - uy) * c[3 * m]) / det;
        const lm = (c[3 * k] * (y - uy) - c[3 * k + 1] * (x - ux)) / det;
        if (lk >= -TOLERANCE && lm >= -TOLERANCE) consider(x, y);
      }
    }
    if (bestD === Infinity) return false;
    out[2 * i] = bestX;
    out[2 * i + 1] = bestY;
    return true;
  }

  /** Buckets of side `cell` over the points (reusing buffers). */
  private index(points: Float64Array, cell: number): void {
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
    if (this.bucketStart.length < buckets + 1) this.bucketStart = new Int32Array(buckets + 1);
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
    return points.length >= 4 ? (x1 - x0) * (y1 - y0) : 0;
  }

  /** Gap (m) from which the barrier allows a closing speed of at least v: allowed(h) >= v for h >= reach(v). */
  private reach(v: number): number {
    return Math.max(v / this.bindGain, this.bindBrake === Infinity ? 0 : (v * v) / this.bindBrake);
  }

  /**
   * Fills near/nearD with the robots other than i whose barrier with i can bind, and returns their number. Robot i
   * (desired speed `ui`, pruning speed `own`) and j (desired speed u_j) have b <= -budget/2 + (ui + u_j)/2 (b = -budget
   * when j is not commanded), and a barrier with b <= -own is skipped by the filter: so only gaps below
   * reach(2 own + ui + u_j) (reach(own)) matter. Robots are scanned within the largest such distance (u_j <= uMax);
   * each is kept when within its own. Pairs closer than the separation plus their latency discs are always kept; no
   * pair farther than `limit` is.
   */
  private collectNeighbours(points: Float64Array, i: number, x: number, y: number, own: number, ui: number, uMax: number, dPair: number, ri: number, rMax: number, radii: Float64Array | undefined, movable: Uint8Array, limit: number): number {
    const slack = 4 * TOLERANCE;
    const range = Math.min(limit, dPair + ri + rMax + this.reach(2 * own + ui + uMax + slack) * (1 + 1e-9) + 1e-6);
    const i0 = Math.max(0, Math.floor((x - range - this.ox) / this.cell));
    const i1 = Math.min(this.gx - 1, Math.floor((x + range - this.ox) / this.cell));
    const j0 = Math.max(0, Math.floor((y - range - this.oy) / this.cell));
    const j1 = Math.min(this.gy - 1, Math.floor((y + range - this.oy) / this.cell));
    const r2 = range * range;
    const speedOf = this.speedOf;
    const fixed = this.reach(own + slack) * (1 + 1e-9) + 1e-6;
    const base = 2 * own + ui + slack;
    let found = 0;
    const near = dPair + ri + rMax;
    for (let bj = j0; bj <= j1; bj++) {
      const y0 = this.oy + bj * this.cell;
      const gapY = Math.max(0, y0 - y, y - y0 - this.cell);
      for (let bi = i0; bi <= i1; bi++) {
        const b = bj * this.gx + bi;
        // The bucket is skipped when even its fastest robot is too far away to matter.
        const x0 = this.ox + bi * this.cell;
        const gapX = Math.max(0, x0 - x, x - x0 - this.cell);
        const farthest = Math.min(limit, near + this.reach(base + this.bucketSpeed[b]) * (1 + 1e-9) + 1e-6);
        if (gapX * gapX + gapY * gapY > farthest * farthest) continue;
        for (let t = this.bucketStart[b]; t < this.bucketStart[b + 1]; t++) {
          const j = this.bucketItems[t];
          if (j === i) continue;
          const d2 = (points[2 * j] - x) ** 2 + (points[2 * j + 1] - y) ** 2;
          if (d2 > r2) continue;
          const rj = Math.min(limit, dPair + ri + (radii ? radii[j] : 0) + (movable[j] ? this.reach(base + speedOf[j]) * (1 + 1e-9) + 1e-6 : fixed));
          if (d2 > rj * rj) continue;
          if (found === this.near.length) this.growNear();
          this.near[found] = j;
          this.nearD[found++] = Math.sqrt(d2);
        }
      }
    }
    return found;
  }
}

