import type { Box } from '../engine/target/geometry.js';
import { boxArea } from '../engine/target/geometry.js';
import type { ComponentSpec, DensitySpec, Raster } from '../engine/target/density.js';
import { rasterExtent } from '../engine/target/density.js';
import { FormulaError, parseFormula } from '../engine/target/formula.js';
import type { OccupancyRaster, Polygon } from '../engine/target/obstacles.js';
import { occupancyFromIntensity, polygonProblem } from '../engine/target/obstacles.js';
import { ConfigError, Reader, checkNumber, checkTuple, describe } from './validate.js';
import { quotePath } from '../io/quote.js';
import { DEFAULT_LLOYD_GAIN } from '../engine/laws/lloyd.js';
import { DEFAULT_LANGEVIN_DIFFUSIVITY } from '../engine/laws/langevin.js';

/** How robots are placed at the start. */
export type InitialLayout =
  | { readonly type: 'uniform'; readonly box: Box; readonly seed: number }
  /** On a lattice filling the box, as robots lined up in a staging area (a start that respects their separation). */
  | { readonly type: 'grid'; readonly box: Box }
  | { readonly type: 'target'; readonly seed: number }
  | { readonly type: 'positions'; readonly positions: readonly (readonly [number, number])[] };

/** The swarm of a scenario. */
export interface ScenarioRobots {
  readonly count: number;
  readonly initial: InitialLayout;
  /** Footprint radius, m, for the safety layer (absent: the controller's robot_radius parameter). */
  readonly radius?: number;
  /** Extra gap between footprints and to obstacles, m (absent: the controller's safety_clearance parameter). */
  readonly clearance?: number;
}

/** The flows a run can use. */
export const FLOW_METHODS = ['multiscale', 'fixed'] as const;
/** One of FLOW_METHODS. */
export type FlowMethod = (typeof FLOW_METHODS)[number];

/**
 * The coverage laws: the blob flow, Lloyd's move-to-centroid law on density-weighted Voronoi cells, and overdamped
 * Langevin dynamics (random walkers biased up the target's log density).
 */
export const COVERAGE_ALGORITHMS = ['blob', 'lloyd', 'langevin'] as const;
/** One of COVERAGE_ALGORITHMS. */
export type CoverageAlgorithm = (typeof COVERAGE_ALGORITHMS)[number];

/** Default seed of the Langevin law's noise. */
export const DEFAULT_LANGEVIN_SEED = 0;

/** Which law drives the swarm, and the settings of the laws other than the blob flow (see `blob` for that one). */
export interface ScenarioLaw {
  readonly algorithm: CoverageAlgorithm;
  /** Gain k of Lloyd's law v = k (c - x), 1/s. */
  readonly lloydGain: number;
  /** Diffusivity D of the Langevin law, m^2/s. */
  readonly langevinDiffusivity: number;
  /** Seed of the Langevin law's noise. */
  readonly langevinSeed: number;
}

/** One coverage problem, validated, with defaults filled in. */
export interface Scenario {
  /** Optional label. */
  readonly name?: string;
  readonly domain: Box;
  readonly target: DensitySpec;
  /** Floor of rho_bar as a fraction of the mean density. */
  readonly targetFloor: number;
  /** What robots must not enter: polygons and the occupied cells of occupancy maps (empty lists when none). */
  readonly obstacles: { readonly polygons: readonly Polygon[]; readonly maps: readonly OccupancyRaster[] };
  readonly blob: {
    /** Mollifier width in metres, or 'auto' (from N and the domain's area). */
    readonly epsilon: number | 'auto';
    readonly diffusivity: number;
    /**
     * 'multiscale' (default): the blob flow plus coarse scales whose weights decay in time (MultiScaleStepper), so
     * robots cross empty regions; 'fixed': the plain blob flow at one eps (BlobField).
     */
    readonly method: FlowMethod;
  };
  /** The coverage law (`law:`); the blob flow by default. */
  readonly law: ScenarioLaw;
  /** The swarm; absent in a scenario that only describes a target (e.g. for `blob-coverage velocity`). */
  readonly robots?: ScenarioRobots;
  readonly sim: {
    readonly duration: number;
    /** Speed limit in m/s (none when absent). */
    readonly maxSpeed?: number;
    /** History samples kept over the run. */
    readonly historySamples: number;
  };
  readonly metrics: { readonly mmdBandwidth: number };
}

