import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetyFilter } from '../../../src/control/safety/safety.js';
import type { FilterOptions, SafetySettings } from '../../../src/control/safety/safety.js';
import { ObstacleMap, Target, createRng } from '../../../src/engine/index.js';
import type { Polygon } from '../../../src/engine/index.js';
import { ReferenceSafetyFilter } from './reference/safety-v1.js';

// The fast filter against the one it replaced (kept verbatim in reference/): same velocities, same report, same
// answers to every query the controller makes, on random swarms that exercise every branch (crowds at the speed
// limit, robots inside each other and on one point, stale robots and other instances' robots, latency discs,
// differential drive, obstacles and walls, with and without braking). The per-robot projection is no longer the old
// one (an incremental method, half-planes.ts, instead of every projection and vertex): it finds the same unique
// closest point and the same infeasible problems. Both count a constraint met within 1e-9 m/s as met, so in general
// their answers may differ by about that much (9.4e-10 m/s on bench:safety's captured passes); on these swarms the
// velocities agree within 1e-12 m/s.

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
const uniform = { type: 'mixture' as const, components: [{ type: 'uniform' as const, weight: 1 }] };
const square: Polygon = [[1.5, 1.5], [2.2, 1.5], [2.2, 2.1], [1.5, 2.1]];

interface Case {
  readonly points: Float64Array;
  readonly movable: Uint8Array;
  readonly velocities: Float64Array;
  readonly settings: SafetySettings;
  readonly options: FilterOptions;
  readonly obstacles: boolean;
}

function randomCase(seed: number): Case {
  const rng = createRng(seed);
  const r = () => rng.next();
  const n = 20 + Math.floor(r() * 380);
  const settings: SafetySettings = { enabled: true, robotRadius: 0.01 + 0.05 * r(), clearance: 0.02 * r(), gain: 0.5 + 3 * r() };
  const dPair = 2 * settings.robotRadius + settings.clearance;
  // A crowd: a patch whose spacing is a small multiple of the separation (some closer: inside each other).
  const spacing = dPair * (0.8 + 2 * r());
  const side = Math.min(3.8, spacing * Math.sqrt(n));
  const cx = 0.1 + r() * (3.8 - side);
  const cy = 0.1 + r() * (3.8 - side);
  const points = new Float64Array(2 * n);
  const cols = Math.ceil(Math.sqrt(n));
  const jitter = r() < 0.5 ? 0 : spacing * r();
  for (let i = 0; i < n; i++) {
    points[2 * i] = cx + (i % cols) * spacing + jitter * (r() - 0.5);
    points[2 * i + 1] = cy + Math.floor(i / cols) * spacing + jitter * (r() - 0.5);
  }
  // A few robots on one point, and a few stray ones anywhere (also outside the domain).
  for (let k = 0; k < 3; k++) {
    const a = Math.floor(r() * n);
    const b = Math.floor(r() * n);
    points[2 * b] = points[2 * a];
    points[2 * b + 1] = points[2 * a + 1];
  }
  for (let k = 0; k < 3; k++) {
    const a = Math.floor(r() * n);
    points[2 * a] = -0.2 + 4.4 * r();
    points[2 * a + 1] = -0.2 + 4.4 * r();
  }
  const movable = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = r();
    movable[i] = x < 0.85 ? 1 : x < 0.93 ? 2 : 0;
  }
  const maxSpeed = 0.1 + r();
  // A coherent flow (a rotation) plus noise, often at the speed limit.
  const velocities = new Float64Array(2 * n);
  const noise = r();
  for (let i = 0; i < n; i++) {
    if (movable[i] !== 1) continue;
    let vx = -(points[2 * i + 1] - 2) + noise * (r() - 0.5) * 4;
    let vy = points[2 * i] - 2 + noise * (r() - 0.5) * 4;
    const speed = Math.hypot(vx, vy);
    const k = r() < 0.7 ? maxSpeed / speed : (maxSpeed * r()) / speed;
    vx *= k;
    vy *= k;
    velocities[2 * i] = vx;
    velocities[2 * i + 1] = vy;
  }
  const diff = r() < 0.35;
  const headings = diff ? Float64Array.from({ length: n }, () => 2 * Math.PI * r()) : undefined;
  const radii = r() < 0.6 ? Float64Array.from({ length: n }, () => (r() < 0.3 ? 0.01 * r() : 0)) : undefined;
  const speeds = r() < 0.6 ? Float64Array.from({ length: n }, () => maxSpeed * 1.1 * r()) : undefined;
  const sampled = r() < 0.8 ? { hold: 0.1 + r(), brake: r() < 0.3 ? Infinity : 0.2 + 2 * r() } : undefined;
  return { points, movable, velocities, settings, options: { maxSpeed, headings, radii, speeds, sampled }, obstacles: r() < 0.4 };
}

