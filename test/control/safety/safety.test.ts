import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetyFilter, appliedGain, crowdingCheck, minSeparation } from '../../../src/control/safety/safety.js';
import { ObstacleMap, Target, createRng } from '../../../src/engine/index.js';
import type { Polygon } from '../../../src/engine/index.js';

const domain = { xmin: 0, xmax: 4, ymin: 0, ymax: 4 };
const uniform = { type: 'mixture' as const, components: [{ type: 'uniform' as const, weight: 1 }] };
const settings = { enabled: true, robotRadius: 0.1, clearance: 0.05, gain: 2 };

test('two robots driven at each other: each keeps to its half of the barrier, the pair closes at most alpha h', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  const d = 0.5;
  const points = Float64Array.of(2 - d / 2, 2, 2 + d / 2, 2);
  const u = Float64Array.of(1, 0, -1, 0);
  const r = f.filter(points, Uint8Array.of(1, 1), u, settings, { maxSpeed: 1 });
  const h = d - minSeparation(settings);
  // Closing speed u0x - u1x <= alpha h, split evenly, and the sideways part untouched (it was zero).
  assert.ok(Math.abs(u[0] - u[2] - settings.gain * h) < 1e-9, `closing speed ${u[0] - u[2]} against ${settings.gain * h}`);
  assert.ok(Math.abs(u[0] + u[2]) < 1e-12);
  assert.equal(r.modified, 2);
  assert.equal(r.infeasible, 0);
  assert.ok(Math.abs(r.closestPair - d) < 1e-12);
});

test('a robot next to one that does not move takes the whole barrier; moving apart is never restricted', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  const points = Float64Array.of(1, 1, 1.4, 1);
  const u = Float64Array.of(1, 0.3, 0, 0);
  f.filter(points, Uint8Array.of(1, 0), u, settings, { maxSpeed: 2 });
  assert.ok(Math.abs(u[0] - settings.gain * (0.4 - minSeparation(settings))) < 1e-9);
  assert.ok(Math.abs(u[1] - 0.3) < 1e-12, 'the tangential part is kept (least change)');
  assert.deepEqual([u[2], u[3]], [0, 0], 'the stale robot is not commanded');
  const away = Float64Array.of(-1, 0, 0, 0);
  assert.equal(f.filter(points, Uint8Array.of(1, 0), away, settings, { maxSpeed: 2 }).modified, 0);
  assert.equal(away[0], -1);
});

test('the filtered velocity is the exact solution of the per-robot QP (checked against a fine search)', () => {
  const rng = createRng(11);
  const f = new SafetyFilter(new Target(uniform, domain));
  for (let trial = 0; trial < 40; trial++) {
    // One robot in the middle, 2..6 neighbours around it at safe distances, a random desired velocity.
    const k = 2 + Math.floor(rng.next() * 5);
    const pts = [2, 2];
    for (let j = 0; j < k; j++) {
      const a = rng.next() * 2 * Math.PI;
      const d = minSeparation(settings) + 0.01 + 0.3 * rng.next();
      pts.push(2 + d * Math.cos(a), 2 + d * Math.sin(a));
    }
    const points = Float64Array.from(pts);
    const movable = new Uint8Array(k + 1);
    movable[0] = 1;
    const a = rng.next() * 2 * Math.PI;
    const u0 = [Math.cos(a), Math.sin(a)];
    const u = new Float64Array(2 * (k + 1));
    u[0] = u0[0];
    u[1] = u0[1];
    f.filter(points, movable, u, settings, { maxSpeed: 1 });
    const ok = (x: number, y: number) => {
      for (let j = 1; j <= k; j++) {
        const dx = points[0] - points[2 * j];
        const dy = points[1] - points[2 * j + 1];
        const d = Math.hypot(dx, dy);
        if ((dx * x + dy * y) / d < -settings.gain * (d - minSeparation(settings)) - 1e-9) return false;
      }
      return true;
    };
    assert.ok(ok(u[0], u[1]), 'the result meets every barrier');
    const cost = (x: number, y: number) => (x - u0[0]) ** 2 + (y - u0[1]) ** 2;
    let best = Infinity;
    for (let x = -1.5; x <= 1.5; x += 0.005) for (let y = -1.5; y <= 1.5; y += 0.005) if (ok(x, y)) best = Math.min(best, cost(x, y));
    assert.ok(cost(u[0], u[1]) <= best + 1e-9, `trial ${trial}: cost ${cost(u[0], u[1])} > grid optimum ${best}`);
  }
});

