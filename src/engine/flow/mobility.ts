import type { Box } from '../target/geometry.js';
import { boxArea } from '../target/geometry.js';

/**
 * The speed-bounding mobility of `run`: each robot follows x_i' = M(|v_i|) v_i with v_i = -D grad_i E / m_i and
 *
 *   M(s) = 1 / (1 + s / vmax),
 *
 * so every speed stays below vmax (|M v| = s / (1 + s / vmax) < vmax). M is positive, so this is still a gradient
 * flow of the same energy: dE/dt = -sum_i m_i M_i |v_i|^2 / D <= 0, zero only where every v_i = 0, i.e. the same
 * stationary points. Where the flow is slow (s << vmax) nothing changes; what it removes is the start transient of a
 * uniform start, where robots in near-empty regions (rho_bar at the floor) are expelled at up to 1,000 m/s and every
 * accuracy bound followed them. It is also what robots do: they have a top speed.
 */
export function mobility(speed: number, vmax: number): number {
  return 1 / (1 + speed / vmax);
}

/** Speed scale of the mobility relative to D / sqrt(|Omega|) when the robots' top speed is not given. */
export const MOBILITY_SPEED_RATIO = 2;

/**
 * Default vmax of the mobility, m/s: MOBILITY_SPEED_RATIO x D / sqrt(|Omega|) (1 m/s for D = 1 on 2 m x 2 m). The
 * coverage flow's own speeds are D grad(rho / rho_bar) ~ D / (the target's length scale), independent of N (0.2-0.6 m/s
 * for the fastest 1% of robots on the two-Gaussian target, measured), so the bound slows those by at most a third and
 * the bulk not at all; only the eps-scale expulsions, whose speed grows like sqrt(N), are cut.
 */
export function defaultMobilitySpeed(domain: Box, diffusivity: number): number {
  return (MOBILITY_SPEED_RATIO * diffusivity) / Math.sqrt(boxArea(domain));
}
