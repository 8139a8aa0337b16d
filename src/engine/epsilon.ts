import type { Box } from './geometry.js';
import { boxArea } from './geometry.js';

/**
 * Ratio eps / h of the automatic mollifier width to the mean inter-robot spacing h = sqrt(|Omega| / N).
 * See scripts/epsilon-rule.ts for the measurement behind it.
 */
export const AUTO_EPSILON_RATIO = 0.5;

/** The mean inter-robot spacing sqrt(|Omega| / N) in metres. */
export function meanSpacing(domain: Box, n: number): number {
  if (!(n >= 1)) throw new Error(`robot count must be at least 1, got ${n}`);
  return Math.sqrt(boxArea(domain) / n);
}

/** `epsilon: auto`: eps = AUTO_EPSILON_RATIO * sqrt(|Omega| / N). */
export function autoEpsilon(domain: Box, n: number): number {
  return AUTO_EPSILON_RATIO * meanSpacing(domain, n);
}