test('differential drive: the barrier limits the forward speed along the heading, never the turning', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  const points = Float64Array.of(1, 1, 1.4, 1);
  const h = 0.4 - minSeparation(settings);
  // Heading at the neighbour (yaw 0): a look-ahead velocity (1, 0.5) keeps its sideways (turning) part, and its
  // forward part drops to alpha h.
  const u = Float64Array.of(1, 0.5, 0, 0);
  f.filter(points, Uint8Array.of(1, 0), u, settings, { maxSpeed: 2, headings: Float64Array.of(0, 0) });
  assert.ok(Math.abs(u[0] - settings.gain * h) < 1e-9 && Math.abs(u[1] - 0.5) < 1e-12, `${u[0]}, ${u[1]}`);
  // Heading across (yaw pi/2): driving forward does not approach, nothing is changed.
  const across = Float64Array.of(1, 0.5, 0, 0);
  assert.equal(f.filter(points, Uint8Array.of(1, 0), across, settings, { maxSpeed: 2, headings: Float64Array.of(Math.PI / 2, 0) }).modified, 0);
  assert.deepEqual([across[0], across[1]], [1, 0.5]);
});

test('obstacle edges and walls: a robot heading into a polygon or a wall slows to alpha x the gap; inside, it is sent out', () => {
  const square: Polygon = [[2, 2], [3, 2], [3, 3], [2, 3]];
  const f = new SafetyFilter(new Target(uniform, domain, { obstacles: new ObstacleMap([square]) }));
  const gap = 0.3;
  const dEdge = settings.robotRadius + settings.clearance;
  const u = Float64Array.of(1, 0);
  f.filter(Float64Array.of(2 - gap, 2.5), Uint8Array.of(1), u, settings, { maxSpeed: 1 });
  assert.ok(Math.abs(u[0] - settings.gain * (gap - dEdge)) < 1e-9, `speed towards the edge ${u[0]}`);
  const w = Float64Array.of(-1, 0);
  f.filter(Float64Array.of(0.3, 1), Uint8Array.of(1), w, settings, { maxSpeed: 1 });
  assert.ok(Math.abs(w[0] + settings.gain * (0.3 - dEdge)) < 1e-9, `speed towards the wall ${w[0]}`);
  const inside = Float64Array.of(0, 0);
  const r = f.filter(Float64Array.of(2.1, 2.5), Uint8Array.of(1), inside, settings, { maxSpeed: 1 });
  assert.ok(inside[0] < 0 && Math.abs(inside[1]) < 1e-12, `out through the nearest edge: ${inside[0]}, ${inside[1]}`);
  assert.equal(r.closestObstacle, 0);
});

test('robots already too close are pushed apart (recovery), however crowded', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  // Five robots on top of each other in a 2 cm cluster, all told to stay.
  const points = Float64Array.of(2, 2, 2.01, 2, 2, 2.01, 1.99, 2, 2, 1.99);
  const u = new Float64Array(10);
  const r = f.filter(points, new Uint8Array(5).fill(1), u, settings, { maxSpeed: 1 });
  assert.ok(r.modified >= 4);
  // The centre of mass stays, the outer ones move outwards.
  for (let i = 1; i < 5; i++) assert.ok((points[2 * i] - 2) * u[2 * i] + (points[2 * i + 1] - 2) * u[2 * i + 1] > 0, `robot ${i} moves outwards`);
});

test('crowding check: a tight Gaussian is too tight for big robots, fine for small ones', () => {
  const gauss = new Target({ type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [2, 2], sigma: 0.2 }] }, domain);
  const big = crowdingCheck(gauss, 100, 0.3);
  // Peak 1 / (2 pi sigma^2) = 3.98 per m^2, times 100 robots: hexagonal spacing sqrt(2 / (sqrt(3) 398)) = 0.054 m.
  assert.ok(Math.abs(big.peakSpacing - 0.0539) < 0.002, `peak spacing ${big.peakSpacing}`);
  assert.equal(big.feasible, false);
  assert.ok(big.tightMass > 0.9);
  assert.equal(crowdingCheck(gauss, 100, 0.03).feasible, true);
});

// Sampled data: commands held for up to H seconds (the robots' command timeout).
const hold = 0.5;