/**
 * Loads a map_server map (YAML + image) for a `type: map` target or an obstacle map (injected so that this module
 * does no I/O). `occupiedThresh` (default 0.65) decides which cells are obstacles.
 */
export type MapLoader = (path: string) => { raster: Raster; occupiedThresh?: number };

const TOP_KEYS = ['name', 'description', 'domain', 'target', 'obstacles', 'blob', 'law', 'robots', 'sim', 'metrics'] as const;

/**
 * Most a domain may be longer than it is wide. The multiscale flow's grids grow with the ratio: its first
 * evaluation takes 0.3 s at 1,000:1, 1 s at 10,000:1, a minute or an allocation failure at 1,000,000:1.
 */
const MAX_DOMAIN_ASPECT = 1000;

/**
 * The bounds of a scenario's physical parameters: inside them a run allocates grids of at most a few million nodes,
 * its velocities stay finite, and it ends (`runCoverage` also stops at a step budget). `size` is sqrt(domain area).
 */
export const SCENARIO_BOUNDS = {
  /** Largest |coordinate| of the domain, m (float64 keeps 1e-9 m resolution there). */
  maxCoordinate: 1e6,
  /** Shortest side of the domain, m. */
  minSide: 1e-3,
  /**
   * Smallest blob.epsilon as a fraction of the size, as the controller's `epsilon` (the multiscale auto width at
   * 10,000 robots). At 0.002 a 100-robot run of 0.05 simulated s took over 300 s of CPU and 1 GB: the flow's step
   * shrinks as eps^4.
   */
  minEpsilonFraction: 5e-3,
  /** Largest blob.diffusivity, m^2/s (the controller's `diffusivity` parameter has the same bound). */
  maxDiffusivity: 1e6,
  /** Longest sim.duration, s. */
  maxDuration: 3600,
  /** Most robots. */
  maxRobots: 100_000,
  /** Smallest metrics.mmd_bandwidth as a fraction of the size (its quadrature grid is then 1,100 x 1,100 nodes). */
  minMmdBandwidthFraction: 5e-3,
} as const;

