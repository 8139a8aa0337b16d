import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetyFilter } from '../../../src/control/safety/safety.js';
import type { FilterOptions, SafetySettings } from '../../../src/control/safety/safety.js';
import { R_CD, R_CONS, R_KIND, R_RAW, R_RECORDS, R_STARTS, ScanMemory, scanModuleBytes } from '../../../src/control/safety/neighbour-scan.js';
import { ObstacleMap, Target, createRng } from '../../../src/engine/index.js';
import type { Polygon } from '../../../src/engine/index.js';

// The safety filter's neighbour scan and projection in WebAssembly against the JS loops (the reference): the same arithmetic in the
// same order, so velocities, reports and every later query must agree bit for bit, on random swarms that exercise
// every branch (crowds at the speed limit, robots inside each other and on one point, obstacles, walls and robots
// outside the domain, other instances' robots, standing ones, latency discs, differential drive, with and without
// braking), and while the kernel's memory grows in the middle of a pass (its barriers or its constraints).

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

function randomCase(seed: number, n: number): Case {
  const rng = createRng(seed);
  const r = () => rng.next();
  const settings: SafetySettings = { enabled: true, robotRadius: 0.01 + 0.04 * r(), clearance: 0.02 * r(), gain: 0.5 + 3 * r() };
  const dPair = 2 * settings.robotRadius + settings.clearance;
  const spacing = dPair * (0.8 + 2 * r());
  const side = Math.min(4.2, spacing * Math.sqrt(n));
  // Some patches reach past the domain's walls.
  const cx = -0.2 + r() * (4.4 - side);
  const cy = -0.2 + r() * (4.4 - side);
  const points = new Float64Array(2 * n);
  const cols = Math.ceil(Math.sqrt(n));
  const jitter = r() < 0.3 ? 0 : spacing * r();
  for (let i = 0; i < n; i++) {
    points[2 * i] = cx + (i % cols) * spacing + jitter * (r() - 0.5);
    points[2 * i + 1] = cy + Math.floor(i / cols) * spacing + jitter * (r() - 0.5);
  }
  // Robots on one point (pairs and a pile of three).
  for (let k = 0; k < 4; k++) {
    const a = Math.floor(r() * n);
    const b = Math.floor(r() * n);
    points[2 * b] = points[2 * a];
    points[2 * b + 1] = points[2 * a + 1];
    if (k === 0) {
      const c = Math.floor(r() * n);
      points[2 * c] = points[2 * a];
      points[2 * c + 1] = points[2 * a + 1];
    }
  }
  const movable = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = r();
    movable[i] = x < 0.8 ? 1 : x < 0.92 ? 2 : 0;
  }
  const maxSpeed = 0.1 + r();
  const velocities = new Float64Array(2 * n);
  const noise = r();
  for (let i = 0; i < n; i++) {
    if (movable[i] !== 1) continue;
    let vx = -(points[2 * i + 1] - 2) + noise * (r() - 0.5) * 4;
    let vy = points[2 * i] - 2 + noise * (r() - 0.5) * 4;
    const speed = Math.hypot(vx, vy);
    const k = r() < 0.7 ? maxSpeed / speed : (maxSpeed * r()) / speed;
    velocities[2 * i] = vx * k;
    velocities[2 * i + 1] = vy * k;
  }
  const headings = seed % 3 === 0 ? Float64Array.from({ length: n }, () => 2 * Math.PI * r()) : undefined;
  const radii = r() < 0.6 ? Float64Array.from({ length: n }, () => (r() < 0.3 ? 0.01 * r() : 0)) : undefined;
  const speeds = r() < 0.6 ? Float64Array.from({ length: n }, () => maxSpeed * 1.1 * r()) : undefined;
  const sampled = r() < 0.8 ? { hold: 0.1 + r(), brake: r() < 0.3 ? Infinity : 0.2 + 2 * r() } : undefined;
  // Half the differential-drive cases pruned by the centres' speed, as the controller's unicycle pass is.
  const forwardSpeed = seed % 6 === 3 ? 0.6 * maxSpeed : undefined;
  return { points, movable, velocities, settings, options: { maxSpeed, headings, radii, speeds, sampled, forwardSpeed }, obstacles: seed % 2 === 0 };
}

test('the scan kernel is valid WebAssembly and the filter uses it on this Node', () => {
  assert.ok(WebAssembly.validate(scanModuleBytes()));
  const target = new Target(uniform, domain);
  assert.equal(new SafetyFilter(target).kernel, 'wasm');
  assert.equal(new SafetyFilter(target, { kernel: 'js' }).kernel, 'js');
});

