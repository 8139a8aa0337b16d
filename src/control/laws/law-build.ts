/**
 * What a target switch or a law rebuild computes, as one pure function that runs in a worker thread (law-builder.ts)
 * or, at start-up, in the caller's: the target (read, checked, normalized), the law prepared for the swarm, and the
 * arrays the controller node derives from the target (the latched density grid, the MMD metric, the crowding check).
 * Everything lands in the target's cache, which travels back as a snapshot of transferable typed arrays.
 */
import { boxArea } from '../../engine/target/geometry.js';
import type { Box } from '../../engine/target/geometry.js';
import { makeGrid } from '../../engine/field/grid.js';
import { MmdMetric } from '../../engine/metrics/metrics.js';
import { Target } from '../../engine/target/target.js';
import type { TargetSnapshot } from '../../engine/target/target.js';
import { targetFromParameters } from '../../scenario/target-param.js';
import { crowdingCheck } from '../safety/safety.js';
import type { CoverageLaw } from './law.js';
import type { LawSettings } from './laws.js';
import { createLaw } from './laws.js';

/** What to build. */
export interface LawBuildRequest {
  /** Read the target from these parameter values (`fallback`: the scenario used when both are empty). */
  readonly source?: { readonly inline: string; readonly file: string; readonly fallback: string };
  /** Or keep this target (a new law, width or density grid over the target in force). */
  readonly target?: TargetSnapshot;
  readonly law: LawSettings;
  /** Robots the law is prepared for (the whole swarm). */
  readonly robots: number;
  /** Cell size of the latched density grid, m. */
  readonly densityResolution: number;
}

/** Smallest eps as a fraction of the domain's size (sqrt of its area): the auto width for about 10,000 robots. */
export const MIN_EPSILON_FRACTION = 0.005;

/** Most cells the latched density grid may have. */
export const MAX_DENSITY_CELLS = 4e6;

/**
 * Why the width or the density grid would be too fine for `domain`, or undefined. `changed` names the target
 * parameters a refusal should blame besides the width or the resolution ('target', 'target_file').
 */
export function gridSizeProblem(domain: Box, epsilon: number, densityResolution: number, changed: readonly string[] = []): string | undefined {
  const side = Math.sqrt(boxArea(domain));
  const size = `${Number((domain.xmax - domain.xmin).toPrecision(3))} m x ${Number((domain.ymax - domain.ymin).toPrecision(3))} m`;
  const blame = changed.length ? `parameter '${changed[0]}' (a domain of ${size}) with ` : '';
  if (epsilon > 0 && epsilon < MIN_EPSILON_FRACTION * side) {
    return `${blame}parameter 'epsilon' (${epsilon} m) is below ${MIN_EPSILON_FRACTION} x the domain's size (${(MIN_EPSILON_FRACTION * side).toPrecision(3)} m): its grids would exceed ${Math.round(1 / (0.4 * MIN_EPSILON_FRACTION)) ** 2} nodes`;
  }
  const cells = Math.ceil((domain.xmax - domain.xmin) / densityResolution) * Math.ceil((domain.ymax - domain.ymin) / densityResolution);
  if (cells > MAX_DENSITY_CELLS) {
    return `${blame}parameter 'density_resolution' (${densityResolution} m) gives ${cells.toExponential(2)} cells over the domain, more than ${MAX_DENSITY_CELLS.toExponential(0)}`;
  }
  return undefined;
}

/** The latched density grid: the target on cells of `resolution` metres, scaled to 0..100 (cached on the target). */
export function densityGrid(target: Target, resolution: number): { width: number; height: number; resolution: number; data: Int8Array } {
  const grid = makeGrid(target.domain, resolution, 0);
  const width = grid.nx - 2 * grid.margin;
  const height = grid.ny - 2 * grid.margin;
  const data = target.derived(`occupancy:${resolution}`, () => {
    const { density } = target.onGrid(grid);
    let peak = 0;
    for (const v of density) peak = Math.max(peak, v);
    const out = new Int8Array(width * height);
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) out[j * width + i] = Math.round((100 * density[(j + grid.margin) * grid.nx + i + grid.margin]) / (peak || 1));
    }
    return out;
  });
  return { width, height, resolution: grid.hx, data };
}

/** The squared-MMD metric the controller reports on /diagnostics (bandwidth 0.05 x the domain's size). */
export function controllerMmd(target: Target): MmdMetric {
  return new MmdMetric(target, 0.05 * Math.sqrt(boxArea(target.domain)));
}

/**
 * Builds the target (or keeps the given one), checks the grid sizes, builds and prepares the law, and computes what
 * the controller node derives from the target. Throws with the reason (naming the parameter) when anything is wrong.
 */
export function buildLaw(request: LawBuildRequest): { target: Target; law: CoverageLaw } {
  const { source } = request;
  const target = source ? targetFromParameters(source.inline, source.file, source.fallback) : Target.fromSnapshot(request.target!);
  const changed = source ? [source.inline.trim() !== '' ? 'target' : 'target_file'] : [];
  const problem = gridSizeProblem(target.domain, request.law.blob.epsilon, request.densityResolution, changed);
  if (problem) throw new Error(problem);
  const law = createLaw(target, request.law);
  law.prepare?.(request.robots);
  densityGrid(target, request.densityResolution);
  controllerMmd(target);
  crowdingCheck(target, request.robots, 0);
  return { target, law };
}

/** The distinct ArrayBuffers under a value (typed arrays in objects and arrays), for a postMessage transfer list. */
export function transferables(value: unknown, out = new Set<ArrayBuffer>(), depth = 0): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (value !== null && typeof value === 'object' && depth < 8) {
    for (const v of Object.values(value)) transferables(v, out, depth + 1);
  }
  return [...out];
}
