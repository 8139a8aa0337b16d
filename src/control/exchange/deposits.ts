import type { DepositExchange, SharedGrid } from '../../engine/field/shared-deposit.js';
import type { Float32MultiArray, MultiArrayDimension } from '../../node/messages.js';

/**
 * First label of a deposit message: who sent it, how many robots it deposits, the time of its poses, and (regional
 * pose exchange) the pose tiles its robots are in with how many robots in each.
 */
const HEAD = /^blob_deposit from=(\S+) robots=(\d+) stamp=([0-9.eE+-]+)(?: tiles=([0-9,]*)(?: counts=([0-9,]*))?)?$/;
/** Label of one grid: the coarse scale's index, its grid key, the window of nodes the data covers. */
const GRID = /^scale=(\d+) (.+) window=(\d+),(\d+),(\d+),(\d+)$/;
/** Most grids a message may carry (the multiscale flow has 2 or 3 coarse scales). */
const MAX_GRIDS = 8;

/** One grid of another instance: its key and the window [i0, i0 + w) x [j0, j0 + h) of its nodes, row-major. */
interface Window {
  readonly key: string;
  readonly i0: number;
  readonly j0: number;
  readonly w: number;
  readonly h: number;
  readonly data: ArrayLike<number>;
  readonly offset: number;
}

/** Another instance's latest deposit. */
interface Sender {
  stamp: number;
  robots: number;
  /** The pose tiles its robots are in (regional pose exchange), as it announced them. */
  tiles: readonly number[];
  /** Its robots in each of `tiles` (1 each when the sender did not say). */
  counts: readonly number[];
  grids: Map<number, Window>;
}

/** What a dead instance's last deposit announced: its robots may stand there, stopped by their watchdogs. */
export interface Tombstone {
  /** The stamp of its last deposit (no pose of its robots is later). */
  readonly stamp: number;
  /** Its robots in the tile then. */
  readonly robots: number;
}

/** This instance's deposit on one scale, to publish: the window of nodes it touches. */
interface Own {
  readonly scale: number;
  readonly key: string;
  readonly i0: number;
  readonly j0: number;
  readonly w: number;
  readonly h: number;
  /** In single precision, as sent. */
  readonly data: Float32Array;
}

/**
 * The deposits instances share on the multiscale flow's coarse scales (docs/shards.md): this instance's own, kept at
 * each evaluation to publish as one std_msgs/msg/Float32MultiArray a period (the window of nodes its robots touch on
 * each scale, unit mass a robot), and the other instances' latest, each summed into the law while younger than
 * `maxAge` (a dead instance's grid ages out, and its robots leave the mass as their stale poses do). A grid whose key
 * (width, grid shape, box, target) differs from this instance's is not added: the sender's last good grid stays.
 */
export class DepositBoard implements DepositExchange {
  /** This node's name (its own messages, which it may receive back, are skipped). */
  readonly name: string;
  /** Age (s) beyond which another instance's deposit is dropped. */
  maxAge: number;
  private readonly senders = new Map<string, Sender>();
  private readonly ownGrids = new Map<number, Own>();
  private readonly keys = new Map<number, string>();
  private readonly sums = new Map<number, Float64Array>();
  private now = -Infinity;
  /** Grids refused since the last `takeMismatch`: what differed, for a throttled WARN. */
  private mismatch: string | undefined;

  constructor(name: string, maxAge: number) {
    this.name = name;
    this.maxAge = maxAge;
  }

  /** Per dead instance (its deposit aged out), the tiles its last deposit announced; dropped if it comes back. */
  private readonly dead = new Map<string, { stamp: number; tiles: Map<number, number> }>();
  private tombs = new Map<number, Tombstone>();

  /**
   * Per tile, where dead instances (their deposits aged out) may have robots standing: the latest stamp of their last
   * deposits that announced the tile, and their robots there (summed over the dead instances). An instance that
   * comes back (a fresh deposit under the same name) is taken off.
   */
  get tombstones(): ReadonlyMap<number, Tombstone> {
    return this.tombs;
  }

  /** Sets the time of the evaluation to come and drops the deposits older than maxAge (remembering their tiles). */
  begin(now: number): void {
    this.now = now;
    for (const [name, s] of this.senders) {
      if (now - s.stamp <= this.maxAge) continue;
      if (s.tiles.length > 0) this.dead.set(name, { stamp: s.stamp, tiles: new Map(s.tiles.map((t, k) => [t, s.counts[k]])) });
      this.senders.delete(name);
      this.buildTombstones();
    }
  }

