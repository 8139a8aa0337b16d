/** The blob engine: target densities, the blob field, integration and coverage metrics. No ROS, no I/O. */
export * from './geometry.js';
export * from './grid.js';
export * from './density.js';
export * from './target.js';
export * from './field.js';
export * from './dense.js';
export * from './flow.js';
export * from './integrator.js';
export * from './metrics.js';
export * from './neighbours.js';
export * from './random.js';
export * from './sampling.js';
export * from './epsilon.js';
export * from './simulation.js';
export * from './bandwidth.js';
export * from './presets.js';
export * from './obstacles.js';
