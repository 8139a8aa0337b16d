import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoverageController } from '../../../src/control/controller.js';
import type { ControllerSettings } from '../../../src/control/controller.js';
import { BlobLaw } from '../../../src/control/laws/blob-law.js';
import { SafetyFilter, appliedGain, minSeparation } from '../../../src/control/safety/safety.js';
import type { FilterOptions, FilterPass, SafetySettings } from '../../../src/control/safety/safety.js';
import type { BodyCommand } from '../../../src/control/shaping.js';
import { ObstacleMap, Target, createRng } from '../../../src/engine/index.js';
import type { Polygon } from '../../../src/engine/index.js';
import { PUBLIC_S1 } from '../../../src/engine/target/presets.js';

// Differential drive: the unicycle pass prunes its barriers by the centres' speed bound (max_linear_speed, option
// `forwardSpeed`) instead of the look-ahead point's (docs/safety.md, "Pruning by the centre's speed"). The claim is
// about the FINAL commands, after the shaping, the rate limiting, the blend and the arc check: each meets every
// barrier of the full set, the one the filter builds with the look-ahead point's bound (the old range). Checked on
// random differential-drive swarms run closed loop through the controller (crowds at the speed limit, robots inside
// each other, on one point, near walls and an obstacle, latency discs, random limits, gains and command timeouts):
// (1) each robot's half of each barrier of the full set, with the full set's own split, by its exact arc bound;
// (2) independently of the filter's code, every pair's and wall's condition sampled along the arcs the centres
// follow over a whole command timeout.

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const square: Polygon = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.35], [0.1, 0.35]];

/** Displacement of a unicycle's centre after tau s at forward speed v and yaw rate w from heading th. */
function arc(th: number, v: number, w: number, tau: number): [number, number] {
  if (Math.abs(w * tau) < 1e-9) return [v * tau * Math.cos(th), v * tau * Math.sin(th)];
  return [(v / w) * (Math.sin(th + w * tau) - Math.sin(th)), (v / w) * (Math.cos(th) - Math.cos(th + w * tau))];
}

