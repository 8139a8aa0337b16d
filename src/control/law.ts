import { MultiScaleStepper, multiScaleEpsilon } from '../engine/bandwidth.js';
import { autoEpsilon } from '../engine/epsilon.js';
import { BlobField } from '../engine/field.js';
import type { Positions } from '../engine/geometry.js';
import type { Target } from '../engine/target.js';
import type { FlowMethod } from '../scenario/scenario.js';

/** How the coverage law is tuned (the live controller parameters that shape it). */
export interface LawSettings {
  readonly method: FlowMethod;
  /** Mollifier width, m; 0 = the method's auto rule for the current number of live robots. */
  readonly epsilon: number;
  /** m^2/s */
  readonly diffusivity: number;
}

/** Ratio between consecutive widths the auto rule can pick (fields are cached per width). */
const EPSILON_STEP = 1.02;

/** Time constant (s) of the return of a robot found outside the domain. */
export const RETURN_TIME = 0.5;

interface Evaluator {
  readonly epsilon: number;
  evaluate(p: Positions, v: Float64Array, time: number): number;
}

/**
 * The coverage law: desired world-frame velocities of the live robots from their positions, one field evaluation
 * for the whole swarm per call. A robot outside the domain is evaluated at its nearest domain point, and along each
 * axis on which it is outside it is sent straight back (distance / RETURN_TIME, then saturated like any command). Fields are cached per width, and the auto width moves in 2% steps, so robots dropping out and back do not rebuild grids.
 */
export class CoverageLaw {
  readonly target: Target;
  readonly settings: LawSettings;
  private readonly cache = new Map<number, Evaluator>();
  private clamped = new Float64Array(0);

  constructor(target: Target, settings: LawSettings) {
    this.target = target;
    this.settings = settings;
  }

  /**
   * The width used for n live robots, m: the setting, or the method's auto rule rounded to a 2% step (so that a few
   * robots dropping out or coming back reuse the same fields instead of rebuilding their grids in a control tick).
   */
  epsilonFor(n: number): number {
    if (this.settings.epsilon > 0) return this.settings.epsilon;
    const rule = this.settings.method === 'multiscale' ? multiScaleEpsilon(this.target.domain, n) : autoEpsilon(this.target.domain, n);
    return EPSILON_STEP ** Math.round(Math.log(rule) / Math.log(EPSILON_STEP));
  }

  /** Builds (and caches) the fields for n live robots ahead of the first control tick that needs them. */
  prepare(n: number): void {
    if (n > 0) this.evaluatorFor(n);
  }

  private evaluatorFor(n: number): Evaluator {
    const epsilon = this.epsilonFor(n);
    let e = this.cache.get(epsilon);
    if (e) return e;
    const D = this.settings.diffusivity;
    if (this.settings.method === 'multiscale') {
      const ms = new MultiScaleStepper(this.target, { epsilon, diffusivity: D }, { domain: this.target.domain });
      e = { epsilon, evaluate: (p, v, t) => ms.velocitiesAt(p, v, t) };
    } else {
      const field = new BlobField(this.target, { epsilon, diffusivity: D });
      e = { epsilon, evaluate: (p, v) => field.evaluate(p, v) };
    }
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(epsilon, e);
    return e;
  }

  /**
   * Fills `velocities` (interleaved, m/s) for `positions` of the live robots; `time` is seconds since the law
   * started (it schedules the multiscale weights). Returns the energy and the width used.
   */
  evaluate(positions: Positions, velocities: Float64Array, time: number): { energy: number; epsilon: number } {
    const n = positions.length >> 1;
    if (n === 0) return { energy: 0, epsilon: 0 };
    if (this.clamped.length !== positions.length) this.clamped = new Float64Array(positions.length);
    const { xmin, xmax, ymin, ymax } = this.target.domain;
    for (let i = 0; i < positions.length; i += 2) {
      const x = positions[i];
      const y = positions[i + 1];
      this.clamped[i] = x < xmin ? xmin : x > xmax ? xmax : x;
      this.clamped[i + 1] = y < ymin ? ymin : y > ymax ? ymax : y;
    }
    const ev = this.evaluatorFor(n);
    const energy = ev.evaluate(this.clamped, velocities, time);
    // A robot outside the domain heads straight back (the field at a folded wall has no normal component).
    for (let i = 0; i < positions.length; i++) {
      const out = this.clamped[i] - positions[i];
      if (out !== 0) velocities[i] = out / RETURN_TIME;
    }
    return { energy, epsilon: ev.epsilon };
  }
}
