import type { BlobField } from '../field/field.js';
import type { Positions } from '../target/geometry.js';
import type { Flow } from './integrator.js';

/** The blob gradient flow of a field, with optional per-robot masses (default 1/N), as an integrable Flow. */
export function blobFlow(field: BlobField, masses?: Float64Array): Flow {
  return {
    length: field.epsilon,
    evaluate: (p: Positions, v: Float64Array) => field.evaluate(p, v, masses),
    energy: (p: Positions) => field.energy(p, masses),
  };
}
