/**
 * The rule for a differential-drive robot whose heading a wall blocks (it faces a wall or an obstacle, the law asks it
 * to go on, the safety filter lets it not move): for the next SIDESTEP_HOLD seconds its law velocity is replaced by
 * one of the same speed along the blocking barriers' tangent, on the side that is free (the side whose direction
 * meets every binding barrier best; the left one on a tie), so it turns in place and drives along the wall instead of
 * pressing on. A robot held only by other robots does not sidestep: they move off, and meanwhile it follows its guide
 * (guide.ts); sidestepping there turned dense crowds across their own flow (four-room map, N = 190 / 200 / 210 with
 * the guide: MMD^2 / i.i.d. 0.32 / 0.36 / 0.38 sidestepping at robots too, 0.33 / 0.36 / 0.51 only at walls, but the
 * open demo, 400 robots packed 2.1 cm apart in a corner: 13.7x against 1.2x). Only the law's velocity changes: the
 * safety filter still bounds what the robot is commanded, so the rule can never break the separation.
 * Deterministic (no randomness), allocation-free per tick.
 */

/**
 * How long a blocked robot follows the tangent before it goes back to the law's velocity, s: three control ticks at 10 Hz.
 * Measured (door, 200 differential-drive robots, robots through the door after 60 s): no rule 20, 3 s 26, 1.5 s 63,
 * 0.6 s 89, 0.3 s 117, 0.15 s 113. Longer holds send crowds sideways for too long.
 */
export const SIDESTEP_HOLD = 0.3;

/** A robot counts as blocked when its filtered forward speed is below this fraction of the one the law asked for. */
export const BLOCKED_FRACTION = 0.1;

/**
 * How long a robot must stay blocked before it sidesteps, s (two control ticks at 10 Hz: the blocked tick and the
 * next must both be blocked; a tick that is not blocked starts the count again, the ticks of a sidestep do not). In a dense crowd most robots are
 * blocked for a tick now and then and free the next, as the robots ahead move off; sidestepping at once turned
 * them across the crowd's flow. Measured on the four-room map, 200 differential-drive robots, 90 s (bench:rooms):
 * MMD^2 / i.i.d. 1.9 -> 1.2 and t90 67 -> 60 s; at 190 and 210 robots 0.0036 -> 0.0057 and 0.012 -> 0.008 (the
 * cell is chaotic: small changes move it by +-50%); the other eleven differential-drive blob cells within +-0.03 of
 * their ratio but the door at N = 200 (0.48 -> 0.42; see docs/rooms.md). (Measured before the guide, when robots
 * also sidestepped at robots.)
 */
export const SIDESTEP_PATIENCE = 0.2;

/** The binding barriers of one robot: normals (nx, ny) pointing away from what it must not close in on. */
export interface BarrierView {
  /**
   * Calls `visit` with the normal of each barrier of robot slot k that binds now (gap within its range); `fixed`: the
   * barrier is a wall or an obstacle's edge, not another robot.
   */
  bindingNormals(k: number, visit: (nx: number, ny: number, fixed: boolean) => void): void;
}

/** Per-robot sidestep state of a swarm. */
export class JamEscape {
  private readonly until: Float64Array;
  private readonly side: Float64Array;
  /** When robot i's current run of blocked ticks started (Infinity: not blocked). */
  private readonly since: Float64Array;

  constructor(robots: number) {
    this.until = new Float64Array(robots).fill(-Infinity);
    this.side = new Float64Array(robots);
    this.since = new Float64Array(robots).fill(Infinity);
  }

  /** Forgets every sidestep (a new law, a stop). */
  reset(): void {
    this.until.fill(-Infinity);
    this.since.fill(Infinity);
  }

  /** True while robot i sidesteps at time `now`. */
  active(i: number, now: number): boolean {
    return now < this.until[i];
  }

  /**
   * Replaces robot i's law velocity (ux, uy) by its sidestep velocity while one is active: the same speed, rotated a
   * quarter turn to the chosen side. Writes into out[0..1].
   */
  apply(i: number, now: number, ux: number, uy: number, out: Float64Array): void {
    if (now < this.until[i]) {
      const s = this.side[i];
      out[0] = -s * uy;
      out[1] = s * ux;
    } else {
      out[0] = ux;
      out[1] = uy;
    }
  }

  /**
   * After the filter: robot i (slot k, heading yaw) asked for forward speed `asked` (e . u_law) and got `got`
   * (e . u_filtered). It is blocked when asked > 0, got < BLOCKED_FRACTION asked and a wall or an obstacle's edge is
   * among its binding barriers, across the law's way (robots ahead move off, so a robot held only by robots waits and
   * follows its guide, guide.ts). When it has been blocked for SIDESTEP_PATIENCE s (every tick since) and is not
   * already sidestepping, it starts a sidestep to the side whose tangent direction has the largest worst component
   * along the binding normals (the freer side; left on a tie). Returns true when a sidestep starts.
   */
  update(i: number, k: number, now: number, ux: number, uy: number, asked: number, got: number, barriers: BarrierView): boolean {
    if (now < this.until[i]) return false;
    const norm = Math.sqrt(ux * ux + uy * uy);
    if (!(asked > 1e-6) || got >= BLOCKED_FRACTION * asked || !(norm > 0)) {
      this.since[i] = Infinity;
      return false;
    }
    // Left tangent of u: (-uy, ux) / |u|; right: the opposite.
    this.lx = -uy / norm;
    this.ly = ux / norm;
    this.left = Infinity;
    this.right = Infinity;
    this.walled = false;
    barriers.bindingNormals(k, this.visit);
    if (!this.walled) {
      this.since[i] = Infinity;
      return false;
    }
    if (this.since[i] > now) this.since[i] = now;
    if (now - this.since[i] < SIDESTEP_PATIENCE - 1e-9) return false;
    this.side[i] = this.right > this.left + 1e-9 ? -1 : 1;
    this.until[i] = now + SIDESTEP_HOLD;
    return true;
  }

  // The scan of one robot's binding barriers (fields, so that a tick allocates nothing).
  private lx = 0;
  private ly = 0;
  private left = Infinity;
  private right = Infinity;
  private walled = false;
  private readonly visit = (nx: number, ny: number, fixed: boolean): void => {
    const c = nx * this.lx + ny * this.ly;
    if (c < this.left) this.left = c;
    if (-c < this.right) this.right = -c;
    // Across the law's way: the normal points against u (u = (ly, -lx) |u|).
    if (fixed && nx * this.ly - ny * this.lx < 0) this.walled = true;
  };
}
