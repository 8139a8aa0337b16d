import type { ChebyshevOptions } from './chebyshev.js';
import { DEFAULT_MAX_STEP } from './chebyshev.js';
import type { Box } from '../target/geometry.js';
import { defaultMobilitySpeed } from './mobility.js';
import { FineScalePreconditioner, PRECONDITION_TIME } from './preconditioner.js';

/**
 * The integrator options of `run`'s blob flows (and of study:integrator's "run" rows): the speed-bounding mobility at
 * defaultMobilitySpeed (the start transient costs nothing), no eps-based displacement bound below vmax x the longest
 * step (the step does not shrink with eps), and the fine-scale preconditioner with relaxation time PRECONDITION_TIME
 * (the stages per step do not grow with N). Both change the metric of the gradient flow, not its energy or its
 * stationary points. A new preconditioner per call: one per run.
 */
export function runFlowOptions(domain: Box, epsilon: number, diffusivity: number, maxStep = DEFAULT_MAX_STEP): Pick<ChebyshevOptions, 'mobilitySpeed' | 'stepLength' | 'metric'> {
  const vmax = defaultMobilitySpeed(domain, diffusivity);
  return { mobilitySpeed: vmax, stepLength: vmax * maxStep, metric: new FineScalePreconditioner({ domain, epsilon, diffusivity, time: PRECONDITION_TIME }) };
}
