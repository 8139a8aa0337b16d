/**
 * The benchmarks' closed loop without a bus: the controller ticks on simulated time against the swarm's kinematics
 * (poses in, one tick, commands out, one kinematics step), and the time-to-90% measure their tables share.
 */
import type { CoverageController, TickResult } from '../src/control/controller.js';
import type { SwarmKinematics } from '../src/sim/kinematics.js';

/** What `after` sees of one tick: its index, the tick's result and the tick's wall time (ms). */
export type AfterTick = (k: number, result: TickResult, tickMs: number) => void;

/** Runs `ticks` control ticks at `rate` Hz; `after` runs once the kinematics have stepped. */
export function closedLoop(controller: CoverageController, kinematics: SwarmKinematics, rate: number, ticks: number, after: AfterTick): void {
  const n = kinematics.x.length;
  const dt = 1 / rate;
  for (let k = 0; k < ticks; k++) {
    const t = k * dt;
    for (let i = 0; i < n; i++) controller.updatePose(i, kinematics.x[i], kinematics.y[i], kinematics.yaw[i], t);
    const t0 = performance.now();
    const r = controller.tick(t);
    const ms = performance.now() - t0;
    r.commands.forEach((c, i) => kinematics.command(i, c.vx, c.vy, c.wz, t));
    kinematics.step(dt);
    after(k, r, ms);
  }
}

/** One sample of a run's squared MMD. */
export interface MmdSample {
  readonly t: number;
  readonly mmd2: number;
}

/** t90: the first sample time at which the squared MMD has come 90% of the way from its first value to its last. */
export function timeTo90(samples: readonly MmdSample[], otherwise: number): number {
  const first = samples[0].mmd2;
  const last = samples[samples.length - 1].mmd2;
  const threshold = last + 0.1 * (first - last);
  return samples.find((x) => x.mmd2 <= threshold)?.t ?? otherwise;
}