/** Validates a parsed scenario document; every error names the bad key. */
export function parseScenario(doc: unknown, loadMap: MapLoader): Scenario {
  const root = Reader.root(doc).only(TOP_KEYS);
  const t = root.map('target');
  const type = t.string('type', { oneOf: ['mixture', 'expression', 'map'] });
  let target: DensitySpec;
  let mapExtent: Box | undefined;
  if (type === 'mixture') {
    t.only(['type', 'components', 'floor']);
    const comps = t.list('components');
    if (comps.length === 0) throw new ConfigError(t.key('components'), 'must not be empty');
    target = { type: 'mixture', components: comps.map((c, i) => parseComponent(c, `${t.key('components')}[${i}]`)) };
  } else if (type === 'expression') {
    t.only(['type', 'expr', 'floor']);
    // Checked now, before anything evaluates it (see formula.ts for what a density formula may use).
    const expr = t.string('expr');
    try {
      target = { type: 'expression', expr, formula: parseFormula(expr) };
    } catch (e) {
      if (e instanceof FormulaError) throw new ConfigError(t.key('expr'), e.problem);
      throw e;
    }
  } else {
    t.only(['type', 'map', 'floor']);
    const path = t.string('map');
    let raster: Raster;
    try {
      raster = loadMap(path).raster;
    } catch (e) {
      throw new ConfigError(t.key('map'), (e as Error).message);
    }
    target = { type: 'raster', raster };
    mapExtent = rasterExtent(raster);
  }
  const targetFloor = t.number('floor', { def: 0.04, min: 0, exclusiveMin: true, max: 1 });

  let domain: Box;
  if (root.has('domain')) {
    const d = root.map('domain').only(['xmin', 'xmax', 'ymin', 'ymax']);
    const coordinate = { min: -SCENARIO_BOUNDS.maxCoordinate, max: SCENARIO_BOUNDS.maxCoordinate };
    domain = { xmin: d.number('xmin', coordinate), xmax: d.number('xmax', coordinate), ymin: d.number('ymin', coordinate), ymax: d.number('ymax', coordinate) };
    if (!(domain.xmax > domain.xmin)) throw new ConfigError('domain.xmax', `must be greater than domain.xmin (${domain.xmin}), got ${domain.xmax}`);
    if (!(domain.ymax > domain.ymin)) throw new ConfigError('domain.ymax', `must be greater than domain.ymin (${domain.ymin}), got ${domain.ymax}`);
  } else if (mapExtent) {
    domain = mapExtent;
  } else {
    throw new ConfigError('domain', 'is required (it may be omitted only for a map target, which then covers its image)');
  }
  const [short, long] = [domain.xmax - domain.xmin, domain.ymax - domain.ymin].sort((a, b) => a - b);
  const domainKey = root.has('domain') ? 'domain' : t.key('map');
  if (!(long <= MAX_DOMAIN_ASPECT * short)) {
    throw new ConfigError(domainKey, `is ${long} m by ${short} m: more than ${MAX_DOMAIN_ASPECT} times longer than it is wide`);
  }
  if (!(short >= SCENARIO_BOUNDS.minSide)) throw new ConfigError(domainKey, `is ${short} m wide: less than ${SCENARIO_BOUNDS.minSide} m`);
  if (![domain.xmin, domain.xmax, domain.ymin, domain.ymax].every((v) => Math.abs(v) <= SCENARIO_BOUNDS.maxCoordinate)) {
    throw new ConfigError(domainKey, `reaches beyond ${SCENARIO_BOUNDS.maxCoordinate} m from the origin`);
  }
  const size = Math.sqrt(boxArea(domain));

  const b = root.map('blob', false).only(['epsilon', 'diffusivity', 'method']);
  const epsRaw = b.raw('epsilon');
  const epsilon: number | 'auto' =
    epsRaw === undefined || epsRaw === null || epsRaw === 'auto' ? 'auto' : checkNumber(epsRaw, b.key('epsilon'), { min: 0, exclusiveMin: true });
  if (epsilon !== 'auto' && epsilon > size) {
    throw new ConfigError(b.key('epsilon'), `(${epsilon} m) is larger than the domain (${size.toFixed(3)} m across)`);
  }
  if (epsilon !== 'auto' && epsilon < SCENARIO_BOUNDS.minEpsilonFraction * size) {
    throw new ConfigError(b.key('epsilon'), `(${epsilon} m) is below ${SCENARIO_BOUNDS.minEpsilonFraction} x the domain's size (${(SCENARIO_BOUNDS.minEpsilonFraction * size).toPrecision(3)} m): its grids would not fit`);
  }
  const blob = {
    epsilon,
    diffusivity: b.number('diffusivity', { def: 1, min: 0, exclusiveMin: true, max: SCENARIO_BOUNDS.maxDiffusivity }),
    method: b.string('method', { def: 'multiscale', oneOf: FLOW_METHODS }) as FlowMethod,
  };

  const law = parseLaw(root);
  const obstacles = parseObstacles(root, loadMap);
  const robots = root.has('robots') ? parseRobots(root, domain) : undefined;

  const s = root.map('sim', false).only(['duration', 'max_speed', 'history_samples']);
  const sim = {
    duration: s.number('duration', { def: 20, min: 0, exclusiveMin: true, max: SCENARIO_BOUNDS.maxDuration }),
    maxSpeed: s.has('max_speed') ? s.number('max_speed', { min: 0, exclusiveMin: true }) : undefined,
    historySamples: s.number('history_samples', { def: 200, integer: true, min: 2, max: 100_000 }),
  };
  const m = root.map('metrics', false).only(['mmd_bandwidth']);
  const metrics = { mmdBandwidth: m.number('mmd_bandwidth', { def: 0.05 * size, min: 0, exclusiveMin: true }) };
  if (metrics.mmdBandwidth < SCENARIO_BOUNDS.minMmdBandwidthFraction * size) {
    throw new ConfigError(m.key('mmd_bandwidth'), `(${metrics.mmdBandwidth} m) is below ${SCENARIO_BOUNDS.minMmdBandwidthFraction} x the domain's size (${(SCENARIO_BOUNDS.minMmdBandwidthFraction * size).toPrecision(3)} m): its grid would not fit`);
  }
  const name = root.has('name') ? root.string('name') : undefined;
  return { name, domain, target, targetFloor, obstacles, blob, law, robots, sim, metrics };
}

