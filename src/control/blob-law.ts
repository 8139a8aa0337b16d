import { MultiScaleStepper, multiScaleEpsilon } from '../engine/bandwidth.js';
import { autoEpsilon } from '../engine/epsilon.js';
import { BlobField } from '../engine/field.js';
import type { Positions } from '../engine/geometry.js';
import type { Target } from '../engine/target.js';
import type { FlowMethod } from '../scenario/scenario.js';
import type { CoverageLaw, LawOutput } from './law.js';

/** How the blob law is tuned (the live controller parameters that shape it). */
export interface BlobLawSettings {
  readonly method: FlowMethod;
  /** Mollifier width, m; 0 = the method's auto rule for the current number of live robots. */
  readonly epsilon: number;
  /** m^2/s */
  readonly diffusivity: number;
}

interface Evaluator {
  readonly epsilon: number;
  evaluate(p: Positions, v: Float64Array, time: number): number;
}

/**
 * The blob flow as a coverage law: the multiscale flow (weights scheduled by the time since the law started) or the
 * fixed-eps flow, one field evaluation for the whole swarm per call. Fields are cached per robot count, so robots
 * dropping out and back do not rebuild grids.
 */
export class BlobLaw implements CoverageLaw {
  readonly algorithm = 'blob';
  readonly target: Target;
  readonly settings: BlobLawSettings;
  private readonly cache = new Map<number, Evaluator>();

  constructor(target: Target, settings: BlobLawSettings) {
    this.target = target;
    this.settings = settings;
  }

  /** The width used for n live robots, m. */
  epsilonFor(n: number): number {
    if (this.settings.epsilon > 0) return this.settings.epsilon;
    return this.settings.method === 'multiscale' ? multiScaleEpsilon(this.target.domain, n) : autoEpsilon(this.target.domain, n);
  }

  private evaluatorFor(n: number): Evaluator {
    let e = this.cache.get(n);
    if (e) return e;
    const epsilon = this.epsilonFor(n);
    const D = this.settings.diffusivity;
    if (this.settings.method === 'multiscale') {
      const ms = new MultiScaleStepper(this.target, { epsilon, diffusivity: D }, { domain: this.target.domain });
      e = { epsilon, evaluate: (p, v, t) => ms.velocitiesAt(p, v, t) };
    } else {
      const field = new BlobField(this.target, { epsilon, diffusivity: D });
      e = { epsilon, evaluate: (p, v) => field.evaluate(p, v) };
    }
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(n, e);
    return e;
  }

  /** The blob velocities of the swarm; returns the flow's energy and the width used. */
  evaluate(positions: Positions, velocities: Float64Array, time: number): LawOutput {
    const n = positions.length >> 1;
    if (n === 0) return { energy: 0, epsilon: 0 };
    const ev = this.evaluatorFor(n);
    return { energy: ev.evaluate(positions, velocities, time), epsilon: ev.epsilon };
  }
}
