import type { Positions } from '../target/geometry.js';

/**
 * A uniform bucket grid over a set of points for nearest-neighbour queries in O(1) expected time per query
 * when the points are spread at about one per bucket.
 */
export class PointIndex {
  private readonly x0: number;
  private readonly y0: number;
  private readonly cell: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly start: Int32Array;
  private readonly items: Int32Array;
  readonly points: Positions;

  constructor(points: Positions) {
    this.points = points;
    const n = points.length >> 1;
    let xmin = Infinity;
    let xmax = -Infinity;
    let ymin = Infinity;
    let ymax = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = points[2 * i];
      const y = points[2 * i + 1];
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
    if (n === 0) xmin = xmax = ymin = ymax = 0;
    const w = Math.max(xmax - xmin, 1e-12);
    const h = Math.max(ymax - ymin, 1e-12);
    this.cell = Math.max(Math.sqrt((w * h) / Math.max(n, 1)), 1e-9, Math.max(w, h) / 4096);
    this.nx = Math.min(4096, Math.floor(w / this.cell) + 1);
    this.ny = Math.min(4096, Math.floor(h / this.cell) + 1);
    this.x0 = xmin;
    this.y0 = ymin;
    const count = new Int32Array(this.nx * this.ny + 1);
    const bucket = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const b = this.bucketOf(points[2 * i], points[2 * i + 1]);
      bucket[i] = b;
      count[b + 1]++;
    }
    for (let b = 0; b < this.nx * this.ny; b++) count[b + 1] += count[b];
    this.start = count.slice();
    this.items = new Int32Array(n);
    const fill = count;
    for (let i = 0; i < n; i++) this.items[fill[bucket[i]]++] = i;
  }

  private clampI(v: number, n: number): number {
    return v < 0 ? 0 : v >= n ? n - 1 : v;
  }

  private bucketOf(x: number, y: number): number {
    const i = this.clampI(Math.floor((x - this.x0) / this.cell), this.nx);
    const j = this.clampI(Math.floor((y - this.y0) / this.cell), this.ny);
    return j * this.nx + i;
  }

  /** Index of the nearest point to (x, y) other than `exclude`, and the squared distance; -1 when none. */
  nearest(x: number, y: number, exclude = -1): { index: number; d2: number } {
    const ci = this.clampI(Math.floor((x - this.x0) / this.cell), this.nx);
    const cj = this.clampI(Math.floor((y - this.y0) / this.cell), this.ny);
    let best = -1;
    let bestD2 = Infinity;
    const maxRing = Math.max(this.nx, this.ny);
    for (let ring = 0; ring <= maxRing; ring++) {
      // Every point in ring r is at least (r - 1) cells away from the query (it may sit anywhere in its cell).
      const minDist = (ring - 1) * this.cell;
      if (best >= 0 && minDist > 0 && minDist * minDist > bestD2) break;
      const j0 = cj - ring;
      const j1 = cj + ring;
      for (let j = j0; j <= j1; j++) {
        if (j < 0 || j >= this.ny) continue;
        const onEdge = j === j0 || j === j1;
        for (let i = ci - ring; i <= ci + ring; i += onEdge ? 1 : 2 * ring) {
          if (i >= 0 && i < this.nx) {
            const b = j * this.nx + i;
            for (let s = this.start[b]; s < this.start[b + 1]; s++) {
              const q = this.items[s];
              if (q === exclude) continue;
              const dx = this.points[2 * q] - x;
              const dy = this.points[2 * q + 1] - y;
              const d2 = dx * dx + dy * dy;
              if (d2 < bestD2) {
                bestD2 = d2;
                best = q;
              }
            }
          }
          if (ring === 0) break;
        }
      }
    }
    return { index: best, d2: bestD2 };
  }

  /** Distance from each point to its nearest other point (Infinity for a lone point). */
  nearestNeighbourDistances(): Float64Array {
    const n = this.points.length >> 1;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(this.nearest(this.points[2 * i], this.points[2 * i + 1], i).d2);
    return out;
  }

  /** Distance from each point to its k-th nearest other point (brute force over the 3x3.. rings; k small). */
  kthNeighbourDistances(k: number): Float64Array {
    const n = this.points.length >> 1;
    const out = new Float64Array(n);
    const best = new Float64Array(k);
    for (let p = 0; p < n; p++) {
      best.fill(Infinity);
      const x = this.points[2 * p];
      const y = this.points[2 * p + 1];
      const ci = this.clampI(Math.floor((x - this.x0) / this.cell), this.nx);
      const cj = this.clampI(Math.floor((y - this.y0) / this.cell), this.ny);
      const maxRing = Math.max(this.nx, this.ny);
      for (let ring = 0; ring <= maxRing; ring++) {
        const minDist = (ring - 1) * this.cell;
        if (minDist > 0 && minDist * minDist > best[k - 1]) break;
        for (let j = cj - ring; j <= cj + ring; j++) {
          if (j < 0 || j >= this.ny) continue;
          const onEdge = j === cj - ring || j === cj + ring;
          for (let i = ci - ring; i <= ci + ring; i += onEdge ? 1 : 2 * ring) {
            if (i >= 0 && i < this.nx) {
              const b = j * this.nx + i;
              for (let s = this.start[b]; s < this.start[b + 1]; s++) {
                const q = this.items[s];
                if (q === p) continue;
                const dx = this.points[2 * q] - x;
                const dy = this.points[2 * q + 1] - y;
                const d2 = dx * dx + dy * dy;
                if (d2 < best[k - 1]) {
                  let t = k - 1;
                  while (t > 0 && best[t - 1] > d2) {
                    best[t] = best[t - 1];
                    t--;
                  }
                  best[t] = d2;
                }
              }
            }
            if (ring === 0) break;
          }
        }
      }
      out[p] = Math.sqrt(best[k - 1]);
    }
    return out;
  }
}
