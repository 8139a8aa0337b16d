import type { Box } from '../../engine/target/geometry.js';
import type { NodeHandle, Publisher, Subscription } from '../../node/interface.js';
import type { TFMessage, TransformStamped } from '../../node/messages.js';
import { MSG } from '../../node/messages.js';

/**
 * Fixed tiles of the world box for the regional pose exchange (docs/shards.md): nx x ny equal tiles, each at least
 * `side` wide, row-major; a point outside the box belongs to the nearest tile. Every instance builds the same tiles from
 * the shared configuration (the target's box and swarm_tile_size), so a tile's topic names the same place for all.
 */
export class TileGrid {
  readonly nx: number;
  readonly ny: number;
  /** Tile width and height, m (>= the side asked for, unless the box is narrower). */
  readonly w: number;
  readonly h: number;
  readonly domain: Box;

  constructor(domain: Box, side: number) {
    if (!(side > 0) || !Number.isFinite(side)) throw new Error(`tile side must be a positive number of metres, got ${side}`);
    this.domain = domain;
    const width = domain.xmax - domain.xmin;
    const height = domain.ymax - domain.ymin;
    this.nx = Math.max(1, Math.min(256, Math.floor(width / side)));
    this.ny = Math.max(1, Math.min(256, Math.floor(height / side)));
    this.w = width / this.nx;
    this.h = height / this.ny;
  }

  /** Number of tiles. */
  get count(): number {
    return this.nx * this.ny;
  }

  /** The tile of (x, y) (clamped to the box). */
  tileOf(x: number, y: number): number {
    return this.row(y) * this.nx + this.column(x);
  }

  private column(x: number): number {
    const i = Math.floor((x - this.domain.xmin) / this.w);
    return i >= 0 ? (i < this.nx ? i : this.nx - 1) : 0;
  }

  private row(y: number): number {
    const j = Math.floor((y - this.domain.ymin) / this.h);
    return j >= 0 ? (j < this.ny ? j : this.ny - 1) : 0;
  }

  /** Sets out[t] = 1 for every tile t that the square of half-side r around (x, y) overlaps. */
  markAround(x: number, y: number, r: number, out: Uint8Array): void {
    const i0 = this.column(x - r);
    const i1 = this.column(x + r);
    const j0 = this.row(y - r);
    const j1 = this.row(y + r);
    for (let j = j0; j <= j1; j++) out.fill(1, j * this.nx + i0, j * this.nx + i1 + 1);
  }

  /** The tile's topic suffix, `t_<column>_<row>`. */
  name(t: number): string {
    return `t_${t % this.nx}_${Math.floor(t / this.nx)}`;
  }

  /** Whether (x, y) lies in tile t (its closed rectangle, the box's edges clamped): a check that two tilings agree. */
  holds(t: number, x: number, y: number): boolean {
    return this.tileOf(x, y) === t;
  }
}

/** One tile's subscription and the messages it has brought. */
interface TileSubscription {
  sub: Subscription;
  /** Other instances' messages since it was subscribed. */
  got: number;
  /** Messages since the last `takeCounts`. */
  recent: number;
  /** When it was made (the node's time, s). */
  since: number;
}

/**
 * The regional pose exchange over tiles (docs/shards.md): each period an instance publishes its robots' poses as one
 * TFMessage per tile they are in, on `<swarm_poses_topic>/t_<i>_<j>`, and subscribes to the tiles that squares of
 * half-side `radius` around its robots overlap, dropping one only when the squares grown by `hysteresis` leave it (a
 * robot moving along a tile border does not subscribe and unsubscribe every period). It creates its publishers early,
 * on the same tiles as its subscriptions: on a real graph a new publisher must first be matched with the
 * subscriptions (DDS discovery), and a robot entering a tile then finds its publisher long matched.
 */
export class PoseTiles {
  readonly grid: TileGrid;
  private readonly node: NodeHandle;
  private readonly topic: string;
  /** Takes a tile's message; returns whether it came from another instance (it held a robot not commanded here). */
  private readonly onMessage: (m: TFMessage, topic: string, tile: number) => boolean;
  private readonly publishers = new Map<number, Publisher<TFMessage>>();
  private readonly subscriptions = new Map<number, TileSubscription>();
  private readonly wanted: Uint8Array;
  private readonly keep: Uint8Array;
  /** The tiles this instance's robots were in at the last publish, ascending. */
  occupied: number[] = [];
  /** This instance's robots in each of `occupied`. */
  counts: number[] = [];