/** `law: {algorithm: blob | lloyd | langevin, lloyd_gain: 1/s, langevin_diffusivity: m^2/s, langevin_seed: n}`, all optional. */
function parseLaw(root: Reader): ScenarioLaw {
  const l = root.map('law', false).only(['algorithm', 'lloyd_gain', 'langevin_diffusivity', 'langevin_seed']);
  return {
    algorithm: l.string('algorithm', { def: 'blob', oneOf: COVERAGE_ALGORITHMS }) as CoverageAlgorithm,
    lloydGain: l.number('lloyd_gain', { def: DEFAULT_LLOYD_GAIN, min: 0.001, max: 100 }),
    langevinDiffusivity: l.number('langevin_diffusivity', { def: DEFAULT_LANGEVIN_DIFFUSIVITY, min: 1e-6, max: 10 }),
    langevinSeed: l.number('langevin_seed', { def: DEFAULT_LANGEVIN_SEED, integer: true, min: 0, max: 4294967295 }),
  };
}

/** `obstacles: {polygons: [[[x, y], ...], ...], map: file.yaml}`; both optional. */
function parseObstacles(root: Reader, loadMap: MapLoader): Scenario['obstacles'] {
  const o = root.map('obstacles', false).only(['polygons', 'map']);
  const polygons: Polygon[] = [];
  if (o.has('polygons')) {
    o.list('polygons').forEach((poly, i) => {
      const key = `${o.key('polygons')}[${i}]`;
      if (!Array.isArray(poly)) throw new ConfigError(key, `must be a list of [x, y] vertices, got ${describe(poly)}`);
      const vertices = poly.map((v, k) => checkTuple(v, `${key}[${k}]`, 2) as [number, number]);
      const problem = polygonProblem(vertices);
      if (problem) throw new ConfigError(key, problem);
      polygons.push(vertices);
    });
  }
  const maps: OccupancyRaster[] = [];
  if (o.has('map')) {
    const path = o.string('map');
    let loaded: ReturnType<MapLoader>;
    try {
      loaded = loadMap(path);
    } catch (e) {
      throw new ConfigError(o.key('map'), (e as Error).message);
    }
    const occupancy = occupancyFromIntensity(loaded.raster, loaded.occupiedThresh ?? 0.65);
    if (!occupancy.occupied.some((v) => v === 1)) throw new ConfigError(o.key('map'), `${quotePath(path)} has no occupied cell (occupancy above occupied_thresh)`);
    maps.push(occupancy);
  }
  return { polygons, maps };
}

