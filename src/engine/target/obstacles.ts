/**
 * Obstacles in the plane: polygons and the occupied cells of occupancy rasters (ROS map_server maps), both reduced
 * to one set of boundary segments with a bucket index, so that "which obstacle edges are within r of this point"
 * costs O(1) per query. Pure, no I/O.
 */

/** A closed polygon, vertices in order (either orientation; the last vertex connects to the first), metres. */
export type Polygon = readonly (readonly [number, number])[];

/** The occupied cells of a raster placed in the world as map_server places its image. */
export interface OccupancyRaster {
  readonly width: number;
  readonly height: number;
  /** 1 where a cell is occupied, row-major with row 0 at the top of the image (largest y). */
  readonly occupied: Uint8Array;
  /** Metres per cell. */
  readonly resolution: number;
  /** World coordinates of the lower-left corner of the lower-left cell. */
  readonly origin: readonly [number, number];
}

/** Called for each obstacle edge near a query point with the closest point (cx, cy) on the edge. */
export type EdgeVisitor = (cx: number, cy: number) => void;

/** Occupied cells of a map image: occupancy p = 1 - intensity (white free) above `occupiedThresh`, as map_server. */
export function occupancyFromIntensity(
  raster: { readonly width: number; readonly height: number; readonly values: Float64Array; readonly resolution: number; readonly origin: readonly [number, number] },
  occupiedThresh: number,
): OccupancyRaster {
  const occupied = new Uint8Array(raster.width * raster.height);
  for (let k = 0; k < occupied.length; k++) occupied[k] = 1 - raster.values[k] > occupiedThresh ? 1 : 0;
  return { width: raster.width, height: raster.height, occupied, resolution: raster.resolution, origin: raster.origin };
}

/** Checks a polygon: at least 3 finite vertices and a non-zero area; returns the reason it is refused. */
export function polygonProblem(p: Polygon): string | undefined {
  if (p.length < 3) return `needs at least 3 vertices, got ${p.length}`;
  if (!p.every((v) => Number.isFinite(v[0]) && Number.isFinite(v[1]))) return 'has a vertex that is not a finite number';
  let area2 = 0;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) area2 += p[j][0] * p[i][1] - p[i][0] * p[j][1];
  return Math.abs(area2) > 0 ? undefined : 'has zero area';
}

/**
 * A static set of obstacles. `contains` answers point membership exactly (even-odd rule for polygons, cell lookup
 * for rasters); `visitEdges` enumerates the boundary segments within a distance of a point with their closest
 * points, which is what a control barrier function needs: a robot stays r away from every edge, hence out of every
 * obstacle, as long as it starts outside.
 */
export class ObstacleMap {
  readonly polygons: readonly Polygon[];
  readonly rasters: readonly OccupancyRaster[];
  /** Boundary segments, x0, y0, x1, y1 each (polygon edges and merged occupied-cell borders). */
  readonly segments: Float64Array;
  private readonly bx0: number;
  private readonly by0: number;
  private readonly cell: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly start: Int32Array;
  private readonly items: Int32Array;
  private readonly seen: Int32Array;
  /** Scratch for segmentsIn: the segments found, one slot per segment. */
  private readonly found: Int32Array;
  private query = 0;