test('the fast filter gives the old filter\'s velocities, report and queries on random swarms (60 cases)', () => {
  let barriers = 0;
  let recovering = 0;
  let modified = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const c = randomCase(seed);
    const target = new Target(uniform, domain, c.obstacles ? { obstacles: new ObstacleMap([square]) } : undefined);
    const fast = new SafetyFilter(target);
    const old = new ReferenceSafetyFilter(target);
    const u = c.velocities.slice();
    const w = c.velocities.slice();
    // Twice: the second pass reuses the buffers of the first.
    for (let pass = 0; pass < 2; pass++) {
      u.set(c.velocities);
      w.set(c.velocities);
      const a = fast.filter(c.points, c.movable, u, c.settings, c.options);
      const b = old.filter(c.points, c.movable, w, c.settings, c.options);
      assert.deepEqual(a, b, `seed ${seed}: report`);
      modified += a.modified;
    }
    for (let k = 0; k < u.length; k++) assert.ok(Math.abs(u[k] - w[k]) <= 1e-12, `seed ${seed}: velocity ${k}: ${u[k]} against ${w[k]}`);
    const rng = createRng(1000 + seed);
    const n = c.points.length >> 1;
    for (let i = 0; i < n; i++) {
      if (c.movable[i] !== 1) continue;
      const vx = c.options.maxSpeed * (2 * rng.next() - 1);
      const vy = c.options.maxSpeed * (2 * rng.next() - 1);
      // (The same safe point for both: the two projections agree to round-off, not bit for bit; see above.)
      assert.equal(fast.blendToSafe(i, vx, vy, w[2 * i], w[2 * i + 1]), old.blendToSafe(i, vx, vy, w[2 * i], w[2 * i + 1]), `seed ${seed}: blendToSafe ${i}`);
      // A command equal to the safe one needs no blend (the old filter's loop finds its result meets every barrier).
      assert.equal(old.blendToSafe(i, w[2 * i], w[2 * i + 1], w[2 * i], w[2 * i + 1]), 0, `seed ${seed}: ${i} is safe`);
      assert.equal(fast.blendToSafe(i, u[2 * i], u[2 * i + 1], u[2 * i], u[2 * i + 1]), 0);
      assert.equal(fast.recovering(i), old.recovering(i), `seed ${seed}: recovering ${i}`);
      if (fast.recovering(i)) recovering++;
      const normals = (f: { bindingNormals(i: number, visit: (x: number, y: number) => void): void }): number[] => {
        const list: number[] = [];
        f.bindingNormals(i, (x, y) => list.push(x, y));
        return list.sort((p, q) => p - q);
      };
      const mine = normals(fast);
      assert.deepEqual(mine, normals(old), `seed ${seed}: binding normals ${i}`);
      barriers += mine.length / 2;
      if (c.options.headings) {
        const h = c.options.headings[i];
        const wz = 3 * (2 * rng.next() - 1);
        const p = fast.arcSpeedLimits(i, h - 0.2, h + 0.1, wz, 0.5, c.options.maxSpeed);
        const [lo, hi] = [p.lo, p.hi];
        const q = old.arcSpeedLimits(i, h - 0.2, h + 0.1, wz, 0.5, c.options.maxSpeed);
        assert.deepEqual([lo, hi], [q.lo, q.hi], `seed ${seed}: arcSpeedLimits ${i}`);
      }
    }
  }
  // The cases bind: robots were modified, some recover, and barriers are near.
  assert.ok(modified > 5000 && recovering > 500 && barriers > 50000, `modified ${modified}, recovering ${recovering}, binding barriers ${barriers}`);
});
