import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoverageController } from '../../src/control/controller.js';
import type { ControllerSettings } from '../../src/control/controller.js';
import { BlobLaw } from '../../src/control/laws/blob-law.js';
import type { CoverageLaw, LawOutput } from '../../src/control/laws/law.js';
import { withinLimits } from '../../src/control/shaping.js';
import { JamEscape, SIDESTEP_HOLD, SIDESTEP_PATIENCE } from '../../src/control/unjam.js';
import { ObstacleMap, Target } from '../../src/engine/index.js';
import type { Positions } from '../../src/engine/index.js';
import { SwarmKinematics } from '../../src/sim/kinematics.js';

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
/** A wall at x in [1.95, 2.05] with a 0.6 m door at y in [0.4, 1.0]. */
const wall = new ObstacleMap([
  [[1.95, 0], [2.05, 0], [2.05, 0.4], [1.95, 0.4]],
  [[1.95, 1.0], [2.05, 1.0], [2.05, 4], [1.95, 4]],
]);
const behindTheWall = { type: 'mixture', components: [{ type: 'uniform', weight: 0.2 }, { type: 'gaussian', weight: 0.8, mean: [3, 2.8], sigma: 0.45 }] } as const;
const limits = { maxLinear: 0.22, maxAngular: 2.84, maxLinearAccel: 1, maxAngularAccel: 6 };
const safety = { enabled: true, robotRadius: 0.03, clearance: 0.02, gain: 2 };
const settings: ControllerSettings = { drive: 'diff_drive', lookahead: 0.1, limits, poseTimeout: 0.5, enabled: true, safety };
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `robot_${i}`);

/**
 * Runs the controller against differential-drive kinematics for at most `seconds`, or until `done(positions)`; returns
 * the final positions and the worst gaps.
 */
function drive(law: CoverageLaw, start: Positions, yaw: Float64Array, seconds: number, done: (p: Float64Array) => boolean): { p: Float64Array; closestPair: number; closestEdge: number } {
  const n = start.length / 2;
  const ctl = new CoverageController(names(n), law, settings);
  const k = new SwarmKinematics(start, { drive: 'diff_drive', walls: domain, initialYaw: yaw });
  let closestPair = Infinity;
  let closestEdge = Infinity;
  for (let tick = 0; tick < seconds * 10; tick++) {
    const t = tick / 10;
    for (let i = 0; i < n; i++) ctl.updatePose(i, k.x[i], k.y[i], k.yaw[i], t);
    const r = ctl.tick(t);
    r.commands.forEach((c, i) => {
      assert.ok(withinLimits(c, limits), `command over the limits: ${JSON.stringify(c)}`);
      k.command(i, c.vx, c.vy, c.wz, t);
    });
    k.step(0.1);
    for (let i = 0; i < n; i++) {
      assert.ok(!wall.contains(k.x[i], k.y[i]), `robot ${i} entered the wall at t = ${t}`);
      closestEdge = Math.min(closestEdge, wall.distanceToEdge(k.x[i], k.y[i], 1));
      for (let j = i + 1; j < n; j++) closestPair = Math.min(closestPair, Math.hypot(k.x[i] - k.x[j], k.y[i] - k.y[j]));
    }
    if (done(k.positions())) break;
  }
  return { p: k.positions(), closestPair, closestEdge };
}

test('a differential-drive robot facing a wall, the target behind it, gets round through the door (blob flow)', () => {
  const target = new Target(behindTheWall, domain, { obstacles: wall });
  const law = new BlobLaw(target, { method: 'multiscale', epsilon: 0, diffusivity: 1, period: 0.1 });
  const { p, closestEdge } = drive(law, Float64Array.of(1.75, 2.6), Float64Array.of(0), 60, (q) => q[0] > 2.3);
  assert.ok(p[0] > 2.05, `the robot ends in the target's room: (${p[0]}, ${p[1]})`);
  assert.ok(closestEdge >= 0.05 - 1e-3, `it kept its distance from the wall: ${closestEdge}`);
});

