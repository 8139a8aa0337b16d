import type { Positions } from '../engine/geometry.js';
import { toPositions } from '../engine/geometry.js';
import { autoEpsilon } from '../engine/epsilon.js';
import { createRng } from '../engine/random.js';
import { targetSampler, uniformInBox } from '../engine/sampling.js';
import { Target } from '../engine/target.js';
import type { FlowMethod, Scenario } from './scenario.js';
import { multiScaleEpsilon } from '../engine/bandwidth.js';
import { ConfigError } from './validate.js';

/** Builds the scenario's target; an invalid density (negative, zero, not finite) becomes a ConfigError on `target`. */
export function scenarioTarget(s: Scenario): Target {
  try {
    return new Target(s.target, s.domain, { floor: s.targetFloor });
  } catch (e) {
    throw new ConfigError('target', (e as Error).message);
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

/** The initial layout of the scenario's robots. */
export function initialPositions(s: Scenario, target: Target): Positions {
  const robots = scenarioRobots(s);
  const ini = robots.initial;
  switch (ini.type) {
    case 'positions':
      return toPositions(ini.positions);
    case 'uniform':
      return uniformInBox(robots.count, ini.box, createRng(ini.seed));
    case 'target':
      return targetSampler(target)(robots.count, createRng(ini.seed));
  }
}
