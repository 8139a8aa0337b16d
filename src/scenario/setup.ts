import type { Positions } from '../engine/target/geometry.js';
import { toPositions } from '../engine/target/geometry.js';
import { autoEpsilon } from '../engine/flow/epsilon.js';
import { createRng } from '../engine/random.js';
import { gridInBox, targetSampler, uniformInBox } from '../engine/target/sampling.js';
import { Target } from '../engine/target/target.js';
import { ObstacleMap } from '../engine/target/obstacles.js';
import type { FlowMethod, Scenario } from './scenario.js';
import { multiScaleEpsilon } from '../engine/field/bandwidth.js';
import { ConfigError } from './validate.js';

/** Builds the scenario's target; an invalid density (negative, zero, not finite) becomes a ConfigError on `target`. */
export function scenarioTarget(s: Scenario): Target {
  try {
    return new Target(s.target, s.domain, { floor: s.targetFloor, obstacles: scenarioObstacles(s) });
  } catch (e) {
    throw new ConfigError('target', (e as Error).message);
  }
}

/** The scenario's obstacles as one map (a ConfigError on `obstacles` if they cannot be indexed). */
export function scenarioObstacles(s: Scenario): ObstacleMap {
  try {
    return new ObstacleMap(s.obstacles.polygons, s.obstacles.maps);
  } catch (e) {
    throw new ConfigError('obstacles', (e as Error).message);
  }
}

/** The scenario's swarm; a ConfigError when the scenario has none. */
export function scenarioRobots(s: Scenario): NonNullable<Scenario['robots']> {
  if (!s.robots) throw new ConfigError('robots', 'is required to run a scenario (count and initial layout)');
  return s.robots;
}

/** The mollifier width for N robots: the scenario's number, or the auto rule of the flow method. */
export function scenarioEpsilon(s: Scenario, n = scenarioRobots(s).count, method: FlowMethod = s.blob.method): number {
  if (s.blob.epsilon !== 'auto') return s.blob.epsilon;
  return method === 'multiscale' ? multiScaleEpsilon(s.domain, n) : autoEpsilon(s.domain, n);
}

/**
 * The initial layout of the scenario's robots. Sampled layouts redraw any robot that lands in an obstacle; listed
 * positions inside an obstacle are a ConfigError.
 */
export function initialPositions(s: Scenario, target: Target): Positions {
  const robots = scenarioRobots(s);
  const ini = robots.initial;
  const obstacles = target.obstacles;
  if (ini.type === 'positions') {
    ini.positions.forEach(([x, y], i) => {
      if (obstacles.contains(x, y)) throw new ConfigError(`robots.initial.positions[${i}]`, `(${x}, ${y}) lies in an obstacle`);
    });
    return toPositions(ini.positions);
  }
  if (ini.type === 'grid') {
    const p = gridInBox(robots.count, ini.box);
    for (let i = 0; i < robots.count; i++) {
      if (obstacles.contains(p[2 * i], p[2 * i + 1])) throw new ConfigError('robots.initial.box', `the grid puts robot ${i} in an obstacle at (${p[2 * i]}, ${p[2 * i + 1]})`);
    }
    return p;
  }
  const rng = createRng(ini.seed);
  const draw = ini.type === 'uniform' ? (n: number) => uniformInBox(n, ini.box, rng) : ((sample) => (n: number) => sample(n, rng))(targetSampler(target));
  const p = draw(robots.count);
  for (let i = 0; i < robots.count; i++) {
    for (let attempt = 0; obstacles.contains(p[2 * i], p[2 * i + 1]); attempt++) {
      if (attempt === 10_000) throw new ConfigError('robots.initial', 'cannot place the robots outside the obstacles (the layout box is almost all obstacle)');
      const q = draw(1);
      p[2 * i] = q[0];
      p[2 * i + 1] = q[1];
    }
  }
  return p;
}