  /**
   * `segments`, when given, are the boundary segments an ObstacleMap already computed for the same polygons and
   * rasters (its `segments`, e.g. sent from another thread): the raster borders are not traced again.
   */
  constructor(polygons: readonly Polygon[] = [], rasters: readonly OccupancyRaster[] = [], segments?: Float64Array) {
    polygons.forEach((p, i) => {
      const problem = polygonProblem(p);
      if (problem) throw new Error(`obstacle polygon ${i} ${problem}`);
    });
    this.polygons = polygons;
    this.rasters = rasters;
    let segs: ArrayLike<number>;
    if (segments) {
      if (segments.length % 4 !== 0) throw new Error(`obstacle segments must come in fours (x0, y0, x1, y1), got ${segments.length} numbers`);
      segs = segments;
    } else {
      const list: number[] = [];
      for (const p of polygons) {
        for (let i = 0, j = p.length - 1; i < p.length; j = i++) list.push(p[j][0], p[j][1], p[i][0], p[i][1]);
      }
      for (const r of rasters) rasterBorders(r, list);
      segs = list;
    }
    this.segments = Float64Array.from(segs);
    const n = segs.length / 4;
    let xmin = Infinity;
    let ymin = Infinity;
    let xmax = -Infinity;
    let ymax = -Infinity;
    let total = 0;
    for (let s = 0; s < n; s++) {
      const [x0, y0, x1, y1] = [segs[4 * s], segs[4 * s + 1], segs[4 * s + 2], segs[4 * s + 3]];
      xmin = Math.min(xmin, x0, x1);
      xmax = Math.max(xmax, x0, x1);
      ymin = Math.min(ymin, y0, y1);
      ymax = Math.max(ymax, y0, y1);
      total += Math.hypot(x1 - x0, y1 - y0);
    }
    if (n === 0) xmin = xmax = ymin = ymax = 0;
    const w = Math.max(xmax - xmin, 1e-9);
    const h = Math.max(ymax - ymin, 1e-9);
    // Buckets about as wide as the mean segment, at most 512 a side.
    this.cell = Math.max(n ? total / n : 1, w / 512, h / 512, 1e-9);
    this.nx = Math.floor(w / this.cell) + 1;
    this.ny = Math.floor(h / this.cell) + 1;
    this.bx0 = xmin;
    this.by0 = ymin;
    const count = new Int32Array(this.nx * this.ny + 1);
    const each = (s: number, f: (b: number) => void): void => {
      const [i0, i1] = this.span(Math.min(segs[4 * s], segs[4 * s + 2]), Math.max(segs[4 * s], segs[4 * s + 2]), this.bx0, this.nx);
      const [j0, j1] = this.span(Math.min(segs[4 * s + 1], segs[4 * s + 3]), Math.max(segs[4 * s + 1], segs[4 * s + 3]), this.by0, this.ny);
      for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) f(j * this.nx + i);
    };
    for (let s = 0; s < n; s++) each(s, (b) => count[b + 1]++);
    for (let b = 0; b < this.nx * this.ny; b++) count[b + 1] += count[b];
    this.start = count.slice();
    this.items = new Int32Array(count[this.nx * this.ny]);
    for (let s = 0; s < n; s++) each(s, (b) => (this.items[count[b]++] = s));
    this.seen = new Int32Array(n);
    this.found = new Int32Array(n);
  }

  /** True when there is nothing to avoid. */
  get empty(): boolean {
    return this.segments.length === 0;
  }

  private span(lo: number, hi: number, origin: number, n: number): [number, number] {
    const a = Math.floor((lo - origin) / this.cell);
    const b = Math.floor((hi - origin) / this.cell);
    return [a < 0 ? 0 : a >= n ? n - 1 : a, b < 0 ? 0 : b >= n ? n - 1 : b];
  }

  /**
   * Collects into `found` (once each) the boundary segments in the buckets the box [xlo, xhi] x [ylo, yhi] covers;
   * returns how many. Allocation-free: `found` holds one slot per segment.
   */
  private segmentsIn(xlo: number, xhi: number, ylo: number, yhi: number): number {
    const [i0, i1] = this.span(xlo, xhi, this.bx0, this.nx);
    const [j0, j1] = this.span(ylo, yhi, this.by0, this.ny);
    const q = ++this.query;
    let count = 0;
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const b = j * this.nx + i;
        for (let t = this.start[b]; t < this.start[b + 1]; t++) {
          const k = this.items[t];
          if (this.seen[k] === q) continue;
          this.seen[k] = q;
          this.found[count++] = k;
        }
      }
    }
    return count;
  }

  /** True when (x, y) lies in an obstacle (inside a polygon or in an occupied cell). */
  contains(x: number, y: number): boolean {
    for (const p of this.polygons) if (insidePolygon(p, x, y)) return true;
    for (const r of this.rasters) {
      const c = Math.floor((x - r.origin[0]) / r.resolution);
      const fromBottom = Math.floor((y - r.origin[1]) / r.resolution);
      if (c >= 0 && c < r.width && fromBottom >= 0 && fromBottom < r.height && r.occupied[(r.height - 1 - fromBottom) * r.width + c]) return true;
    }
    return false;
  }

  /** Calls `visit` once for each boundary segment that comes within `range` of (x, y). Allocation-free. */
  visitEdges(x: number, y: number, range: number, visit: EdgeVisitor): void {
    if (this.segments.length === 0) return;
    const s = this.segments;
    const r2 = range * range;
    const count = this.segmentsIn(x - range, x + range, y - range, y + range);
    for (let f = 0; f < count; f++) {
      const k = this.found[f];
      const ax = s[4 * k];
      const ay = s[4 * k + 1];
      const dx = s[4 * k + 2] - ax;
      const dy = s[4 * k + 3] - ay;
      const len2 = dx * dx + dy * dy;
      let u = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
      u = u < 0 ? 0 : u > 1 ? 1 : u;
      const cx = ax + u * dx;
      const cy = ay + u * dy;
      if ((cx - x) ** 2 + (cy - y) ** 2 <= r2) visit(cx, cy);
    }
  }

  /**
   * True when the segment (x0, y0)-(x1, y1) touches an obstacle: an end inside one, or the segment meeting a boundary
   * segment (touching counts). Allocation-free; cost O(boundary segments in the buckets the segment's box covers).
   */
  blocks(x0: number, y0: number, x1: number, y1: number): boolean {
    if (this.segments.length === 0) return false;
    if (this.contains(x0, y0) || this.contains(x1, y1)) return true;
    const s = this.segments;
    const count = this.segmentsIn(Math.min(x0, x1), Math.max(x0, x1), Math.min(y0, y1), Math.max(y0, y1));
    for (let f = 0; f < count; f++) {
      const k = this.found[f];
      if (segmentsMeet(x0, y0, x1, y1, s[4 * k], s[4 * k + 1], s[4 * k + 2], s[4 * k + 3])) return true;
    }
    return false;
  }

  /** Distance from (x, y) to the nearest obstacle boundary within `range` (Infinity when none is that close). */
  distanceToEdge(x: number, y: number, range: number): number {
    let best = Infinity;
    this.visitEdges(x, y, range, (cx, cy) => {
      best = Math.min(best, Math.hypot(cx - x, cy - y));
    });
    return best;
  }
}