test('the scan memory keeps every region\'s contents when one grows', () => {
  const m = new ScanMemory();
  const regions = [R_RECORDS, R_STARTS, R_CD, R_KIND, R_RAW, R_CONS];
  const fill = (r: number, k: number): number => (r * 31 + k * 7) % 251;
  for (const r of regions) {
    const bytes = new Uint8Array(m.memory.buffer, m.offset(r), m.capacity(r));
    for (let k = 0; k < bytes.length; k++) bytes[k] = fill(r, k);
  }
  const sizes = regions.map((r) => m.capacity(r));
  const version = m.version;
  m.reserve(R_CD, 100_000); // past the first page: the memory grows and every later region moves
  assert.ok(m.version > version && m.capacity(R_CD) >= 100_000);
  for (const r of regions) {
    const bytes = new Uint8Array(m.memory.buffer, m.offset(r), sizes[r]);
    for (let k = 0; k < bytes.length; k++) assert.equal(bytes[k], fill(r, k), `region ${r} byte ${k}`);
  }
});

test('the Wasm kernel gives the JS loops\' velocities, report and queries bit for bit on random swarms (40 cases)', () => {
  let modified = 0;
  let recovering = 0;
  let unicycles = 0;
  for (let seed = 1; seed <= 40; seed++) {
    // Every eighth case large enough that the scan's memory grows in the middle of the first pass.
    const c = randomCase(seed, seed % 8 === 0 ? 1500 : 30 + ((seed * 37) % 300));
    const target = new Target(uniform, domain, c.obstacles ? { obstacles: new ObstacleMap([square]) } : undefined);
    const wasm = new SafetyFilter(target);
    const js = new SafetyFilter(target, { kernel: 'js' });
    const u = c.velocities.slice();
    const w = c.velocities.slice();
    for (let pass = 0; pass < 2; pass++) {
      u.set(c.velocities);
      w.set(c.velocities);
      const a = wasm.filter(c.points, c.movable, u, c.settings, c.options);
      const b = js.filter(c.points, c.movable, w, c.settings, c.options);
      assert.deepEqual(a, b, `seed ${seed}: report`);
      modified += a.modified;
    }
    for (let k = 0; k < u.length; k++) assert.ok(Object.is(u[k], w[k]), `seed ${seed}: velocity ${k}: ${u[k]} against ${w[k]}`);
    const rng = createRng(1000 + seed);
    const n = c.points.length >> 1;
    for (let i = 0; i < n; i++) {
      if (c.movable[i] !== 1) continue;
      const vx = c.options.maxSpeed * (2 * rng.next() - 1);
      const vy = c.options.maxSpeed * (2 * rng.next() - 1);
      assert.equal(wasm.blendToSafe(i, vx, vy, u[2 * i], u[2 * i + 1]), js.blendToSafe(i, vx, vy, w[2 * i], w[2 * i + 1]), `seed ${seed}: blendToSafe ${i}`);
      assert.equal(wasm.recovering(i), js.recovering(i), `seed ${seed}: recovering ${i}`);
      if (wasm.recovering(i)) recovering++;
      // In the order found: the scan visits the same robots in the same order.
      const normals = (f: SafetyFilter): number[] => {
        const list: number[] = [];
        f.bindingNormals(i, (x, y, fixed) => list.push(x, y, fixed ? 1 : 0), Infinity);
        return list;
      };
      assert.deepEqual(normals(wasm), normals(js), `seed ${seed}: barriers of ${i}`);
      if (c.options.headings) {
        unicycles++;
        const h = c.options.headings[i];
        const p = wasm.arcSpeedLimits(i, h - 0.2, h + 0.1, 1, 0.5, c.options.maxSpeed);
        const [lo, hi] = [p.lo, p.hi];
        const q = js.arcSpeedLimits(i, h - 0.2, h + 0.1, 1, 0.5, c.options.maxSpeed);
        assert.deepEqual([lo, hi], [q.lo, q.hi], `seed ${seed}: arcSpeedLimits ${i}`);
      }
    }
  }
  // The cases bind: robots were modified, some recover, some are unicycles.
  assert.ok(modified > 3000 && recovering > 300 && unicycles > 1000, `modified ${modified}, recovering ${recovering}, unicycles ${unicycles}`);
});