test('five differential-drive robots go through the door one by one, separation held', () => {
  const concentrated = { type: 'mixture', components: [{ type: 'uniform', weight: 0.05 }, { type: 'gaussian', weight: 0.95, mean: [3, 2.8], sigma: 0.45 }] } as const;
  const target = new Target(concentrated, domain, { obstacles: wall });
  const law = new BlobLaw(target, { method: 'multiscale', epsilon: 0, diffusivity: 1, period: 0.1 });
  const start = Float64Array.of(1.7, 2.0, 1.7, 2.3, 1.7, 2.6, 1.4, 2.2, 1.4, 2.5);
  const inRoom = (q: Float64Array): number => [0, 1, 2, 3, 4].filter((i) => q[2 * i] > 2.05).length;
  const { p, closestPair } = drive(law, start, new Float64Array(5), 90, (q) => inRoom(q) >= 4);
  const through = inRoom(p);
  assert.ok(through >= 4, `${through} of 5 robots in the target's room: ${[...p].map((v) => v.toFixed(2))}`);
  assert.ok(closestPair >= 0.08 - 1e-3, `closest pair ${closestPair} (separation 0.08 m)`);
});

/** A law that drives every robot straight at (gx, gy), through anything. */
class Beeline implements CoverageLaw {
  readonly algorithm = 'blob' as const;
  constructor(readonly target: Target, private readonly gx: number, private readonly gy: number) {}
  evaluate(p: Positions, v: Float64Array): LawOutput {
    for (let i = 0; i < p.length; i += 2) {
      const dx = this.gx - p[i];
      const dy = this.gy - p[i + 1];
      const d = Math.hypot(dx, dy) || 1;
      v[i] = (0.3 * dx) / d;
      v[i + 1] = (0.3 * dy) / d;
    }
    return { energy: 0, epsilon: 0 };
  }
}

test('the sidestep rule: a robot driven head-on into a wall turns in place to the free side instead of pressing on', () => {
  // The worst case for a unicycle: the law points exactly along its heading, into the wall (a Euclidean beeline to a
  // goal right behind the wall's middle). Without the rule it stands at the wall face, heading unchanged (measured:
  // |yaw| <= 0.05 rad); with it, it turns in place to the free side for SIDESTEP_HOLD s, again whenever it is blocked
  // (then the beeline turns it back: the rule unjams, it does not plan; the heat-kernel flow is what points round
  // walls).
  const short = new ObstacleMap([[[1.95, 1.5], [2.05, 1.5], [2.05, 2.5], [1.95, 2.5]]]);
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain, { obstacles: short });
  const law = new Beeline(target, 2.6, 2.05);
  const n = 1;
  const ctl = new CoverageController(names(n), law, settings);
  const k = new SwarmKinematics(Float64Array.of(1.5, 2.0), { drive: 'diff_drive', walls: domain, initialYaw: Float64Array.of(0) });
  let turned = 0;
  for (let tick = 0; tick < 100; tick++) {
    const t = tick / 10;
    ctl.updatePose(0, k.x[0], k.y[0], k.yaw[0], t);
    const c = ctl.tick(t).commands[0];
    k.command(0, c.vx, c.vy, c.wz, t);
    k.step(0.1);
    assert.ok(!short.contains(k.x[0], k.y[0]), `in the wall at t = ${t}`);
    assert.ok(k.x[0] <= 1.95 - 0.05 + 1e-3, `it never closed in on the wall beyond its barrier: x ${k.x[0]}`);
    turned = Math.max(turned, Math.abs(k.yaw[0]));
  }
  assert.ok(turned > Math.PI / 3, `it turned away from the wall: largest |yaw| ${turned}`);
});

/** A barrier view with these binding normals (walls when fixed). */
const view = (normals: [number, number][], fixed = true) => ({ bindingNormals: (_k: number, visit: (x: number, y: number, fixed: boolean) => void) => normals.forEach(([x, y]) => visit(x, y, fixed)) });