function randomRun(seed: number): { checked: number; pruned: number; full: number; recovering: number; failures: string[] } {
  const rng = createRng(seed);
  const r = () => rng.next();
  const n = 30 + Math.floor(r() * 50);
  const safety: SafetySettings = { enabled: true, robotRadius: 0.01 + 0.03 * r(), clearance: 0.01 * r(), gain: 0.5 + 3 * r() };
  const limits = { maxLinear: 0.1 + 0.4 * r(), maxAngular: 1 + 3 * r(), maxLinearAccel: 0.3 + 3 * r(), maxAngularAccel: 2 + 8 * r() };
  const settings: ControllerSettings = {
    drive: 'diff_drive', lookahead: 0.05 + 0.15 * r(), limits, poseTimeout: 0.5, commandTimeout: 0.2 + 0.8 * r(), enabled: true, safety,
  };
  const obstacles = seed % 3 === 0;
  const target = new Target(PUBLIC_S1, domain, obstacles ? { obstacles: new ObstacleMap([square]) } : undefined);
  const ctl = new CoverageController(Array.from({ length: n }, (_, i) => `r${i}`), new BlobLaw(target, { method: 'multiscale', epsilon: 0, diffusivity: 1 }), settings);
  // The unicycle pass's inputs, recorded as the controller calls the filter.
  const inner = (ctl as unknown as { filter: SafetyFilter }).filter;
  const run = inner.filter.bind(inner);
  let pass: FilterPass | undefined;
  inner.filter = (points, movable, velocities, s, o) => {
    if (o.headings) {
      assert.equal(o.forwardSpeed, limits.maxLinear, 'the controller bounds the unicycle pass by max_linear_speed');
      pass = {
        points: points.slice(), movable: movable.slice(), velocities: velocities.slice(), settings: s,
        options: { ...o, headings: o.headings.slice(), radii: o.radii?.slice(), speeds: o.speeds?.slice(), forwardSpeed: undefined },
      };
    }
    return run(points, movable, velocities, s, o);
  };
  // A crowd packed near a wall (some inside each other), a pile on one point, headings at random.
  const dPair = minSeparation(safety);
  const spacing = dPair * (0.9 + 0.8 * r());
  const cols = Math.ceil(Math.sqrt(n));
  const x0 = -0.98 + 0.3 * r();
  const y0 = -0.98 + 0.3 * r();
  const p = new Float64Array(2 * n);
  const yaw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    p[2 * i] = x0 + (i % cols) * spacing + 0.3 * spacing * (r() - 0.5);
    p[2 * i + 1] = y0 + Math.floor(i / cols) * spacing + 0.3 * spacing * (r() - 0.5);
    yaw[i] = 2 * Math.PI * r();
  }
  p[2] = p[0];
  p[3] = p[1];
  const before = p.slice();
  const beforeYaw = yaw.slice();
  const hold = settings.commandTimeout!;
  const g = appliedGain(safety, { hold, brake: limits.maxLinearAccel });
  const allowed = (h: number): number => (h < 0 ? 0 : Math.min(g * h, Math.sqrt(limits.maxLinearAccel * h)));
  const dEdge = safety.robotRadius + safety.clearance;
  const result = { checked: 0, pruned: 0, full: 0, recovering: 0, failures: [] as string[] };
  const dt = 0.05;
  for (let tick = 0; tick < 14; tick++) {
    const now = tick * dt;
    // A fifth of the poses arrive a tick late (latency discs around them).
    for (let i = 0; i < n; i++) {
      const late = tick > 0 && r() < 0.2;
      ctl.updatePose(i, late ? before[2 * i] : p[2 * i], late ? before[2 * i + 1] : p[2 * i + 1], late ? beforeYaw[i] : yaw[i], late ? now - dt : now);
    }
    pass = undefined;
    const commands: readonly BodyCommand[] = ctl.tick(now).commands;
    assert.ok(pass, 'the unicycle pass ran');
    const c = pass as FilterPass;
    // The full set: the same pass pruned by the look-ahead point's bound (the old range), in the reference JS path.
    const full = new SafetyFilter(target, { kernel: 'js' });
    full.filter(c.points, c.movable, c.velocities.slice(), c.settings, c.options);
    const m = c.movable.length;
    const slotOf = new Int32Array(m);
    // Slots are the robots in order (all have poses): slot k is robot k.
    for (let k = 0; k < m; k++) slotOf[k] = k;
    for (let k = 0; k < m; k++) {
      if (c.movable[k] !== 1) continue;
      const cmd = commands[slotOf[k]];
      const th = c.options.headings![k];
      if (full.recovering(k)) result.recovering++;
      full.bindingNormals(k, () => result.full++, Infinity);
      inner.bindingNormals(k, () => result.pruned++, Infinity);
      // (1) Every barrier of the full set, this robot's half with the full set's split (a recovery one as not closing in).
      const { lo, hi } = full.arcSpeedLimits(k, th, th, cmd.wz, hold, Infinity);
      result.checked++;
      if (!(cmd.vx >= lo - 1e-9 && cmd.vx <= hi + 1e-9)) result.failures.push(`seed ${seed} tick ${tick} robot ${k}: forward ${cmd.vx} outside [${lo}, ${hi}] of the full set`);
    }
    // (2) Pairs and walls along the arcs over a whole hold: n . (D_i - D_j) >= -s(h) tau (not closing in when inside).
    for (let s = 1; s <= 10; s++) {
      const tau = (s / 10) * hold;
      const d = new Float64Array(2 * m);
      for (let k = 0; k < m; k++) {
        if (c.movable[k] !== 1) continue;
        const [dx, dy] = arc(c.options.headings![k], commands[k].vx, commands[k].wz, tau);
        d[2 * k] = dx;
        d[2 * k + 1] = dy;
      }
      for (let i = 0; i < m; i++) {
        const ri = c.options.radii ? c.options.radii[i] : 0;
        for (let j = i + 1; j < m; j++) {
          const ex = c.points[2 * i] - c.points[2 * j];
          const ey = c.points[2 * i + 1] - c.points[2 * j + 1];
          const dist = Math.hypot(ex, ey);
          if (dist < 1e-9) continue; // on one point: they only separate along their escape directions
          const h = dist - dPair - ri - (c.options.radii ? c.options.radii[j] : 0);
          const closing = (ex * (d[2 * i] - d[2 * j]) + ey * (d[2 * i + 1] - d[2 * j + 1])) / dist;
          if (closing < -allowed(h) * tau - 1e-9) result.failures.push(`seed ${seed} tick ${tick} pair ${i} ${j}: h ${h}, ${closing} over ${tau} s, allowed ${-allowed(h) * tau}`);
        }
        if (c.movable[i] !== 1) continue;
        const walls: [number, number, number][] = [
          [1, 0, c.points[2 * i] - domain.xmin], [-1, 0, domain.xmax - c.points[2 * i]],
          [0, 1, c.points[2 * i + 1] - domain.ymin], [0, -1, domain.ymax - c.points[2 * i + 1]],
        ];
        for (const [nx, ny, gap] of walls) {
          const h = gap - dEdge - ri;
          if (nx * d[2 * i] + ny * d[2 * i + 1] < -allowed(h) * tau - 1e-9) result.failures.push(`seed ${seed} tick ${tick} robot ${i} wall ${nx},${ny}: h ${h}`);
        }
      }
    }
    // The robots move along their arcs for one tick.
    before.set(p);
    beforeYaw.set(yaw);
    for (let i = 0; i < n; i++) {
      const [dx, dy] = arc(yaw[i], commands[i].vx, commands[i].wz, dt);
      p[2 * i] += dx;
      p[2 * i + 1] += dy;
      yaw[i] += commands[i].wz * dt;
    }
  }
  return result;
}