  private buildTombstones(): void {
    const out = new Map<number, Tombstone>();
    for (const d of this.dead.values()) {
      for (const [t, robots] of d.tiles) {
        const was = out.get(t);
        out.set(t, { stamp: Math.max(was?.stamp ?? -Infinity, d.stamp), robots: (was?.robots ?? 0) + robots });
      }
    }
    this.tombs = out;
  }

  /** Robots the other instances' fresh deposits hold. */
  robots(): number {
    let n = 0;
    for (const s of this.senders.values()) if (this.now - s.stamp <= this.maxAge) n += s.robots;
    return n;
  }

  /** The pose tiles the other instances' robots are in, by their fresh deposits' headers, and how many instances each. */
  occupied(): Map<number, number> {
    const out = new Map<number, number>();
    for (const s of this.senders.values()) if (this.now - s.stamp <= this.maxAge) for (const t of s.tiles) out.set(t, (out.get(t) ?? 0) + 1);
    return out;
  }

  /** Per pose tile, the robots the other instances' fresh deposits announce there. */
  announced(): Map<number, number> {
    const out = new Map<number, number>();
    for (const s of this.senders.values()) {
      if (this.now - s.stamp > this.maxAge) continue;
      s.tiles.forEach((t, k) => out.set(t, (out.get(t) ?? 0) + s.counts[k]));
    }
    return out;
  }

  /** Instances whose deposits are in force. */
  get instances(): number {
    return this.senders.size;
  }

