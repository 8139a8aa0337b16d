import type { Positions } from '../../engine/target/geometry.js';
import type { Target } from '../../engine/target/target.js';
import type { DepositExchange } from '../../engine/field/shared-deposit.js';
import type { CoverageAlgorithm } from '../../scenario/scenario.js';

/** What a law reports with its velocities. */
export interface LawOutput {
  /**
   * The quantity the law descends at these positions: E of the blob flow, Lloyd's cost H (m^2); NaN for the
   * Langevin law (what it descends, the relative entropy of the swarm's law to the target, is not a function of one
   * configuration).
   */
  readonly energy: number;
  /** The mollifier width used, m (0 for a law without one). */
  readonly epsilon: number;
  /** The diffusivity applied, m^2/s, for a law that caps its own (the blob flow); absent otherwise. */
  readonly diffusivity?: number;
}

/**
 * A coverage law: desired world-frame velocities of the live robots from their positions, one evaluation for the
 * whole swarm per control tick. The controller gives it positions inside the domain (it handles robots outside) and
 * shapes what comes out (speed and acceleration limits, the safety filter), whatever the law.
 */
export interface CoverageLaw {
  readonly algorithm: CoverageAlgorithm;
  readonly target: Target;
  /**
   * Fills `velocities` (interleaved, m/s) for `positions` (interleaved, m); `time` is seconds since the law started
   * (it schedules the multiscale weights of the blob flow). With `only` (another instance commands the others), only
   * the velocities of the robots it marks 1 need be right: a law may skip the others' (the blob law does), and may
   * then report the energy of the part of the swarm it looked at. With `exchange` too, a law with coarse scales may take
   * the other instances' robots on them from their shared deposits (the blob law's multiscale flow does); others ignore it.
   * `total`: the swarm's size when `positions` holds only the robots near those marked (the blob law's masses 1/total).
   */
  evaluate(positions: Positions, velocities: Float64Array, time: number, only?: Uint8Array, exchange?: DepositExchange, total?: number): LawOutput;
  /** Builds what the law needs for n live robots ahead of the first control tick (optional). */
  prepare?(n: number): void;
}
