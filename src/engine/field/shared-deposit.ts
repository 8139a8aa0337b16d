/**
 * Deposits shared between instances that each hold part of the swarm. A field's deposit is linear in the robots, so
 * the swarm's deposit on a grid is the sum of each part's: an instance deposits its own robots at unit mass, adds the
 * others' sum, scales by 1/N, and gathers at its own robots. The engine only calls these hooks; where the other
 * parts' grids come from (a ROS topic, another field) is the caller's.
 */

/** What identifies a scale's grid: two deposits may be added only when their keys are equal. */
export interface SharedGrid {
  /** Kernel width, m. */
  readonly epsilon: number;
  /** Nodes per row and per column. */
  readonly nx: number;
  readonly ny: number;
  /** The width, grid shape, domain and a fingerprint of the target on the grid, as one string. */
  readonly key: string;
}

/** The hooks a multiscale evaluation calls on each shared (coarse) scale. */
export interface DepositExchange {
  /**
   * The other parts' deposits on this scale's grid summed (unit mass per robot, row-major nx x ny), or undefined when
   * there are none. `scale` is the index of the coarse scale (0: the widest).
   */
  others(scale: number, grid: SharedGrid): Float64Array | undefined;
  /** This part's deposit on the grid (unit mass per robot). `f` is the field's own buffer: copy what is kept. */
  own(scale: number, grid: SharedGrid, f: Float64Array): void;
}

/** FNV-1a over the bytes of a Float64Array, as 8 hex digits (a fingerprint, not a checksum against tampering). */
export function fingerprint(values: Float64Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let k = 0; k < bytes.length; k++) {
    h ^= bytes[k];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