test('JamEscape: blocked robots sidestep to the freer side for SIDESTEP_HOLD s, left on a tie; free robots do not', () => {
  const jams = new JamEscape(2);
  const out = new Float64Array(2);
  // Not blocked: the filter let 50% of the forward speed through.
  assert.equal(jams.update(0, 0, 0, 1, 0, 1, 0.5, view([[-1, 0]])), false);
  // Head-on into a wall (normal -x): blocked, but only a sidestep once blocked for SIDESTEP_PATIENCE s.
  assert.equal(jams.update(0, 0, 0, 1, 0, 1, 0, view([[-1, 0]])), false, 'blocked for one tick: it waits');
  jams.apply(0, 0.05, 1, 0, out);
  assert.deepEqual([...out], [1, 0], 'no sidestep while it waits');
  // A tie, so left: u = (1, 0) becomes (0, 1).
  const t0 = SIDESTEP_PATIENCE;
  assert.equal(jams.update(0, 0, t0, 1, 0, 1, 0, view([[-1, 0]])), true);
  jams.apply(0, t0 + SIDESTEP_HOLD / 2, 1, 0, out);
  assert.deepEqual([...out], [-0, 1]);
  jams.apply(0, t0 + SIDESTEP_HOLD + 0.01, 1, 0, out);
  assert.deepEqual([...out], [1, 0], 'the law again after the hold');
  // A robot ahead-left (normal pointing right-back): the right side is freer.
  assert.equal(jams.update(1, 1, 0, 1, 0, 1, 0, view([[-0.7, -0.7]])), false);
  assert.equal(jams.update(1, 1, t0, 1, 0, 1, 0, view([[-0.7, -0.7]])), true);
  jams.apply(1, t0 + 0.1, 1, 0, out);
  assert.deepEqual([...out], [0, -1]);
});

test('JamEscape: a robot held only by robots, or by a wall behind it, waits (robots ahead move off); a wall in the way starts the count', () => {
  const jams = new JamEscape(1);
  const out = new Float64Array(2);
  // Robots ahead (normal against u = +x), for far longer than the patience: no sidestep.
  for (let t = 0; t < 2; t += 0.1) assert.equal(jams.update(0, 0, t, 1, 0, 1, 0, view([[-1, 0], [-0.7, 0.7]], false)), false);
  jams.apply(0, 2, 1, 0, out);
  assert.deepEqual([...out], [1, 0]);
  // A wall behind it (normal along u) and robots ahead: it still waits.
  const behind = { bindingNormals: (_k: number, visit: (x: number, y: number, fixed: boolean) => void) => (visit(1, 0, true), visit(-1, 0, false)) };
  for (let t = 2; t < 4; t += 0.1) assert.equal(jams.update(0, 0, t, 1, 0, 1, 0, behind), false);
  // A wall in the way: the count starts at its first tick.
  assert.equal(jams.update(0, 0, 4, 1, 0, 1, 0, view([[-1, 0]])), false);
  assert.equal(jams.update(0, 0, 4 + SIDESTEP_PATIENCE, 1, 0, 1, 0, view([[-1, 0]])), true);
});

test('JamEscape: a tick that is not blocked starts the patience again; reset forgets it', () => {
  const jams = new JamEscape(1);
  const wall = { bindingNormals: (_k: number, visit: (x: number, y: number, fixed: boolean) => void) => visit(-1, 0, true) };
  const dt = SIDESTEP_PATIENCE / 2;
  assert.equal(jams.update(0, 0, 0, 1, 0, 1, 0, wall), false);
  assert.equal(jams.update(0, 0, dt, 1, 0, 1, 0.5, wall), false, 'free this tick');
  assert.equal(jams.update(0, 0, 2 * dt, 1, 0, 1, 0, wall), false, 'blocked again: the count starts again');
  assert.equal(jams.update(0, 0, 3 * dt, 1, 0, 1, 0, wall), false);
  assert.equal(jams.update(0, 0, 4 * dt, 1, 0, 1, 0, wall), true, 'blocked for SIDESTEP_PATIENCE s without a break');
  jams.reset();
  assert.equal(jams.update(0, 0, 10, 1, 0, 1, 0, wall), false, 'after a reset it waits again');
  assert.equal(jams.update(0, 0, 10 + SIDESTEP_PATIENCE, 1, 0, 1, 0, wall), true);
});
