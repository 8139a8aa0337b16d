import type { DensitySpec } from './density.js';

/**
 * The public-s1 target of the golden data (scenarios/public-s1.yaml): two Gaussian bumps over a 30% uniform floor on
 * [-1, 1]^2. Used by tests, benchmarks and studies so that they all measure the same thing.
 */
export const PUBLIC_S1: DensitySpec = {
  type: 'mixture',
  components: [
    { type: 'uniform', weight: 0.3 },
    { type: 'gaussian', weight: 0.42, mean: [0.4, 0.3], sigma: 0.2 },
    { type: 'gaussian', weight: 0.28, mean: [-0.4, -0.4], cov: [[0.0625, 0], [0, 0.0625]] },
  ],
};
