import { autoEpsilon } from '../engine/flow/epsilon.js';
import { BlobField } from '../engine/field/field.js';
import type { Positions } from '../engine/target/geometry.js';
import { MmdMetric, nearestNeighbourStats } from '../engine/metrics/metrics.js';
import type { Target } from '../engine/target/target.js';

/** What the meter reads off a configuration. */
export interface Reading {
  /** Squared MMD to the target (0: the robots match it). */
  readonly mmd2: number;
  /** E_eps at the fixed flow's auto eps, D = 1 (a yardstick independent of the law's own schedule). */
  readonly energy: number;
  /** Distance between the closest two robots, m. */
  readonly nnMin: number;
}

/** The yardsticks of a swarm against one target: squared MMD, the blob energy at the auto eps, the closest pair. */
export class SwarmMeter {
  readonly target: Target;
  private readonly mmd: MmdMetric;
  private readonly field: BlobField;

  /** `robots`: how many robots the energy's eps is chosen for; `mmdBandwidth` in metres. */
  constructor(target: Target, robots: number, mmdBandwidth: number) {
    this.target = target;
    this.mmd = new MmdMetric(target, mmdBandwidth);
    this.field = new BlobField(target, { epsilon: autoEpsilon(target.domain, robots), diffusivity: 1 });
  }

  /** The three readings of positions `p`. */
  read(p: Positions): Reading {
    return { mmd2: this.mmd.evaluate(p), energy: this.field.energy(p), nnMin: nearestNeighbourStats(p).min };
  }
}