  constructor(node: NodeHandle, grid: TileGrid, topic: string, onMessage: (m: TFMessage, topic: string, tile: number) => boolean) {
    this.node = node;
    this.grid = grid;
    this.topic = topic;
    this.onMessage = onMessage;
    this.wanted = new Uint8Array(grid.count);
    this.keep = new Uint8Array(grid.count);
  }

  /** A tile's topic. */
  topicOf(t: number): string {
    return `${this.topic}/${this.grid.name(t)}`;
  }

  /** Subscribes to the tiles near the robots whose poses `visit` gives, and drops those left beyond the hysteresis. */
  update(visit: (f: (x: number, y: number) => void) => void, radius: number, hysteresis: number): void {
    this.wanted.fill(0);
    this.keep.fill(0);
    visit((x, y) => {
      this.grid.markAround(x, y, radius, this.wanted);
      this.grid.markAround(x, y, radius + hysteresis, this.keep);
    });
    for (const [t, s] of this.subscriptions) {
      if (this.keep[t]) continue;
      s.sub.destroy();
      this.subscriptions.delete(t);
    }
    for (let t = 0; t < this.grid.count; t++) {
      if (!this.wanted[t]) continue;
      this.publisherOf(t);
      if (this.subscriptions.has(t)) continue;
      const topic = this.topicOf(t);
      const entry: TileSubscription = { sub: undefined as unknown as Subscription, got: 0, recent: 0, since: this.node.now() };
      entry.sub = this.node.createSubscription(MSG.TFMessage, topic, 'sensor', (m: TFMessage) => {
        // This instance's own message comes back too (ROS delivers it to its own subscriptions): not counted.
        if (!this.onMessage(m, topic, t)) return;
        entry.got++;
        entry.recent++;
      });
      this.subscriptions.set(t, entry);
    }
  }

  /** Publishes the transforms, one TFMessage per tile their translations are in; remembers the tiles. */
  publish(transforms: readonly TransformStamped[]): void {
    const byTile = new Map<number, TransformStamped[]>();
    for (const tr of transforms) {
      const t = this.grid.tileOf(tr.transform.translation.x, tr.transform.translation.y);
      let list = byTile.get(t);
      if (!list) byTile.set(t, (list = []));
      list.push(tr);
    }
    this.occupied = [...byTile.keys()].sort((a, b) => a - b);
    this.counts = this.occupied.map((t) => byTile.get(t)!.length);
    for (const t of this.occupied) this.publisherOf(t).publish({ transforms: byTile.get(t)! });
  }

  /** Tile t's publisher, created on first use and kept. */
  private publisherOf(t: number): Publisher<TFMessage> {
    let pub = this.publishers.get(t);
    if (!pub) this.publishers.set(t, (pub = this.node.createPublisher(MSG.TFMessage, this.topicOf(t), 'command')));
    return pub;
  }

  /** When tile t was subscribed (the node's time, s), or undefined when it is not subscribed. */
  subscribedAt(t: number): number | undefined {
    return this.subscriptions.get(t)?.since;
  }

  /** Tiles with a publisher of this instance (those its robots are or were near), ascending. */
  get published(): number[] {
    return [...this.publishers.keys()].sort((a, b) => a - b);
  }

  /** Messages tile t brought since the last call of `endPeriod` (-1: not subscribed). */
  recent(t: number): number {
    return this.subscriptions.get(t)?.recent ?? -1;
  }

  /** Starts counting the next period's messages. */
  endPeriod(): void {
    for (const s of this.subscriptions.values()) s.recent = 0;
  }

  /** Whether every subscribed tile in `occupied` (by other instances) has brought a message since it was subscribed. */
  received(occupied: ReadonlyMap<number, number>): boolean {
    for (const [t, s] of this.subscriptions) if (s.got === 0 && occupied.has(t)) return false;
    return true;
  }

  /** The tiles subscribed now, ascending. */
  get subscribed(): number[] {
    return [...this.subscriptions.keys()].sort((a, b) => a - b);
  }

  /** Drops every subscription (the node is going away). */
  destroy(): void {
    for (const s of this.subscriptions.values()) s.sub.destroy();
    this.subscriptions.clear();
  }
}
