import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoverageController } from '../../src/control/controller.js';
import type { ControllerSettings } from '../../src/control/controller.js';
import { GUIDE_TRUST, collectNormals, guidedVelocity, projectOnCone } from '../../src/control/guide.js';
import { createRng } from '../../src/engine/random.js';
import type { CoverageLaw, LawOutput } from '../../src/control/laws/law.js';
import { withinLimits } from '../../src/control/shaping.js';
import { ObstacleMap, Target } from '../../src/engine/index.js';
import type { Positions } from '../../src/engine/index.js';
import { SwarmKinematics } from '../../src/sim/kinematics.js';

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
const limits = { maxLinear: 0.22, maxAngular: 2.84, maxLinearAccel: 1, maxAngularAccel: 6 };
const safety = { enabled: true, robotRadius: 0.03, clearance: 0.02, gain: 2 };
const settings: ControllerSettings = { drive: 'diff_drive', lookahead: 0.1, limits, poseTimeout: 0.5, enabled: true, safety };
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `robot_${i}`);

/** A law that asks every robot for the same velocity (vx, vy). */
class Drift implements CoverageLaw {
  readonly algorithm = 'blob' as const;
  constructor(readonly target: Target, private readonly vx: number, private readonly vy: number) {}
  evaluate(p: Positions, v: Float64Array): LawOutput {
    for (let i = 0; i < p.length; i += 2) {
      v[i] = this.vx;
      v[i + 1] = this.vy;
    }
    return { energy: 0, epsilon: 0 };
  }
}

/** Runs differential-drive robots under `law` for `seconds`; returns the final positions and the closest pair. */
function run(law: CoverageLaw, start: Float64Array, yaw: Float64Array, seconds: number, guide: boolean, obstacles?: ObstacleMap): { p: Float64Array; closestPair: number } {
  const n = start.length / 2;
  const ctl = new CoverageController(names(n), law, { ...settings, guide });
  const k = new SwarmKinematics(start, { drive: 'diff_drive', walls: domain, initialYaw: yaw });
  let closestPair = Infinity;
  for (let tick = 0; tick < seconds * 10; tick++) {
    const t = tick / 10;
    for (let i = 0; i < n; i++) ctl.updatePose(i, k.x[i], k.y[i], k.yaw[i], t);
    ctl.tick(t).commands.forEach((c, i) => {
      assert.ok(withinLimits(c, limits), `command over the limits: ${JSON.stringify(c)}`);
      k.command(i, c.vx, c.vy, c.wz, t);
    });
    k.step(0.1);
    for (let i = 0; i < n; i++) {
      if (obstacles) assert.ok(!obstacles.contains(k.x[i], k.y[i]), `robot ${i} entered an obstacle at t = ${t}`);
      for (let j = i + 1; j < n; j++) closestPair = Math.min(closestPair, Math.hypot(k.x[i] - k.x[j], k.y[i] - k.y[j]));
    }
  }
  return { p: k.positions(), closestPair };
}

test('guidedVelocity: the law itself when the filter let it through; else forward along the guide, turning at the law speed', () => {
  const out = new Float64Array(2);
  guidedVelocity(0.1, 0.2, 0.1, 0.2, 0.7, 1, out);
  assert.deepEqual([...out], [0.1, 0.2]);
  // Heading +x, the law straight ahead (0.3), the guide sideways (0.1 to the left): no forward speed, the turn of a
  // 0.3 m/s look-ahead point to the left.
  guidedVelocity(0.3, 0, 0, 0.1, 0, 1, out);
  assert.ok(Math.abs(out[0]) < 1e-12 && Math.abs(out[1] - 0.3) < 1e-12, `${[...out]}`);
  // The guide at 45 deg ahead-left: forward its component along the heading, turn towards it at the law's speed.
  const g = 0.1 / Math.SQRT2;
  guidedVelocity(0.3, 0, g, g, 0, 1, out);
  assert.ok(Math.abs(out[0] - g) < 1e-12 && Math.abs(out[1] - 0.3 / Math.SQRT2) < 1e-12, `${[...out]}`);
  // A guide below GUIDE_TRUST of the law's speed: turn towards the law's direction (here straight left).
  guidedVelocity(0, 0.3, 0.9 * GUIDE_TRUST * 0.3, 0, 0, 1, out);
  assert.ok(Math.abs(out[0] - 0.9 * GUIDE_TRUST * 0.3) < 1e-12 && Math.abs(out[1] - 0.3) < 1e-12, `${[...out]}`);
  // Scaled into the speed bound as a whole.
  guidedVelocity(0, 0.3, 0.9 * GUIDE_TRUST * 0.3, 0, 0, 0.15, out);
  assert.ok(Math.abs(Math.hypot(out[0], out[1]) - 0.15) < 1e-12 && Math.abs(out[1] / out[0] - 0.3 / (0.9 * GUIDE_TRUST * 0.3)) < 1e-9, `${[...out]}`);
  // No law, no guide: nothing.
  guidedVelocity(0, 0, 0, 0, 1, 1, out);
  assert.deepEqual([...out], [0, 0]);
});

