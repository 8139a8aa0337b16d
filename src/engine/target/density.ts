import type { Box } from './geometry.js';
import type { Formula } from './formula.js';
import { FormulaError, compileFormula, parseFormula } from './formula.js';
import { boxArea } from './geometry.js';

/**
 * An unnormalized, non-negative density on the plane, in any unit: the target normalizes it over the domain.
 */
export type DensityFunction = (x: number, y: number) => number;

/** A mixture component: a probability density on the plane. */
export type ComponentSpec =
  | { readonly type: 'uniform'; readonly weight: number }
  | {
      readonly type: 'gaussian';
      readonly weight: number;
      readonly mean: readonly [number, number];
      /** Isotropic standard deviation in metres (give this or `cov`). */
      readonly sigma?: number;
      /** 2x2 symmetric positive-definite covariance in m^2 (give this or `sigma`). */
      readonly cov?: readonly [readonly [number, number], readonly [number, number]];
    };

/** A grey-level image whose intensity is the density, placed in the world as ROS map_server does. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  /** Intensities, row-major with row 0 at the top of the image (largest y), as image files store them. */
  readonly values: Float64Array;
  /** Metres per pixel. */
  readonly resolution: number;
  /** World coordinates of the lower-left corner of the lower-left pixel. */
  readonly origin: readonly [number, number];
}

/** What a target density is made of, before normalization. */
export type DensitySpec =
  | { readonly type: 'mixture'; readonly components: readonly ComponentSpec[] }
  /** A formula in x and y (mathjs syntax, restricted: see formula.ts); `formula` is its checked tree when known. */
  | { readonly type: 'expression'; readonly expr: string; readonly formula?: Formula }
  | { readonly type: 'raster'; readonly raster: Raster };

