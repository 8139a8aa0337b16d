import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/engine/random.js';
import { SwarmKinematics, createPoseBuffers, lineLayout, measurePoses, wrapAngle } from '../../src/sim/kinematics.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test('differential drive: the exact unicycle arc matches the closed form, for one step or many', () => {
  const [x0, y0, th0, v, w, T] = [1, 2, 0.4, 0.3, 0.7, 2.0];
  const xT = x0 + (v / w) * (Math.sin(th0 + w * T) - Math.sin(th0));
  const yT = y0 - (v / w) * (Math.cos(th0 + w * T) - Math.cos(th0));
  for (const steps of [1, 7, 200]) {
    const k = new SwarmKinematics(new Float64Array([x0, y0]), { drive: 'diff_drive', cmdTimeout: 100, initialYaw: new Float64Array([th0]) });
    // linear.y is ignored by a differential-drive robot.
    k.command(0, v, 5, w);
    for (let s = 0; s < steps; s++) k.step(T / steps);
    close(k.x[0], xT, 1e-12, `x after ${steps} steps`);
    close(k.y[0], yT, 1e-12, `y after ${steps} steps`);
    close(k.yaw[0], th0 + w * T, 1e-12, `yaw after ${steps} steps`);
    close(k.time, T, 1e-12, 'time');
  }
  // A straight line when w = 0, and a turn on the spot when v = 0.
  const k = new SwarmKinematics(new Float64Array([0, 0, 0, 0]), { drive: 'diff_drive', cmdTimeout: 100, initialYaw: new Float64Array([Math.PI / 6, 0]) });
  k.command(0, 2, 0, 0);
  k.command(1, 0, 0, 1);
  k.step(0.5);
  close(k.x[0], Math.cos(Math.PI / 6), 1e-12, 'straight x');
  close(k.y[0], Math.sin(Math.PI / 6), 1e-12, 'straight y');
  assert.equal(k.x[1], 0);
  assert.equal(k.y[1], 0);
  close(k.yaw[1], 0.5, 1e-15, 'spin');
  // A tiny yaw rate goes through the series branch of sinc and stays exact.
  const t = new SwarmKinematics(new Float64Array([0, 0]), { drive: 'diff_drive', cmdTimeout: 100 });
  t.command(0, 1, 0, 1e-7);
  t.step(1);
  close(t.x[0], (1 / 1e-7) * Math.sin(1e-7), 1e-15, 'tiny w x');
  // (1 - cos w) / w written without cancellation: 2 sin^2(w / 2) / w.
  close(t.y[0], (2 * Math.sin(0.5e-7) ** 2) / 1e-7, 1e-20, 'tiny w y');
});

test('holonomic: body-frame (vx, vy) is rotated by the yaw into the world; with a yaw rate it follows the closed form', () => {
  const k = new SwarmKinematics(new Float64Array([0, 0, 0, 0]), { cmdTimeout: 100, initialYaw: new Float64Array([Math.PI / 2, Math.PI]) });
  k.command(0, 1, 0, 0); // forward while facing +y: moves +y
  k.command(1, 0, 1, 0); // left while facing -x: moves -y
  k.step(0.5);
  close(k.x[0], 0, 1e-12, 'robot 0 x');
  close(k.y[0], 0.5, 1e-12, 'robot 0 y');
  close(k.x[1], 0, 1e-12, 'robot 1 x');
  close(k.y[1], -0.5, 1e-12, 'robot 1 y');
  // Differential drive would ignore linear.y: the same command moves robot 1 nowhere.
  const d = new SwarmKinematics(new Float64Array([0, 0]), { drive: 'diff_drive', cmdTimeout: 100 });
  d.command(0, 0, 1, 0);
  d.step(0.5);
  assert.equal(d.y[0], 0);

  // Constant body twist with w != 0: the world velocity turns with the robot.
  const [th0, vx, vy, w, T] = [0.3, 0.4, -0.25, -1.3, 1.7];
  const th = th0 + w * T;
  const dx = (vx * (Math.sin(th) - Math.sin(th0)) + vy * (Math.cos(th) - Math.cos(th0))) / w;
  const dy = (-vx * (Math.cos(th) - Math.cos(th0)) + vy * (Math.sin(th) - Math.sin(th0))) / w;
  const h = new SwarmKinematics(new Float64Array([3, -1]), { cmdTimeout: 100, initialYaw: new Float64Array([th0]) });
  h.command(0, vx, vy, w);
  for (let s = 0; s < 13; s++) h.step(T / 13);
  close(h.x[0], 3 + dx, 1e-12, 'arc x');
  close(h.y[0], -1 + dy, 1e-12, 'arc y');
  close(h.yaw[0], th, 1e-12, 'arc yaw');
});