test('a differential-drive robot asked into a wall at 45 deg slides along it with the guide (it stood without)', () => {
  const wall = new ObstacleMap([[[1.95, 0], [2.05, 0], [2.05, 4], [1.95, 4]]]);
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain, { obstacles: wall });
  const law = new Drift(target, 0.15, 0.15);
  const start = Float64Array.of(1.7, 1.0);
  const yaw = Float64Array.of(Math.PI / 4);
  const guided = run(law, start, yaw, 12, true, wall);
  const plain = run(law, start, yaw, 12, false, wall);
  // A holonomic robot would slide at 0.15 m/s once at the wall (about 1.4 m in these 12 s).
  assert.ok(guided.p[1] - 1.0 > 1.0, `with the guide it slid up the wall: y ${guided.p[1]}`);
  assert.ok(guided.p[1] - 1.0 > 2 * (plain.p[1] - 1.0), `faster than without: ${guided.p[1] - 1} m against ${plain.p[1] - 1} m`);
  assert.ok(guided.p[0] <= 1.95 - 0.05 + 1e-3, `it kept its distance from the wall: x ${guided.p[0]}`);
});

test('a packed differential-drive crowd facing across the way it is asked to go leaves faster with the guide, separation held', () => {
  // 36 robots on a grid 8.3 cm apart (the separation is 8 cm), all facing +x, asked to go up and to the left.
  const start = new Float64Array(72);
  for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) [start[2 * (6 * r + c)], start[2 * (6 * r + c) + 1]] = [2 + 0.083 * c, 1 + 0.083 * r];
  const target = new Target({ type: 'mixture', components: [{ type: 'uniform', weight: 1 }] }, domain);
  const law = new Drift(target, -0.1, 0.2);
  const yaw = new Float64Array(36);
  const mean = (p: Float64Array): number => p.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0) / 36;
  const guided = run(law, start, yaw, 6, true);
  const plain = run(law, start, yaw, 6, false);
  const y0 = mean(start);
  assert.ok(mean(guided.p) - y0 > 1.2 * (mean(plain.p) - y0), `mean rise ${mean(guided.p) - y0} m with the guide, ${mean(plain.p) - y0} m without`);
  assert.ok(guided.closestPair >= 0.08 - 1e-9, `closest pair ${guided.closestPair}`);
});

test('the guide slides along the binding barriers by the projection on their cone, whatever order they come in', () => {
  const rng = createRng(11);
  const out = new Float64Array(2);
  const other = new Float64Array(2);
  for (let trial = 0; trial < 300; trial++) {
    const m = 1 + Math.floor(rng.next() * 4);
    const list: [number, number][] = [];
    for (let j = 0; j < m; j++) {
      const a = rng.next() * 2 * Math.PI;
      list.push([Math.cos(a), Math.sin(a)]);
    }
    const g: [number, number] = [rng.next() - 0.5, rng.next() - 0.5];
    const view = (order: [number, number][]) => ({ bindingNormals: (_k: number, visit: (x: number, y: number, f: boolean) => void) => order.forEach(([x, y]) => visit(x, y, false)) });
    collectNormals(view(list), 0);
    projectOnCone(g[0], g[1], out);
    collectNormals(view([...list].reverse()), 0);
    projectOnCone(g[0], g[1], other);
    assert.deepEqual([...other], [...out], 'order-independent');
    // In the cone, and no point of the cone on a fine polar grid around g is nearer to g.
    for (const [x, y] of list) assert.ok(x * out[0] + y * out[1] >= -1e-9, `in the cone: trial ${trial}`);
    const dist = Math.hypot(out[0] - g[0], out[1] - g[1]);
    const r = Math.hypot(g[0], g[1]);
    for (let s = 0; s <= 40; s++) {
      for (let t = 0; t < 360; t++) {
        const px = ((s / 40) * r) * Math.cos((t * Math.PI) / 180);
        const py = ((s / 40) * r) * Math.sin((t * Math.PI) / 180);
        if (list.every(([x, y]) => x * px + y * py >= 0)) assert.ok(Math.hypot(px - g[0], py - g[1]) >= dist - 1e-9, `nearest: trial ${trial}`);
      }
    }
  }
});