function parseRobots(root: Reader, domain: Box): ScenarioRobots {
  const r = root.map('robots').only(['count', 'initial', 'radius', 'clearance']);
  const size = Math.sqrt(boxArea(domain));
  const radius = r.has('radius') ? r.number('radius', { min: 0, max: size }) : undefined;
  const clearance = r.has('clearance') ? r.number('clearance', { min: 0, max: size }) : undefined;
  const ini = r.map('initial', false);
  const itype = ini.has('type') ? ini.string('type', { oneOf: ['uniform', 'grid', 'target', 'positions'] }) : 'uniform';
  let initial: InitialLayout;
  let count: number;
  if (itype === 'positions') {
    ini.only(['type', 'positions']);
    const list = ini.list('positions');
    if (list.length === 0) throw new ConfigError(ini.key('positions'), 'must not be empty');
    if (list.length > SCENARIO_BOUNDS.maxRobots) throw new ConfigError(ini.key('positions'), `lists ${list.length} robots, more than ${SCENARIO_BOUNDS.maxRobots}`);
    const positions = list.map((p, i) => checkTuple(p, `${ini.key('positions')}[${i}]`, 2) as [number, number]);
    positions.forEach((p, i) => {
      if (p[0] < domain.xmin || p[0] > domain.xmax || p[1] < domain.ymin || p[1] > domain.ymax) {
        throw new ConfigError(`${ini.key('positions')}[${i}]`, `(${p[0]}, ${p[1]}) lies outside the domain`);
      }
    });
    count = r.has('count') ? r.number('count', { integer: true, min: 1, max: SCENARIO_BOUNDS.maxRobots }) : positions.length;
    if (count !== positions.length) throw new ConfigError(r.key('count'), `is ${count} but robots.initial.positions lists ${positions.length} robots`);
    initial = { type: 'positions', positions };
  } else {
    count = r.number('count', { integer: true, min: 1, max: SCENARIO_BOUNDS.maxRobots });
    const seed = ini.number('seed', { def: 1, integer: true });
    if (itype === 'target') {
      ini.only(['type', 'seed']);
      initial = { type: 'target', seed };
    } else {
      ini.only(itype === 'grid' ? ['type', 'box'] : ['type', 'box', 'seed']);
      let box = domain;
      if (ini.has('box')) {
        const [xmin, xmax, ymin, ymax] = checkTuple(ini.raw('box'), ini.key('box'), 4);
        if (!(xmax > xmin && ymax > ymin)) throw new ConfigError(ini.key('box'), `must be [xmin, xmax, ymin, ymax] with xmax > xmin and ymax > ymin`);
        if (xmin < domain.xmin || xmax > domain.xmax || ymin < domain.ymin || ymax > domain.ymax) {
          throw new ConfigError(ini.key('box'), 'must lie inside the domain');
        }
        box = { xmin, xmax, ymin, ymax };
      }
      initial = itype === 'grid' ? { type: 'grid', box } : { type: 'uniform', box, seed };
    }
  }
  return { count, initial, ...(radius !== undefined ? { radius } : {}), ...(clearance !== undefined ? { clearance } : {}) };
}

function parseComponent(c: unknown, key: string): ComponentSpec {
  const r = new Reader(asMapping(c, key), key);
  const type = r.string('type', { oneOf: ['uniform', 'gaussian'] }) as 'uniform' | 'gaussian';
  const weight = r.number('weight', { def: 1, min: 0 });
  if (type === 'uniform') {
    r.only(['type', 'weight']);
    return { type: 'uniform', weight };
  }
  r.only(['type', 'weight', 'mean', 'sigma', 'cov']);
  const mean = checkTuple(r.raw('mean'), r.key('mean'), 2) as [number, number];
  if (r.has('sigma') && r.has('cov')) throw new ConfigError(key, 'give either sigma or cov, not both');
  if (r.has('sigma')) return { type: 'gaussian', weight, mean, sigma: r.number('sigma', { min: 0, exclusiveMin: true }) };
  if (!r.has('cov')) throw new ConfigError(key, 'a gaussian needs sigma (isotropic, metres) or cov (2x2, m^2)');
  const cov = r.raw('cov');
  if (!Array.isArray(cov) || cov.length !== 2) throw new ConfigError(r.key('cov'), 'must be a 2x2 matrix [[sxx, sxy], [syx, syy]]');
  const row0 = checkTuple(cov[0], `${r.key('cov')}[0]`, 2);
  const row1 = checkTuple(cov[1], `${r.key('cov')}[1]`, 2);
  if (Math.abs(row0[1] - row1[0]) > 1e-12 * Math.max(1e-300, Math.abs(row0[1]))) throw new ConfigError(r.key('cov'), 'must be symmetric');
  if (!(row0[0] > 0) || !(row0[0] * row1[1] - row0[1] * row1[0] > 0)) throw new ConfigError(r.key('cov'), 'must be positive definite');
  return { type: 'gaussian', weight, mean, cov: [row0 as [number, number], row1 as [number, number]] };
}

function asMapping(v: unknown, key: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(key, 'must be a mapping');
  return v as Record<string, unknown>;
}
