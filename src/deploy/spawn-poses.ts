/**
 * Spawn poses of a Gazebo swarm: the scenario's initial layout (the one the swarm simulator uses), moved apart
 * where two robots would overlap. A physics engine cannot start from interpenetrating bodies, and scenarios start
 * swarms in small boxes (the demo: 0.2 m x 0.2 m) that hold point robots but not bodies 0.16 m across
 * (gz/models/blob_diff_drive). Pure: no I/O.
 */
import type { Box, Positions } from '../engine/target/geometry.js';

/** Where one robot is spawned: planar position (m) and yaw (rad) in the world frame. */
export interface SpawnPose {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly yaw: number;
}

/** Spawn poses, or the reason there are none. */
export type SpawnResult = { readonly ok: true; readonly poses: SpawnPose[] } | { readonly ok: false; readonly reason: string };

/**
 * Spawn poses for `names` from `initial` (interleaved x, y): at least `minSeparation` apart and at least half of it
 * inside `domain`. In order, each robot keeps its position when that is free; otherwise it goes to the nearest free
 * point on rings around it (radius and angle steps of a quarter of the separation): deterministic, and the swarm
 * stays where the scenario starts it. Yaw 0 (the simulator's default).
 */
export function spawnPoses(names: readonly string[], initial: Positions, domain: Box, minSeparation: number): SpawnResult {
  const n = names.length;
  if (initial.length !== 2 * n) return { ok: false, reason: `${initial.length / 2} positions for ${n} robots` };
  const half = minSeparation / 2;
  const inner = { xmin: domain.xmin + half, xmax: domain.xmax - half, ymin: domain.ymin + half, ymax: domain.ymax - half };
  if (inner.xmin > inner.xmax || inner.ymin > inner.ymax) return { ok: false, reason: `the domain is narrower than the separation ${minSeparation} m` };
  const step = minSeparation / 4;
  const maxRadius = Math.hypot(inner.xmax - inner.xmin, inner.ymax - inner.ymin);
  const placed: SpawnPose[] = [];
  const free = (x: number, y: number) =>
    x >= inner.xmin && x <= inner.xmax && y >= inner.ymin && y <= inner.ymax && placed.every((q) => Math.hypot(q.x - x, q.y - y) >= minSeparation);
  for (let i = 0; i < n; i++) {
    const x0 = Math.min(inner.xmax, Math.max(inner.xmin, initial[2 * i]));
    const y0 = Math.min(inner.ymax, Math.max(inner.ymin, initial[2 * i + 1]));
    const spot = free(x0, y0) ? { x: x0, y: y0 } : nearestFree(x0, y0, step, maxRadius, free);
    if (!spot) {
      return { ok: false, reason: `cannot place ${n} robots ${minSeparation} m apart inside the domain (no room left for ${names[i]}): use fewer robots, a larger domain or a smaller separation` };
    }
    placed.push({ name: names[i], x: spot.x, y: spot.y, yaw: 0 });
  }
  return { ok: true, poses: placed };
}

/** The first free point on rings of radius step, 2 step, ... around (x0, y0), each walked at arc steps of about `step`. */
function nearestFree(x0: number, y0: number, step: number, maxRadius: number, free: (x: number, y: number) => boolean): { x: number; y: number } | undefined {
  for (let r = step; r <= maxRadius + step; r += step) {
    const k = Math.max(6, Math.ceil((2 * Math.PI * r) / step));
    for (let j = 0; j < k; j++) {
      const a = (2 * Math.PI * j) / k;
      const x = x0 + r * Math.cos(a);
      const y = y0 + r * Math.sin(a);
      if (free(x, y)) return { x, y };
    }
  }
  return undefined;
}
