import type { Box } from '../target/geometry.js';

/**
 * A uniform grid of quadrature nodes at cell centres.
 *
 * Cells tile the domain exactly (so every cell is either inside or outside Omega) and the grid extends
 * `margin` cells beyond it on every side, enough to hold the kernel's cut-off. Node (i, j) sits at
 * (x0 + i hx, y0 + j hy) and has quadrature weight hx hy; arrays on the grid are row-major, index j nx + i.
 */
export interface Grid {
  readonly nx: number;
  readonly ny: number;
  readonly hx: number;
  readonly hy: number;
  /** x of node column 0. */
  readonly x0: number;
  /** y of node row 0. */
  readonly y0: number;
  /** Cell area, the quadrature weight of every node. */
  readonly cellArea: number;
  /** Number of margin cells on each side of the domain. */
  readonly margin: number;
  /** The domain the grid was built for. */
  readonly domain: Box;
  /** 1 where the node's cell lies inside the domain, 0 in the margin. */
  readonly inside: Uint8Array;
}

/** A grid that would exceed its node limit: the width asked for is too fine for the domain. */
export class GridSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridSizeError';
  }
}

/**
 * Builds a grid over `domain` with spacing at most `spacing` and a margin at least `marginDistance` wide.
 * The spacing is shrunk slightly per axis so that cells tile the domain exactly.
 */
export function makeGrid(domain: Box, spacing: number, marginDistance: number, maxNodes = 64e6): Grid {
  if (!(spacing > 0) || !Number.isFinite(spacing)) throw new Error(`grid spacing must be positive, got ${spacing}`);
  const lx = domain.xmax - domain.xmin;
  const ly = domain.ymax - domain.ymin;
  const cx = Math.max(1, Math.ceil(lx / spacing - 1e-9));
  const cy = Math.max(1, Math.ceil(ly / spacing - 1e-9));
  const hx = lx / cx;
  const hy = ly / cy;
  const margin = Math.ceil(marginDistance / Math.min(hx, hy)) + 1;
  const nx = cx + 2 * margin;
  const ny = cy + 2 * margin;
  if (nx * ny > maxNodes) {
    throw new GridSizeError(`quadrature grid of ${nx} x ${ny} nodes is too large (limit ${maxNodes}): increase epsilon or the grid spacing`);
  }
  const x0 = domain.xmin + (0.5 - margin) * hx;
  const y0 = domain.ymin + (0.5 - margin) * hy;
  const inside = new Uint8Array(nx * ny);
  for (let j = margin; j < margin + cy; j++) inside.fill(1, j * nx + margin, j * nx + margin + cx);
  return { nx, ny, hx, hy, x0, y0, cellArea: hx * hy, margin, domain, inside };
}

/** x coordinate of node column i. */
export function nodeX(g: Grid, i: number): number {
  return g.x0 + i * g.hx;
}

/** y coordinate of node row j. */
export function nodeY(g: Grid, j: number): number {
  return g.y0 + j * g.hy;
}
