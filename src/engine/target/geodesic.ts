/**
 * Free space on a grid and distances through it: which grid nodes lie outside the obstacles, which links between
 * neighbouring nodes cross no wall, and multi-source Dijkstra along those links (geodesic distances, nearest-source
 * labels). The grid is what the heat kernel (heat-kernel.ts), geodesic Lloyd cells (lloyd.ts) and the room metrics
 * share. Pure, no I/O.
 */
import type { Box } from './geometry.js';
import type { ObstacleMap } from './obstacles.js';
import type { Target } from './target.js';

/** Nodes at cell centres over a box, with the free nodes and passable links of an obstacle map. */
export interface FreeGrid {
  readonly domain: Box;
  readonly nx: number;
  readonly ny: number;
  readonly hx: number;
  readonly hy: number;
  /** x of node column 0 (domain.xmin + hx / 2). */
  readonly x0: number;
  /** y of node row 0. */
  readonly y0: number;
  /** 1 where the node lies outside every obstacle. Row-major, index j nx + i. */
  readonly free: Uint8Array;
  /** 1 where the link from node k to k + 1 (east) is passable: both nodes free, the segment crosses no obstacle. */
  readonly openE: Uint8Array;
  /** 1 where the link from node k to k + nx (north) is passable. */
  readonly openN: Uint8Array;
}

/** Builds the free grid of `obstacles` over `domain` with node spacing at most `spacing` (cells tile the box). */
export function buildFreeGrid(domain: Box, obstacles: ObstacleMap, spacing: number): FreeGrid {
  if (!(spacing > 0) || !Number.isFinite(spacing)) throw new Error(`free-space grid spacing must be a positive number of metres, got ${spacing}`);
  const lx = domain.xmax - domain.xmin;
  const ly = domain.ymax - domain.ymin;
  const nx = Math.max(1, Math.ceil(lx / spacing - 1e-9));
  const ny = Math.max(1, Math.ceil(ly / spacing - 1e-9));
  if (nx * ny > 16e6) throw new Error(`free-space grid of ${nx} x ${ny} nodes is too large: increase its spacing`);
  const hx = lx / nx;
  const hy = ly / ny;
  const x0 = domain.xmin + 0.5 * hx;
  const y0 = domain.ymin + 0.5 * hy;
  const free = new Uint8Array(nx * ny);
  const openE = new Uint8Array(nx * ny);
  const openN = new Uint8Array(nx * ny);
  const empty = obstacles.empty;
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) free[j * nx + i] = empty || !obstacles.contains(x0 + i * hx, y0 + j * hy) ? 1 : 0;
  for (let j = 0; j < ny; j++) {
    const y = y0 + j * hy;
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      if (!free[k]) continue;
      const x = x0 + i * hx;
      if (i + 1 < nx && free[k + 1]) openE[k] = empty || !obstacles.blocks(x, y, x + hx, y) ? 1 : 0;
      if (j + 1 < ny && free[k + nx]) openN[k] = empty || !obstacles.blocks(x, y, x, y + hy) ? 1 : 0;
    }
  }
  return { domain, nx, ny, hx, hy, x0, y0, free, openE, openN };
}

/** The free grid of a target's obstacles at `spacing`, built once per target and spacing (Target.derived). */
export function targetFreeGrid(target: Target, spacing: number): FreeGrid {
  return target.derived(`free-grid:${spacing}`, () => buildFreeGrid(target.domain, target.obstacles, spacing));
}

/** Index of the node nearest to (x, y), clamped to the grid. */
export function nearestNode(g: FreeGrid, x: number, y: number): number {
  let i = Math.round((x - g.x0) / g.hx);
  let j = Math.round((y - g.y0) / g.hy);
  i = i < 0 ? 0 : i >= g.nx ? g.nx - 1 : i;
  j = j < 0 ? 0 : j >= g.ny ? g.ny - 1 : j;
  return j * g.nx + i;
}