test('diff drive pruned by the centre speed: final commands meet every barrier of the full set (24 random swarms)', () => {
  let checked = 0;
  let pruned = 0;
  let full = 0;
  let recovering = 0;
  const failures: string[] = [];
  for (let seed = 1; seed <= 24; seed++) {
    const r = randomRun(seed);
    checked += r.checked;
    pruned += r.pruned;
    full += r.full;
    recovering += r.recovering;
    failures.push(...r.failures);
  }
  assert.deepEqual(failures.slice(0, 10), []);
  // The cases bind and prune: robots recover, and the pruned set is clearly smaller than the full one.
  assert.ok(checked > 10000 && recovering > 100, `checked ${checked}, recovering ${recovering}`);
  assert.ok(pruned < 0.95 * full, `barriers kept ${pruned} against ${full} in the full set`);
});

/**
 * Robot 0 stands (no desired speed, no previous command) inside the left wall's barrier, robot 1 just ahead of it.
 * The wall asks robot 0 to leave at 2 (0.03 + 0.001) = 0.062 m/s, the pair's barrier lets it close in at 0.01 m/s at
 * most: pruned by its own speed (0), that barrier would be dropped and the wall's push would drive it into robot 1.
 * Runs the filter with `options` in both kernels and gives each kernel's velocity of robot 0 along x.
 */
function wallPush(options: Omit<FilterOptions, 'speeds'>): { kernel: string; ux: number }[] {
  const target = new Target(PUBLIC_S1, domain);
  const settings: SafetySettings = { enabled: true, robotRadius: 0.05, clearance: 0, gain: 2 };
  return (['js', 'wasm'] as const).map((kernel) => {
    const filter = new SafetyFilter(target, { kernel });
    const points = Float64Array.from([domain.xmin + 0.02, 0, domain.xmin + 0.13, 0]);
    const u = new Float64Array(4);
    filter.filter(points, Uint8Array.from([1, 1]), u, settings, { ...options, speeds: new Float64Array(2) });
    assert.ok(filter.recovering(0), "robot 0 is inside the wall's barrier");
    return { kernel, ux: u[0] };
  });
}

test('a unicycle a wall pushes out is pruned by the centre bound, not by its own speed: it does not drive into the robot ahead', () => {
  // Heading away from the wall, robot 1 facing it.
  for (const { kernel, ux } of wallPush({ maxSpeed: 0.36, forwardSpeed: 0.22, headings: Float64Array.from([0, Math.PI]) })) {
    assert.ok(ux <= 0.01 + 1e-12, `${kernel}: robot 0 closes in on robot 1 at ${ux} m/s (its half of the barrier allows 0.01)`);
  }
});

test('a holonomic robot a wall pushes out keeps the barrier of the robot just ahead (both kernels)', () => {
  for (const { kernel, ux } of wallPush({ maxSpeed: 0.22 })) {
    assert.ok(ux > 0, `${kernel}: robot 0 leaves the wall (${ux} m/s)`);
    assert.ok(ux <= 0.01 + 1e-12, `${kernel}: robot 0 closes in on robot 1 at ${ux} m/s (its half of the barrier allows 0.01)`);
  }
});
