/**
 * A compile-time check (run by `npm run typecheck`, not by node:test): the real rclnodejs typings satisfy
 * types/rclnodejs-fallback.d.ts, the declaration the build uses when the optional rclnodejs is not installed. With
 * rclnodejs installed, `rclnodejs` resolves to its own typings and a difference fails the typecheck; without it, it
 * fails to resolve (the typecheck needs rclnodejs's typings: `npm ci --ignore-scripts` installs them). The build
 * (tsconfig.build.json's paths) falls back to the fallback when rclnodejs is missing.
 */
import type * as Real from 'rclnodejs';
import type * as Fallback from '../../types/rclnodejs-fallback.js';

/** Everything the fallback declares. */
type Declared = 'Parameter' | 'ParameterDescriptor' | 'FloatingPointRange' | 'IntegerRange' | 'QoS' | 'Logging' | 'Node' | 'init' | 'removeSignalHandlers' | 'shutdown';

declare const real: Pick<typeof Real, Declared>;
/** The real module where the fallback is expected: every declared member exists there with a compatible type. */
export const fallbackHolds: Pick<typeof Fallback, Declared> = real;
/** And the real node where the fallback's node is expected. */
export const nodeHolds = (n: Real.Node): Fallback.Node => n;
