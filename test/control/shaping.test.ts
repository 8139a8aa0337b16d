import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffDriveCommand, diffDriveInto, holonomicCommand, holonomicInto, rateLimit, rateLimitInto, saturate, saturateInPlace, withinLimits, worldToBody } from '../../src/control/shaping.js';
import type { Limits } from '../../src/control/shaping.js';

const burger: Limits = { maxLinear: 0.22, maxAngular: 2.84, maxLinearAccel: 1, maxAngularAccel: 6 };
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('world to body frame follows REP 103 (yaw counter-clockwise)', () => {
  const b = worldToBody(1, 0, Math.PI / 2);
  close(b.vx, 0);
  close(b.vy, -1);
});

test('holonomic commands keep the direction and saturate the speed', () => {
  const c = holonomicCommand(3, 4, 0, burger);
  close(Math.hypot(c.vx, c.vy), 0.22);
  close(c.vx / c.vy, 3 / 4);
  const slow = holonomicCommand(0.03, 0.04, 0, burger);
  close(slow.vx, 0.03);
  assert.equal(slow.wz, 0);
});

test('differential drive: the look-ahead point moves with the desired velocity when unsaturated', () => {
  const yaw = 0.7;
  const l = 0.1;
  const [ux, uy] = [0.05, -0.02];
  const c = diffDriveCommand(ux, uy, yaw, l, burger);
  // p = x + l (cos th, sin th): dp/dt = v (cos th, sin th) + l w (-sin th, cos th).
  close(c.vx * Math.cos(yaw) - l * c.wz * Math.sin(yaw), ux);
  close(c.vx * Math.sin(yaw) + l * c.wz * Math.cos(yaw), uy);
  assert.equal(c.vy, 0);
});

test('differential drive saturation keeps the curvature', () => {
  for (const [ux, uy, yaw] of [[5, 1, 0.3], [-2, 3, 2], [0.1, 4, -1]]) {
    const l = 0.1;
    const raw = { v: Math.cos(yaw) * ux + Math.sin(yaw) * uy, w: (-Math.sin(yaw) * ux + Math.cos(yaw) * uy) / l };
    const c = diffDriveCommand(ux, uy, yaw, l, burger);
    assert.ok(withinLimits(c, burger));
    close(c.vx * raw.w, c.wz * raw.v, 1e-12);
    assert.ok(Math.abs(c.vx) >= 0.22 * (1 - 1e-12) || Math.abs(c.wz) >= 2.84 * (1 - 1e-12), 'one limit is reached');
  }
});

test('acceleration limits: change per step bounded, and reached when far', () => {
  const prev = { vx: 0, vy: 0, wz: 0 };
  const next = { vx: 0.22, vy: 0, wz: 2 };
  const dt = 0.1;
  const c = rateLimit(prev, next, dt, burger);
  assert.ok(Math.abs(c.vx - prev.vx) <= burger.maxLinearAccel * dt + 1e-12);
  assert.ok(Math.abs(c.wz - prev.wz) <= burger.maxAngularAccel * dt + 1e-12);
  close(c.vx / c.wz, next.vx / next.wz, 1e-12);
  let cur = prev;
  for (let k = 0; k < 100; k++) cur = rateLimit(cur, next, dt, burger);
  close(cur.vx, next.vx);
  close(cur.wz, next.wz);
  assert.deepEqual(rateLimit(prev, next, 0, burger), prev);
});

test('the ...Into forms write the same numbers as the object forms, into the record given', () => {
  const limits = { maxLinear: 0.22, maxAngular: 2.84, maxLinearAccel: 1, maxAngularAccel: 6 };
  const previous = { vx: 0.1, vy: -0.05, wz: 0.3 };
  for (const [ux, uy, yaw] of [[0.5, 0.2, 0.3], [0.01, -0.02, -2], [-0.3, 0.4, 1.1]]) {
    const out = { vx: 9, vy: 9, wz: 9 };
    assert.deepEqual(holonomicInto(ux, uy, Math.cos(yaw), Math.sin(yaw), limits, out), holonomicCommand(ux, uy, yaw, limits));
    const d = { vx: 9, vy: 9, wz: 9 };
    assert.deepEqual(diffDriveInto(ux, uy, Math.cos(yaw), Math.sin(yaw), 0.1, limits, d), diffDriveCommand(ux, uy, yaw, 0.1, limits));
    // rateLimitInto may write over `next` itself.
    const expected = saturate(rateLimit(previous, d, 0.05, limits), limits);
    assert.equal(saturateInPlace(rateLimitInto(previous, d, 0.05, limits, d), limits), d);
    assert.deepEqual(d, expected);
  }
});
