import type { Positions } from '../../engine/target/geometry.js';
import { LangevinDynamics } from '../../engine/laws/langevin.js';
import type { Target } from '../../engine/target/target.js';
import type { CoverageLaw, LawOutput } from './law.js';

/** How the Langevin law is tuned. */
export interface LangevinLawSettings {
  /** Diffusivity D, m^2/s. */
  readonly diffusivity: number;
  /** Seed of the noise: the same seed gives the same sequence of commands for the same poses. */
  readonly seed: number;
  /** Control period dt, s: each command is held that long, so its noise is sqrt(2 D / dt) per axis. */
  readonly period: number;
}

/**
 * Overdamped Langevin dynamics as a coverage law: v_i = D grad log rho_bar(x_i) + sqrt(2 D / dt) xi_i, each robot
 * an independent random walker biased up the target's log density (LangevinDynamics). Its stationary distribution
 * is the target; the robots never stop moving, and they sample the target independently of one another.
 */
export class LangevinLaw implements CoverageLaw {
  readonly algorithm = 'langevin';
  readonly target: Target;
  readonly settings: LangevinLawSettings;
  private readonly dynamics: LangevinDynamics;

  constructor(target: Target, settings: LangevinLawSettings) {
    if (!(settings.period > 0) || !Number.isFinite(settings.period)) throw new Error(`Langevin control period must be a positive number of seconds, got ${settings.period}`);
    this.target = target;
    this.settings = settings;
    this.dynamics = new LangevinDynamics(target, { diffusivity: settings.diffusivity, seed: settings.seed });
  }

  /** Drift plus one seeded Brownian increment per robot; the energy is NaN (see LawOutput). */
  evaluate(positions: Positions, velocities: Float64Array): LawOutput {
    this.dynamics.velocities(positions, velocities, this.settings.period);
    return { energy: Number.NaN, epsilon: 0 };
  }
}