test('sampled data: the gain applied is min(safety_gain, 1 / H), so a command held for H closes at most the whole gap', () => {
  assert.equal(appliedGain({ ...settings, gain: 100 }, { hold, brake: Infinity }), 2);
  assert.equal(appliedGain({ ...settings, gain: 1 }, { hold, brake: Infinity }), 1);
  assert.equal(appliedGain({ ...settings, gain: 100 }, undefined), 100);
  // Two robots driven at each other at 1 m/s with safety_gain 100: the continuous-time filter lets them close at
  // 100 x the gap, which a command held for H turns into a collision; the sampled-data one keeps the gap exactly.
  const f = new SafetyFilter(new Target(uniform, domain));
  const s = { ...settings, gain: 100 };
  const d = 0.4;
  const h = d - minSeparation(s);
  for (const sampled of [undefined, { hold, brake: Infinity }]) {
    const u = Float64Array.of(1, 0, -1, 0);
    f.filter(Float64Array.of(2 - d / 2, 2, 2 + d / 2, 2), Uint8Array.of(1, 1), u, s, { maxSpeed: 1, sampled });
    const gapAfterHold = d + (u[2] - u[0]) * hold - minSeparation(s);
    if (sampled) assert.ok(Math.abs(gapAfterHold - (1 - 2 * hold) * h) < 1e-12, `gap after H ${gapAfterHold}`);
    else assert.ok(gapAfterHold < -0.1, `the continuous condition overshoots: ${gapAfterHold}`);
  }
});

test('sampled data: the closing speed is also kept below sqrt(brake x gap), so that a robot can stop in time', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  // A robot heading at a standing one 0.4 m past the minimum separation: g h = 0.8 m/s, sqrt(1 x 0.4) = 0.63 m/s.
  const h = 0.4;
  const u = Float64Array.of(5, 0, 0, 0);
  f.filter(Float64Array.of(1, 1, 1 + minSeparation(settings) + h, 1), Uint8Array.of(1, 0), u, settings, { maxSpeed: 5, sampled: { hold, brake: 1 } });
  assert.ok(Math.abs(u[0] - Math.sqrt(h)) < 1e-9, `closing speed ${u[0]}`);
});

test('latency discs: a robot that may be anywhere within r of its point keeps the separation from the disc', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  const d = 0.5;
  const u = Float64Array.of(1, 0, 0, 0);
  f.filter(Float64Array.of(1, 1, 1 + d, 1), Uint8Array.of(1, 0), u, settings, { maxSpeed: 1, sampled: { hold, brake: Infinity }, radii: Float64Array.of(0.05, 0.1) });
  assert.ok(Math.abs(u[0] - 2 * (d - minSeparation(settings) - 0.15)) < 1e-9, `closing speed ${u[0]}`);
});

test('differential drive: the arc limits keep every barrier over a whole hold, whatever the yaw rate (exact arcs)', () => {
  const rng = createRng(17);
  const s = { ...settings, gain: 100 };
  let cut = 0;
  for (let trial = 0; trial < 100; trial++) {
    // One unicycle among 1..5 standing robots just outside the minimum separation.
    const k = 1 + Math.floor(rng.next() * 5);
    const pts = [2, 2];
    for (let j = 0; j < k; j++) {
      const a = rng.next() * 2 * Math.PI;
      const dist = minSeparation(s) + 0.002 + 0.2 * rng.next();
      pts.push(2 + dist * Math.cos(a), 2 + dist * Math.sin(a));
    }
    const points = Float64Array.from(pts);
    const movable = new Uint8Array(k + 1);
    movable[0] = 1;
    const yaw = rng.next() * 2 * Math.PI;
    const headings = new Float64Array(k + 1);
    headings[0] = yaw;
    const f = new SafetyFilter(new Target(uniform, domain));
    // Commands up to 3 m/s may come out of the rate limiter (the filter is told, as the controller tells it).
    f.filter(points, movable, new Float64Array(2 * (k + 1)), s, { maxSpeed: 3, headings, sampled: { hold, brake: Infinity }, speeds: new Float64Array(k + 1).fill(3) });
    const w = (rng.next() - 0.5) * 30;
    const { lo, hi } = f.arcSpeedLimits(0, yaw, yaw, w, hold);
    assert.ok(lo <= 0 && hi >= 0);
    for (const v of [lo, hi, 0.5 * lo, 0.5 * hi, 3, -3]) {
      if (!(v >= lo && v <= hi)) {
        cut++;
        continue;
      }
      // Exact unicycle motion over the hold: every gap stays at least (1 - g tau) of what it was (g = 1 / H here).
      for (let step = 1; step <= 200; step++) {
        const tau = (step / 200) * hold;
        const x = 2 + (Math.abs(w) < 1e-12 ? v * tau * Math.cos(yaw) : (v / w) * (Math.sin(yaw + w * tau) - Math.sin(yaw)));
        const y = 2 + (Math.abs(w) < 1e-12 ? v * tau * Math.sin(yaw) : (v / w) * (Math.cos(yaw) - Math.cos(yaw + w * tau)));
        for (let j = 1; j <= k; j++) {
          const h0 = Math.hypot(2 - points[2 * j], 2 - points[2 * j + 1]) - minSeparation(s);
          const h = Math.hypot(x - points[2 * j], y - points[2 * j + 1]) - minSeparation(s);
          assert.ok(h >= (1 - tau / hold) * h0 - 1e-12, `trial ${trial}, v ${v}, w ${w}, tau ${tau}: gap ${h0} -> ${h}`);
        }
      }
    }
  }
  assert.ok(cut > 25, 'fast commands were cut');
});

