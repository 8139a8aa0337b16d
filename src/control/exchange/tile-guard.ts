import type { Tombstone } from './deposits.js';
import type { TileGrid } from './tiles.js';

/** What the guard needs to know at a tick (the regional pose exchange's state at the node). */
export interface TileGuardInput {
  /** Time of the tick, s. */
  readonly now: number;
  /** Per robot, the tile another instance's robot was last heard on (-1: none, or forgotten, or commanded here). */
  readonly heardTile: Int32Array;
  /** Per robot, the time of its last pose (s). */
  readonly poseTime: (i: number) => number;
  /** Per tile, the robots the other instances' fresh deposits announce there. */
  readonly announced: ReadonlyMap<number, number>;
  /** Per tile, the robots dead instances' last deposits announced there (deposits/DepositBoard.tombstones). */
  readonly tombstones: ReadonlyMap<number, Tombstone>;
  /** When tile t was subscribed (s), or undefined when it is not. */
  readonly subscribedAt: (t: number) => number | undefined;
  /** Calls `f` with the index and pose of every robot commanded here that has one. */
  readonly visitOwn: (f: (i: number, x: number, y: number) => void) => void;
  /**
   * How long after its subscription a tile may hold fewer robots than announced before robots near it are held, s
   * (none for the tiles subscribed at the first update: their robots may be near already).
   */
  readonly grace: number;
  /**
   * How long a tile must stay short before robots near it are held, s (one control period: a deposit announcing a
   * robot that crossed into a tile and that tile's message come apart on a real graph, in either order).
   */
  readonly brief: number;
  /** Half-side of the square around a robot within which others' poses are needed (the tiles' reach R), m. */
  readonly radius: number;
  /** How far a live robot announced in a tile can be outside it by now, m. */
  readonly liveDrift: number;
  /** How far a dead instance's robot can have gone from its last announced tile before its watchdog stopped it, m. */
  readonly deadDrift: number;
}

/** What the guard found at a tick. */
export interface TileGuardReport {
  /** Robots commanded here held at zero. */
  readonly held: number;
  /** Subscribed tiles holding fewer robots than announced, past the grace after their subscription. */
  readonly overdue: readonly number[];
  /** Dead instances' tiles with robots this instance never heard (kept out of: robots near them are held). */
  readonly unknownDead: readonly number[];
}

/**
 * Holds at zero the robots commanded here that could meet another instance's robot whose pose they do not have
 * (docs/shards.md, "The regional exchange"): a robot whose square of half-side R overlaps
 * - a subscribed tile that holds fewer of the other instances' robots (the robots last heard there) than their
 *   deposits announce there, `grace` or more after its subscription (a subscription not matched yet on a real graph:
 *   DDS discovery; its robots were beyond R when it was made, so they cannot be near before), or without that grace
 *   for the tiles subscribed at start (their robots may be near already) and for a tile subscribed long ago (an
 *   instance that appears, or whose messages stop); in every case only once it has been short for `brief` (a
 *   deposit and a tile message of the same tick arrive apart); the tile grown by `liveDrift`;
 * - a tile a dead instance announced in its last deposit, of whose robots there fewer were heard here than it
 *   announced: they stand there (their watchdogs stopped them) and nobody publishes them; grown by `deadDrift`.
 * A held robot stands: the safety filter treats it as stopped, so the other robots keep their barriers with it.
 */
export class TileGuard {
  private readonly grid: TileGrid;
  /** Per tile, 1 when it is subscribed and held fewer robots than announced at the last update. */
  private readonly short: Uint8Array;
  /** Per tile, since when it has been short (NaN: it is not). */
  private readonly shortSince: Float64Array;
  /** Time of the first update (the tiles subscribed then get no grace). */
  private first = NaN;
  private readonly known: Int32Array;
  private readonly knownDead: Int32Array;
  /** Per robot: 1 when held at zero at the last update. */
  readonly held: Uint8Array;

  constructor(grid: TileGrid, robots: number) {
    this.grid = grid;
    this.short = new Uint8Array(grid.count);
    this.shortSince = new Float64Array(grid.count).fill(NaN);
    this.known = new Int32Array(grid.count);
    this.knownDead = new Int32Array(grid.count);
    this.held = new Uint8Array(robots);
  }

  /** Finds the robots to hold at this tick (in `held`). */
  update(input: TileGuardInput): TileGuardReport {
    const { now, heardTile, tombstones } = input;
    if (Number.isNaN(this.first)) this.first = now;
    this.known.fill(0);
    this.knownDead.fill(0);
    for (let i = 0; i < heardTile.length; i++) {
      const t = heardTile[i];
      if (t < 0) continue;
      this.known[t]++;
      const tomb = tombstones.get(t);
      if (tomb && input.poseTime(i) <= tomb.stamp + 1e-9) this.knownDead[t]++;
    }
    const overdue: number[] = [];
    for (let t = 0; t < this.grid.count; t++) {
      const since = input.subscribedAt(t);
      this.short[t] = since !== undefined && this.known[t] < (input.announced.get(t) ?? 0) ? 1 : 0;
      if (!this.short[t]) {
        this.shortSince[t] = NaN;
        continue;
      }
      if (Number.isNaN(this.shortSince[t])) this.shortSince[t] = now;
      if (now - this.shortSince[t] >= input.brief - 1e-9 && (since! <= this.first || now - since! >= input.grace - 1e-9)) overdue.push(t);
    }
    const unknownDead: number[] = [];
    for (const [t, tomb] of tombstones) if (this.knownDead[t] < tomb.robots) unknownDead.push(t);
    this.held.fill(0);
    let held = 0;
    if (overdue.length > 0 || unknownDead.length > 0) {
      const zones = [...overdue.map((t) => this.zone(t, input.radius + input.liveDrift)), ...unknownDead.map((t) => this.zone(t, input.radius + input.deadDrift))];
      input.visitOwn((i, x, y) => {
        for (const z of zones) {
          if (x < z.x0 || x > z.x1 || y < z.y0 || y > z.y1) continue;
          this.held[i] = 1;
          held++;
          return;
        }
      });
    }
    return { held, overdue, unknownDead };
  }

  /**
   * Whether tile t or one next to it (a robot crosses at most into a neighbouring tile in a period) is subscribed and
   * holds fewer robots than announced at the last update: a robot that left t may be there, unheard yet.
   */
  shortNear(t: number): boolean {
    const g = this.grid;
    const i = t % g.nx;
    const j = Math.floor(t / g.nx);
    for (let b = Math.max(0, j - 1); b <= Math.min(g.ny - 1, j + 1); b++) {
      for (let a = Math.max(0, i - 1); a <= Math.min(g.nx - 1, i + 1); a++) if (this.short[b * g.nx + a]) return true;
    }
    return false;
  }

  /**
   * Tile t's rectangle grown by `margin` on every side; a tile on the box's edge reaches out to infinity there (a
   * point outside the box belongs to its nearest tile).
   */
  private zone(t: number, margin: number): { x0: number; x1: number; y0: number; y1: number } {
    const g = this.grid;
    const i = t % g.nx;
    const j = Math.floor(t / g.nx);
    const d = g.domain;
    return {
      x0: i === 0 ? -Infinity : d.xmin + i * g.w - margin,
      x1: i === g.nx - 1 ? Infinity : d.xmin + (i + 1) * g.w + margin,
      y0: j === 0 ? -Infinity : d.ymin + j * g.h - margin,
      y1: j === g.ny - 1 ? Infinity : d.ymin + (j + 1) * g.h + margin,
    };
  }
}
