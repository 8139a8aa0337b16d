import type { ParamValues } from '../params/schema.js';
import type { Scenario } from './scenario.js';

/**
 * The controller parameters a scenario sets: the robots' footprint (`robots.radius`, `robots.clearance`, when given),
 * the blob flow (`blob:` epsilon, 0 for auto, diffusivity and method) and the coverage law (`law:`). Every other
 * parameter keeps its default or what the user sets (-p).
 */
export function scenarioControllerParameters(s: Scenario): ParamValues {
  return {
    epsilon: s.blob.epsilon === 'auto' ? 0 : s.blob.epsilon,
    diffusivity: s.blob.diffusivity,
    method: s.blob.method,
    ...(s.robots?.radius !== undefined ? { robot_radius: s.robots.radius } : {}),
    ...(s.robots?.clearance !== undefined ? { safety_clearance: s.robots.clearance } : {}),
    algorithm: s.law.algorithm,
    lloyd_gain: s.law.lloydGain,
    langevin_diffusivity: s.law.langevinDiffusivity,
    langevin_seed: s.law.langevinSeed,
  };
}