test('a robot whose last command is older than cmd_timeout (0.5 s by default) stops, mid-step if need be', () => {
  const k = new SwarmKinematics(new Float64Array([0, 0, 0, 0]));
  assert.equal(k.cmdTimeout, 0.5);
  k.command(0, 1, 0, 0, 0);
  k.command(1, 1, 0, 0, 0);
  for (let s = 0; s < 10; s++) k.step(0.04); // t = 0.4: both still driving
  assert.ok(k.commanded(0));
  assert.equal(k.appliedVx[0], 1);
  k.command(1, 1, 0, 0); // robot 1 is refreshed at t = 0.4
  for (let s = 0; s < 40; s++) k.step(0.03); // to t = 1.6; the timeout of robot 0 falls inside a step
  close(k.x[0], 0.5, 1e-12, 'robot 0 stops after 0.5 s');
  close(k.x[1], 0.9, 1e-12, 'robot 1 stops 0.5 s after its refresh');
  assert.equal(k.commanded(0), false);
  assert.equal(k.appliedVx[0], 0, 'the applied twist is zero once timed out');
  // A robot never commanded does not move.
  const idle = new SwarmKinematics(new Float64Array([1, 1]));
  idle.cmdVx[0] = 5;
  idle.step(1);
  assert.equal(idle.x[0], 1);
});

test('halt stops one robot at once and forgets its command, whatever the timeout becomes', () => {
  const k = new SwarmKinematics(new Float64Array([0, 0, 0, 0]), { cmdTimeout: 1 });
  k.command(0, 1, 0, 0.5);
  k.command(1, 1, 0, 0);
  k.step(0.2);
  k.halt(0);
  assert.deepEqual([k.appliedVx[0], k.appliedVy[0], k.appliedW[0]], [0, 0, 0]);
  assert.equal(k.commanded(0), false);
  const [x, y, yaw] = [k.x[0], k.y[0], k.yaw[0]];
  k.cmdTimeout = 60;
  k.step(0.5);
  assert.deepEqual([k.x[0], k.y[0], k.yaw[0]], [x, y, yaw], 'robot 0 stays');
  close(k.x[1], 0.7, 1e-12, 'robot 1 goes on');
  k.command(0, 1, 0, 0);
  k.step(0.1);
  assert.ok(k.x[0] > x, 'a new command moves it again');
  assert.throws(() => k.halt(2), /robot index 2 out of range/);
});

test('walls clip the robots into the box; yaw stays wrapped in (-pi, pi]', () => {
  const k = new SwarmKinematics(new Float64Array([0.9, 0, 0, 0]), { walls: { xmin: -1, xmax: 1, ymin: -1, ymax: 1 }, cmdTimeout: 100 });
  k.command(0, 1, 0, 0);
  k.command(1, 0, -3, 4);
  k.step(1);
  assert.equal(k.x[0], 1);
  assert.ok(k.y[1] >= -1 && k.x[1] >= -1 && k.x[1] <= 1 && k.y[1] <= 1);
  close(k.yaw[1], wrapAngle(4), 1e-12, 'yaw wrapped');
  assert.ok(k.yaw[1] > -Math.PI && k.yaw[1] <= Math.PI);
  assert.equal(wrapAngle(-Math.PI), Math.PI);
  close(wrapAngle(7), 7 - 2 * Math.PI, 1e-15, 'wrap 7');
  // Initial positions outside the walls are clipped at construction.
  const out = new SwarmKinematics(new Float64Array([5, -5]), { walls: { xmin: 0, xmax: 1, ymin: 0, ymax: 1 } });
  assert.deepEqual([...out.positions()], [1, 0]);
  assert.throws(() => new SwarmKinematics(new Float64Array([1, 2, 3])), /pairs/);
  assert.throws(() => k.step(Number.NaN), /dt/);
});

test('pose noise is seeded, leaves the true state alone, and is exactly zero at zero std', () => {
  const k = new SwarmKinematics(new Float64Array([1, 2, 3, 4, 5, 6]), { initialYaw: new Float64Array([0.1, 0.2, 3.1]) });
  const a = measurePoses(k, createRng(7), 0.1, 0.05, createPoseBuffers(3));
  const b = measurePoses(k, createRng(7), 0.1, 0.05, createPoseBuffers(3));
  const c = measurePoses(k, createRng(8), 0.1, 0.05, createPoseBuffers(3));
  assert.deepEqual([...a.x, ...a.y, ...a.yaw], [...b.x, ...b.y, ...b.yaw]);
  assert.notDeepEqual([...a.x], [...c.x]);
  assert.notDeepEqual([...a.x], [...k.x]);
  assert.deepEqual([...k.positions()], [1, 2, 3, 4, 5, 6], 'true state untouched');
  const z = measurePoses(k, createRng(7), 0, 0, createPoseBuffers(3));
  assert.deepEqual([...z.x], [...k.x]);
  assert.deepEqual([...z.y], [...k.y]);
  assert.deepEqual([...z.yaw], [...k.yaw]);
  // The spread matches the std (many samples of one robot).
  const one = new SwarmKinematics(new Float64Array([0, 0]));
  const rng = createRng(3);
  const buf = createPoseBuffers(1);
  let s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) s2 += measurePoses(one, rng, 0.2, 0, buf).x[0] ** 2;
  close(Math.sqrt(s2 / n), 0.2, 0.006, 'empirical std');
});

test('line layout: evenly along the mid-line of a domain, or spaced from the origin', () => {
  assert.deepEqual([...lineLayout(3)], [0, 0, 0.5, 0, 1, 0]);
  assert.deepEqual([...lineLayout(2, { xmin: 0, xmax: 4, ymin: -1, ymax: 3 })], [1, 1, 3, 1]);
});