test('robots on one point separate along their own escape directions, both drives', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  const points = new Float64Array(10).fill(2);
  const u = new Float64Array(10);
  f.filter(points, new Uint8Array(5).fill(1), u, settings, { maxSpeed: 1, sampled: { hold, brake: Infinity } });
  // Every pair moves apart.
  for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) assert.ok(Math.hypot(u[2 * i] - u[2 * j], u[2 * i + 1] - u[2 * j + 1]) > 0.05, `${i}, ${j}`);
  // Two unicycles on one point with one heading: one drives forward, the other backward.
  const g = new SafetyFilter(new Target(uniform, domain));
  const w = new Float64Array(4);
  g.filter(Float64Array.of(2, 2, 2, 2), Uint8Array.of(1, 1), w, settings, { maxSpeed: 1, headings: Float64Array.of(0, 0), sampled: { hold, brake: Infinity } });
  assert.ok(w[0] * w[2] < 0, `forward speeds ${w[0]}, ${w[2]}`);
});

test('a robot beyond the nearest twelve is still a barrier when the result would hit it (active set)', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  // Robot 0 at (1, 2) with 14 standing robots close behind it and one 0.3 m past the separation ahead.
  const pts = [1, 2];
  for (let j = 0; j < 14; j++) {
    const a = Math.PI / 2 + (Math.PI * (j + 0.5)) / 14;
    pts.push(1 + (minSeparation(settings) + 0.01) * Math.cos(a), 2 + (minSeparation(settings) + 0.01) * Math.sin(a));
  }
  pts.push(1 + minSeparation(settings) + 0.3, 2);
  const n = pts.length / 2;
  const movable = new Uint8Array(n);
  movable[0] = 1;
  const u = new Float64Array(2 * n);
  u[0] = 3;
  f.filter(Float64Array.from(pts), movable, u, settings, { maxSpeed: 3, sampled: { hold, brake: Infinity } });
  assert.ok(u[0] <= 2 * 0.3 + 1e-9, `speed towards the robot ahead ${u[0]}`);
});

test("a robot another instance commands (movable 2): this one keeps its half of the barrier, whatever the other's velocity", () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  const d = 0.5;
  const points = Float64Array.of(2 - d / 2, 2, 2 + d / 2, 2);
  const u = Float64Array.of(1, 0, -1, 0);
  f.filter(points, Uint8Array.of(1, 2), u, settings, { maxSpeed: 1 });
  const h = d - minSeparation(settings);
  assert.ok(Math.abs(u[0] - 0.5 * settings.gain * h) < 1e-9, `closing speed ${u[0]} against half of ${settings.gain * h}`);
  assert.deepEqual([u[2], u[3]], [-1, 0], 'the other instance robot is not filtered here');
  // Moving away from it is never restricted.
  const away = Float64Array.of(-1, 0, 0, 0);
  assert.equal(f.filter(points, Uint8Array.of(1, 2), away, settings, { maxSpeed: 1 }).modified, 0);
});

test('a slow robot still sees a fast one coming from afar: the search reaches as far as the pair speeds let a barrier bind', () => {
  const f = new SafetyFilter(new Target(uniform, domain));
  // 0.6 m apart (gap 0.35 m, allowed closing 0.7 m/s); robot 0 creeps at 0.05 m/s, robot 1 comes at 1 m/s.
  const points = Float64Array.of(1, 2, 1.6, 2);
  const u = Float64Array.of(0.05, 0, -1, 0);
  f.filter(points, Uint8Array.of(1, 1), u, settings, { maxSpeed: 1 });
  // The pair's mean drift towards each other (0.475 m/s) exceeds half the allowance: robot 0 may not close at all,
  // robot 1 closes at the whole 0.7 m/s.
  assert.ok(Math.abs(u[0]) < 1e-12, `robot 0 at ${u[0]} m/s`);
  assert.ok(Math.abs(u[2] + 0.7) < 1e-9, `robot 1 at ${u[2]} m/s`);
});