  own(scale: number, grid: SharedGrid, f: Float64Array): void {
    this.keys.set(scale, grid.key);
    // The window of nodes the robots touched (a deposit reaches cut-off x width around each robot).
    const { nx, ny } = grid;
    let i0 = nx;
    let i1 = -1;
    let j0 = ny;
    let j1 = -1;
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      let a = 0;
      while (a < nx && f[row + a] === 0) a++;
      if (a === nx) continue;
      let b = nx - 1;
      while (f[row + b] === 0) b--;
      if (a < i0) i0 = a;
      if (b > i1) i1 = b;
      if (j < j0) j0 = j;
      j1 = j;
    }
    if (i1 < 0) {
      this.ownGrids.set(scale, { scale, key: grid.key, i0: 0, j0: 0, w: 0, h: 0, data: new Float32Array(0) });
      return;
    }
    const w = i1 - i0 + 1;
    const h = j1 - j0 + 1;
    // Single precision: a deposit's relative error 6e-8, the velocities' 4e-9 of the largest (measured), half the bytes.
    const data = new Float32Array(w * h);
    for (let j = 0; j < h; j++) data.set(f.subarray((j0 + j) * nx + i0, (j0 + j) * nx + i0 + w), j * w);
    this.ownGrids.set(scale, { scale, key: grid.key, i0, j0, w, h, data });
  }

  others(scale: number, grid: SharedGrid): Float64Array | undefined {
    this.keys.set(scale, grid.key);
    let sum = this.sums.get(scale);
    let any = false;
    for (const [name, s] of this.senders) {
      if (this.now - s.stamp > this.maxAge) continue;
      const g = s.grids.get(scale);
      if (!g) continue;
      if (g.key !== grid.key) {
        // Received before this instance knew its own key: refused now, and forgotten.
        this.mismatch ??= `${name}: ${difference(g.key, grid.key)}`;
        s.grids.delete(scale);
        continue;
      }
      if (!sum || sum.length !== grid.nx * grid.ny) {
        sum = new Float64Array(grid.nx * grid.ny);
        this.sums.set(scale, sum);
      }
      if (!any) sum.fill(0);
      any = true;
      const { i0, j0, w, h, data, offset } = g;
      for (let j = 0; j < h; j++) {
        const row = (j0 + j) * grid.nx + i0;
        const from = offset + j * w;
        for (let a = 0; a < w; a++) sum[row + a] += data[from + a];
      }
    }
    return any ? sum : undefined;
  }

  /** What the last refused grids differed in (once), or undefined. */
  takeMismatch(): string | undefined {
    const m = this.mismatch;
    this.mismatch = undefined;
    return m;
  }

  /**
   * This instance's deposits of the last evaluation as a message (`robots` deposited, poses of time `stamp`; `tiles`:
   * the pose tiles its robots are in, with `counts` robots in each), or undefined when there are none (no evaluation
   * since the last message). Clears them.
   */
  message(robots: number, stamp: number, tiles?: readonly number[], counts?: readonly number[]): Float32MultiArray | undefined {
    if (this.ownGrids.size === 0) return undefined;
    const grids = [...this.ownGrids.values()].sort((a, b) => a.scale - b.scale);
    this.ownGrids.clear();
    const where = tiles ? ` tiles=${tiles.join(',')}${counts ? ` counts=${counts.join(',')}` : ''}` : '';
    const dim: MultiArrayDimension[] = [{ label: `blob_deposit from=${this.name} robots=${robots} stamp=${stamp}${where}`, size: grids.length, stride: 0 }];
    let length = 0;
    for (const g of grids) {
      dim.push({ label: `scale=${g.scale} ${g.key} window=${g.i0},${g.j0},${g.w},${g.h}`, size: g.w * g.h, stride: g.w });
      length += g.w * g.h;
    }
    const data = new Float32Array(length);
    let at = 0;
    for (const g of grids) {
      data.set(g.data, at);
      at += g.data.length;
    }
    return { layout: { dim, data_offset: 0 }, data };
  }

  /**
   * Takes another instance's message (`now`: arrival time, for a stamp ahead of this clock). Returns why it was
   * refused (malformed, or a grid that does not match this instance's: the sender's last good grids stay), or
   * undefined when taken (or when it is this instance's own).
   */
  receive(m: Float32MultiArray, now: number): string | undefined {
    const dim: unknown = (m as Partial<Float32MultiArray> | null | undefined)?.layout?.dim;
    const data: unknown = (m as Partial<Float32MultiArray> | null | undefined)?.data;
    if (!Array.isArray(dim) || dim.length < 1 || !isNumbers(data)) return 'no layout or no data';
    const head = typeof dim[0]?.label === 'string' ? HEAD.exec(dim[0].label) : null;
    if (!head) return 'a first dimension that does not name the sender, robots and stamp';
    const [, from, robots, stampText, tileText, countText] = head;
    if (from === this.name) return undefined;
    const stamp = Number(stampText);
    if (!Number.isFinite(stamp)) return 'a stamp that is not a number';
    const count = dim.length - 1;
    if (count > MAX_GRIDS) return `${count} grids (at most ${MAX_GRIDS})`;
    let at = typeof m.layout.data_offset === 'number' && m.layout.data_offset >= 0 ? m.layout.data_offset : NaN;
    if (!Number.isInteger(at)) return 'a data_offset that is not a non-negative integer';
    const grids = new Map<number, Window>();
    for (let k = 1; k <= count; k++) {
      const d = dim[k] as Partial<MultiArrayDimension> | undefined;
      const g = typeof d?.label === 'string' ? GRID.exec(d.label) : null;
      if (!g) return `grid ${k}: a label that does not name its scale, key and window`;
      const [scale, i0, j0, w, h] = [g[1], g[3], g[4], g[5], g[6]].map(Number);
      const key = g[2];
      if (d!.size !== w * h || d!.stride !== w) return `grid ${k}: size or stride not those of its ${w} x ${h} window`;
      const shape = /grid (\d+)x(\d+)/.exec(key);
      if (!shape || i0 + w > Number(shape[1]) || j0 + h > Number(shape[2])) return `grid ${k}: a window outside its grid`;
      if (at + w * h > data.length) return `grid ${k}: data shorter than its window`;
      for (let q = at; q < at + w * h; q++) if (!Number.isFinite(data[q])) return `grid ${k}: a value that is not finite`;
      const mine = this.keys.get(scale);
      if (mine !== undefined && mine !== key) return `grid of scale ${scale} from ${from}: ${difference(key, mine)} (its last good grids are kept)`;
      grids.set(scale, { key, i0, j0, w, h, data, offset: at });
      at += w * h;
    }
    const tiles = tileText ? tileText.split(',').filter((t) => t !== '').map(Number) : [];
    const counts = countText !== undefined ? countText.split(',').filter((c) => c !== '').map(Number) : tiles.map(() => 1);
    if (counts.length !== tiles.length) return `${counts.length} tile counts for ${tiles.length} tiles`;
    this.senders.set(from, { stamp: Math.min(stamp, now), robots: Number(robots), grids, tiles, counts });
    // Back (restarted, or its messages come through again): its robots are heard and announced afresh.
    if (this.dead.delete(from)) this.buildTombstones();
    return undefined;
  }
}

/** An array-like of numbers (a number[] or a typed array). */
function isNumbers(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** Which parts of two grid keys differ (width, grid shape, box, target), in words. */
function difference(theirs: string, mine: string): string {
  const parts = (k: string): Record<string, string> => {
    const m = /^eps (\S+) grid (\S+) box (\S+) target (\S+)$/.exec(k);
    return m ? { width: m[1], 'grid shape': m[2], box: m[3], target: m[4] } : {};
  };
  const a = parts(theirs);
  const b = parts(mine);
  const differs = Object.keys(b).filter((name) => a[name] !== b[name]);
  const what = differs.map((name) => (name === 'target' ? 'target' : `${name} ${a[name] ?? '?'} against ${b[name]}`));
  return `another ${what.join(', ') || 'grid'} than this instance's`;
}
