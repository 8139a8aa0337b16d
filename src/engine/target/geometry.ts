/** Axis-aligned rectangular domain in metres (the coverage region Omega). */
export interface Box {
  readonly xmin: number;
  readonly xmax: number;
  readonly ymin: number;
  readonly ymax: number;
}

/** Area of a box in m^2. */
export function boxArea(b: Box): number {
  return (b.xmax - b.xmin) * (b.ymax - b.ymin);
}

/** True when (x, y) lies in the closed box. */
export function boxContains(b: Box, x: number, y: number): boolean {
  return x >= b.xmin && x <= b.xmax && y >= b.ymin && y <= b.ymax;
}

/** Throws a clear error unless the box is finite and has positive extent in both axes. */
export function assertValidBox(b: Box, what = 'domain'): void {
  for (const k of ['xmin', 'xmax', 'ymin', 'ymax'] as const) {
    if (typeof b[k] !== 'number' || !Number.isFinite(b[k])) {
      throw new Error(`${what}.${k} must be a finite number, got ${String(b[k])}`);
    }
  }
  if (!(b.xmax > b.xmin)) throw new Error(`${what}: xmax (${b.xmax}) must be greater than xmin (${b.xmin})`);
  if (!(b.ymax > b.ymin)) throw new Error(`${what}: ymax (${b.ymax}) must be greater than ymin (${b.ymin})`);
}

/**
 * Planar positions of N robots, interleaved: [x0, y0, x1, y1, ...].
 * The hot loops take this layout so that one typed array holds a whole swarm.
 */
export type Positions = Float64Array;

/** Converts [[x, y], ...] pairs into the interleaved layout. */
export function toPositions(pairs: ReadonlyArray<readonly [number, number] | readonly number[]>): Positions {
  const p = new Float64Array(pairs.length * 2);
  pairs.forEach((xy, i) => {
    p[2 * i] = xy[0];
    p[2 * i + 1] = xy[1];
  });
  return p;
}

/** Converts the interleaved layout back into [[x, y], ...] pairs. */
export function fromPositions(p: Positions): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < p.length; i += 2) out.push([p[i], p[i + 1]]);
  return out;
}
