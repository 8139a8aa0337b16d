import { MultiScaleStepper, SMALL_SWARM, multiScaleEpsilon } from '../../engine/field/bandwidth.js';
import { autoEpsilon } from '../../engine/flow/epsilon.js';
import { BlobField } from '../../engine/field/field.js';
import { reachMasses } from '../../engine/field/reach.js';
import type { DepositExchange } from '../../engine/field/shared-deposit.js';
import type { Box, Positions } from '../../engine/target/geometry.js';
import type { Target } from '../../engine/target/target.js';
import type { FlowMethod } from '../../scenario/scenario.js';
import type { CoverageLaw, LawOutput } from './law.js';

/** How the blob law is tuned (the live controller parameters that shape it). */
export interface BlobLawSettings {
  readonly method: FlowMethod;
  /** Mollifier width, m; 0 = the method's auto rule for the current number of live robots. */
  readonly epsilon: number;
  /** m^2/s */
  readonly diffusivity: number;
  /**
   * Control period, s: the diffusivity applied is capped at STABLE_STEP eps^2 / period. Absent: no cap (a caller
   * that integrates the flow itself, with its own step control).
   */
  readonly period?: number;
}

/**
 * Largest D dt / eps^2 applied (dt the control period). A control tick is an explicit Euler step of the flow held for
 * dt; beyond a few the loop overshoots the equilibrium and the robots chatter around it (measured at 1,000 robots and
 * 20 Hz: 3 settles, 10 chatters).
 */
export const STABLE_STEP = 2;

/** Swarm size below which the multiscale width narrows (the engine's rule). */
export { SMALL_SWARM };

/**
 * The multiscale flow's fine width in the control loop: the engine's one rule, multiScaleEpsilon (0.5 x the mean
 * spacing, scaled by (N / 400)^(1/4) below 400 robots), the same as `run` and `sample` use.
 */
export const controllerMultiScaleEpsilon: (domain: Box, n: number) => number = multiScaleEpsilon;

/** Ratio between consecutive widths the auto rule can pick (fields are cached per width). */
const EPSILON_STEP = 1.02;

interface Evaluator {
  readonly epsilon: number;
  evaluate(p: Positions, v: Float64Array, time: number, only?: Uint8Array, exchange?: DepositExchange, total?: number): number;
}

/**
 * The blob flow as a coverage law: the multiscale flow (weights scheduled by the time since the law started) or the
 * fixed-eps flow, one field evaluation for the whole swarm per call. Fields are cached per width, and the auto width
 * moves in 2% steps, so robots dropping out and back do not rebuild grids.
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

  /**
   * The width used for n live robots, m: the setting, or the method's auto rule rounded to a 2% step (so that a few
   * robots dropping out or coming back reuse the same fields instead of rebuilding their grids in a control tick).
   */
  epsilonFor(n: number): number {
    if (this.settings.epsilon > 0) return this.settings.epsilon;
    const rule = this.settings.method === 'multiscale' ? controllerMultiScaleEpsilon(this.target.domain, n) : autoEpsilon(this.target.domain, n);
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
      e = { epsilon, evaluate: (p, v, t, only, exchange, total) => ms.velocitiesAt(p, v, t, only, exchange, total) };
    } else {
      const field = new BlobField(this.target, { epsilon, diffusivity: D });
      const domain = this.target.domain;
      let masses: Float64Array = new Float64Array(0);
      let cells: Uint8Array = new Uint8Array(0);
      e = {
        epsilon,
        evaluate: (p, v, _t, only, _exchange, total) => {
          if (!only) return field.evaluate(p, v);
          // Only the robots within reach of the marked ones are deposited: their velocities are exact.
          ({ masses, cells } = reachMasses(p, only, (2 * field.cutoff + 1) * epsilon, domain, masses, cells, total));
          return field.evaluate(p, v, masses, undefined, only);
        },
      };
    }
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(epsilon, e);
    return e;
  }

  /**
   * The blob velocities of the swarm (diffusivity capped for the period); returns the energy and the width used. With
   * `exchange` (and `only`), the multiscale flow's coarse scales share deposits with the other instances; `total` is
   * then the swarm's size when `positions` holds only the robots near those marked (the width and masses follow it).
   */
  evaluate(positions: Positions, velocities: Float64Array, time: number, only?: Uint8Array, exchange?: DepositExchange, total?: number): LawOutput {
    const n = positions.length >> 1;
    if (n === 0) return { energy: 0, epsilon: 0 };
    const all = only && total !== undefined ? Math.max(n, total) : n;
    const ev = this.evaluatorFor(all);
    const energy = ev.evaluate(positions, velocities, time, only, exchange, all);
    const D = this.settings.diffusivity;
    const period = this.settings.period;
    const gain = period !== undefined && period > 0 ? Math.min(1, (STABLE_STEP * ev.epsilon * ev.epsilon) / (D * period)) : 1;
    if (gain < 1) for (let k = 0; k < 2 * n; k++) velocities[k] *= gain;
    return { energy, epsilon: ev.epsilon, diffusivity: gain * D };
  }
}