/** Orientation of (b - a) x (c - a): positive counter-clockwise, 0 collinear (to round-off). */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return Math.abs(v) < 1e-15 ? 0 : v;
}

/** True when segments ab and cd share a point (touching and collinear overlap included). */
function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  const on = (px: number, py: number, qx: number, qy: number, rx: number, ry: number): boolean =>
    Math.min(px, qx) - 1e-12 <= rx && rx <= Math.max(px, qx) + 1e-12 && Math.min(py, qy) - 1e-12 <= ry && ry <= Math.max(py, qy) + 1e-12;
  return (o1 === 0 && on(ax, ay, bx, by, cx, cy)) || (o2 === 0 && on(ax, ay, bx, by, dx, dy)) || (o3 === 0 && on(cx, cy, dx, dy, ax, ay)) || (o4 === 0 && on(cx, cy, dx, dy, bx, by));
}

/** Even-odd point-in-polygon test. */
function insidePolygon(p: Polygon, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [xi, yi] = p[i];
    const [xj, yj] = p[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The borders between occupied and free cells (the raster's outside counts as free), merged into maximal straight
 * runs, appended to `out` as x0, y0, x1, y1.
 */
function rasterBorders(r: OccupancyRaster, out: number[]): void {
  const { width: w, height: h, resolution: res } = r;
  const [ox, oy] = r.origin;
  // Row index from the bottom: b = h - 1 - row.
  const occ = (c: number, b: number): number => (c < 0 || c >= w || b < 0 || b >= h ? 0 : r.occupied[(h - 1 - b) * w + c]);
  // Horizontal borders at y = oy + b * res, between cells (c, b - 1) and (c, b).
  for (let b = 0; b <= h; b++) {
    let runStart = -1;
    for (let c = 0; c <= w; c++) {
      const border = c < w && occ(c, b - 1) !== occ(c, b);
      if (border && runStart < 0) runStart = c;
      if (!border && runStart >= 0) {
        out.push(ox + runStart * res, oy + b * res, ox + c * res, oy + b * res);
        runStart = -1;
      }
    }
  }
  // Vertical borders at x = ox + c * res, between cells (c - 1, b) and (c, b).
  for (let c = 0; c <= w; c++) {
    let runStart = -1;
    for (let b = 0; b <= h; b++) {
      const border = b < h && occ(c - 1, b) !== occ(c, b);
      if (border && runStart < 0) runStart = b;
      if (!border && runStart >= 0) {
        out.push(ox + c * res, oy + runStart * res, ox + c * res, oy + b * res);
        runStart = -1;
      }
    }
  }
}