/**
 * Multi-source Dijkstra over the free grid's 8-neighbour links (a diagonal step is open when the two axis paths
 * around it are): after `run`, `dist[k]` is the length of the shortest chain of links from a seed to node k plus the
 * seed's own distance (Infinity where no seed reaches), `owner[k]` the label of that seed (-1 if none). Chain
 * lengths overestimate the straight-line distance by at most 8% (the 8-neighbour chamfer), uniformly, so the nearest
 * seed is found up to that anisotropy. Reuses its buffers: a run allocates nothing once the heap has grown.
 */
export class GeodesicPropagation {
  readonly grid: FreeGrid;
  readonly dist: Float64Array;
  readonly owner: Int32Array;
  private heapNode = new Int32Array(1024);
  private heapKey = new Float64Array(1024);
  private size = 0;

  constructor(grid: FreeGrid) {
    this.grid = grid;
    this.dist = new Float64Array(grid.nx * grid.ny);
    this.owner = new Int32Array(grid.nx * grid.ny);
    this.reset();
  }

  /** Clears every distance and label (call before seeding). */
  reset(): void {
    this.dist.fill(Infinity);
    this.owner.fill(-1);
    this.size = 0;
  }

  /** Seeds node k with distance d and label `label` (kept only if it improves on the node's current seed). */
  seed(k: number, d: number, label: number): void {
    if (!this.grid.free[k] || !(d < this.dist[k])) return;
    this.dist[k] = d;
    this.owner[k] = label;
    this.push(k, d);
  }

  /** Propagates the seeds through the free grid. */
  run(): void {
    const g = this.grid;
    const { nx, ny, openE, openN } = g;
    const hd = Math.hypot(g.hx, g.hy);
    const { dist, owner } = this;
    while (this.size > 0) {
      const k = this.heapNode[0];
      const d = this.heapKey[0];
      this.pop();
      if (d > dist[k]) continue;
      const i = k % nx;
      const j = (k - i) / nx;
      const o = owner[k];
      const e = i + 1 < nx && openE[k] === 1;
      const w = i > 0 && openE[k - 1] === 1;
      const nn = j + 1 < ny && openN[k] === 1;
      const s = j > 0 && openN[k - nx] === 1;
      if (e) this.relax(k + 1, d + g.hx, o);
      if (w) this.relax(k - 1, d + g.hx, o);
      if (nn) this.relax(k + nx, d + g.hy, o);
      if (s) this.relax(k - nx, d + g.hy, o);
      if (e && nn && openN[k + 1] === 1 && openE[k + nx] === 1) this.relax(k + nx + 1, d + hd, o);
      if (w && nn && openN[k - 1] === 1 && openE[k + nx - 1] === 1) this.relax(k + nx - 1, d + hd, o);
      if (e && s && openN[k - nx + 1] === 1 && openE[k - nx] === 1) this.relax(k - nx + 1, d + hd, o);
      if (w && s && openN[k - nx - 1] === 1 && openE[k - nx - 1] === 1) this.relax(k - nx - 1, d + hd, o);
    }
  }

  private relax(k: number, d: number, o: number): void {
    if (d < this.dist[k]) {
      this.dist[k] = d;
      this.owner[k] = o;
      this.push(k, d);
    }
  }

  private push(k: number, d: number): void {
    if (this.size === this.heapNode.length) {
      const n = new Int32Array(this.size * 2);
      n.set(this.heapNode);
      const key = new Float64Array(this.size * 2);
      key.set(this.heapKey);
      this.heapNode = n;
      this.heapKey = key;
    }
    const hn = this.heapNode;
    const hk = this.heapKey;
    let c = this.size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (hk[p] <= d) break;
      hn[c] = hn[p];
      hk[c] = hk[p];
      c = p;
    }
    hn[c] = k;
    hk[c] = d;
  }

  private pop(): void {
    const hn = this.heapNode;
    const hk = this.heapKey;
    const last = --this.size;
    if (last === 0) return;
    const k = hn[last];
    const d = hk[last];
    let c = 0;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= last) break;
      if (m + 1 < last && hk[m + 1] < hk[m]) m++;
      if (hk[m] >= d) break;
      hn[c] = hn[m];
      hk[c] = hk[m];
      c = m;
    }
    hn[c] = k;
    hk[c] = d;
  }
}