function finite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what} must be a finite number, got ${String(v)}`);
  return v;
}

/** Probability density of one mixture component; `domain` gives the uniform component its support. */
export function componentDensity(c: ComponentSpec, domain: Box, where: string): DensityFunction {
  if (c.type === 'uniform') {
    const value = 1 / boxArea(domain);
    const { xmin, xmax, ymin, ymax } = domain;
    return (x, y) => (x >= xmin && x <= xmax && y >= ymin && y <= ymax ? value : 0);
  }
  if (c.type !== 'gaussian') throw new Error(`${where}.type must be 'uniform' or 'gaussian', got '${String((c as { type: unknown }).type)}'`);
  if (!Array.isArray(c.mean) || c.mean.length !== 2) throw new Error(`${where}.mean must be a pair [x, y]`);
  const mx = finite(c.mean[0], `${where}.mean[0]`);
  const my = finite(c.mean[1], `${where}.mean[1]`);
  let sxx: number;
  let sxy: number;
  let syy: number;
  if (c.sigma !== undefined && c.cov !== undefined) throw new Error(`${where}: give either sigma or cov, not both`);
  if (c.sigma !== undefined) {
    const s = finite(c.sigma, `${where}.sigma`);
    if (!(s > 0)) throw new Error(`${where}.sigma must be positive, got ${s}`);
    sxx = syy = s * s;
    sxy = 0;
  } else if (c.cov !== undefined) {
    const m = c.cov;
    if (!Array.isArray(m) || m.length !== 2 || !Array.isArray(m[0]) || !Array.isArray(m[1]) || m[0].length !== 2 || m[1].length !== 2) {
      throw new Error(`${where}.cov must be a 2x2 matrix [[sxx, sxy], [syx, syy]]`);
    }
    sxx = finite(m[0][0], `${where}.cov[0][0]`);
    sxy = finite(m[0][1], `${where}.cov[0][1]`);
    const syx = finite(m[1][0], `${where}.cov[1][0]`);
    syy = finite(m[1][1], `${where}.cov[1][1]`);
    if (Math.abs(sxy - syx) > 1e-12 * Math.max(Math.abs(sxy), Math.abs(syx), 1e-300)) {
      throw new Error(`${where}.cov must be symmetric, got off-diagonal ${sxy} and ${syx}`);
    }
  } else {
    throw new Error(`${where}: a gaussian needs sigma (isotropic) or cov (2x2)`);
  }
  const det = sxx * syy - sxy * sxy;
  if (!(sxx > 0) || !(det > 0)) throw new Error(`${where}.cov must be positive definite (determinant ${det})`);
  const ixx = syy / det;
  const iyy = sxx / det;
  const ixy = -sxy / det;
  const norm = 1 / (2 * Math.PI * Math.sqrt(det));
  return (x, y) => {
    const dx = x - mx;
    const dy = y - my;
    return norm * Math.exp(-0.5 * (ixx * dx * dx + 2 * ixy * dx * dy + iyy * dy * dy));
  };
}

/** A weighted sum of component densities. */
export function mixtureDensity(components: readonly ComponentSpec[], domain: Box): DensityFunction {
  if (!Array.isArray(components) || components.length === 0) throw new Error('target.components must be a non-empty list');
  const parts = components.map((c, i) => {
    const where = `target.components[${i}]`;
    if (c === null || typeof c !== 'object') throw new Error(`${where} must be a mapping`);
    const w = finite(c.weight, `${where}.weight`);
    if (w < 0) throw new Error(`${where}.weight must be non-negative, got ${w}`);
    return { w, f: componentDensity(c, domain, where) };
  });
  if (!parts.some((p) => p.w > 0)) throw new Error('target.components: all weights are zero');
  return (x, y) => {
    let s = 0;
    for (const p of parts) if (p.w > 0) s += p.w * p.f(x, y);
    return s;
  };
}

/**
 * A density written as a formula in x and y (metres): checked (see formula.ts) and compiled to a closure once;
 * `formula` skips the parse when the checked tree is already known (e.g. built in another thread).
 */
export function expressionDensity(expr: string, formula?: Formula): DensityFunction {
  let checked: Formula;
  try {
    checked = formula ?? parseFormula(expr);
    return compileFormula(checked);
  } catch (e) {
    if (e instanceof FormulaError) throw new Error(`target.expr ${e.problem}`);
    throw e;
  }
}

/** Checks a raster's shape and values; throws naming the problem. */
export function validateRaster(r: Raster): void {
  if (!Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width < 1 || r.height < 1) {
    throw new Error(`map image must have positive integer size, got ${r.width} x ${r.height}`);
  }
  if (r.values.length !== r.width * r.height) throw new Error(`map image has ${r.values.length} values for ${r.width} x ${r.height} pixels`);
  if (!(r.resolution > 0) || !Number.isFinite(r.resolution)) throw new Error(`map resolution must be positive, got ${r.resolution}`);
  if (!Number.isFinite(r.origin[0]) || !Number.isFinite(r.origin[1])) throw new Error('map origin must be finite');
}

/** The density of a raster: the intensity of the pixel that contains (x, y), zero off the image. */
export function rasterDensity(r: Raster): DensityFunction {
  validateRaster(r);
  const { width, height, values, resolution } = r;
  const [ox, oy] = r.origin;
  return (x, y) => {
    const c = Math.floor((x - ox) / resolution);
    const rowFromBottom = Math.floor((y - oy) / resolution);
    if (c < 0 || c >= width || rowFromBottom < 0 || rowFromBottom >= height) return 0;
    return values[(height - 1 - rowFromBottom) * width + c];
  };
}

/** The world box covered by a raster. */
export function rasterExtent(r: Raster): Box {
  return {
    xmin: r.origin[0],
    ymin: r.origin[1],
    xmax: r.origin[0] + r.width * r.resolution,
    ymax: r.origin[1] + r.height * r.resolution,
  };
}

/** Builds the (unnormalized) density function a spec describes. */
export function densityFunction(spec: DensitySpec, domain: Box): DensityFunction {
  switch (spec.type) {
    case 'mixture':
      return mixtureDensity(spec.components, domain);
    case 'expression':
      return expressionDensity(spec.expr, spec.formula);
    case 'raster':
      return rasterDensity(spec.raster);
    default:
      throw new Error(`target.type must be 'mixture', 'expression' or 'map', got '${String((spec as { type: unknown }).type)}'`);
  }
}
