import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandHistory, HISTORY_DEPTH, createPredictedPose } from '../../src/control/prediction.js';
import { SwarmKinematics } from '../../src/sim/kinematics.js';

test('a pose some latency old is moved along the commands sent since: exact arcs, a disc around the path', () => {
  for (const drive of ['holonomic', 'diff_drive'] as const) {
    const h = new CommandHistory(1);
    const commands = drive === 'holonomic' ? [[0.2, -0.1, 0], [0.3, 0.1, 0], [-0.1, 0.2, 0]] : [[0.2, 0, 1.5], [0.25, 0, -0.8], [0.1, 0, 2.5]];
    commands.forEach(([vx, vy, w], k) => {
      h.begin(k * 0.1);
      h.set(0, vx, vy, w);
    });
    // The pose was measured at 0.13 s, the robot then under the second command; now is 0.27 s.
    const start = { x: 1, y: 2, yaw: 0.4 };
    const out = h.predict(0, start.x, start.y, start.yaw, 0.13, 0.27, 0.5, 1, 3, createPredictedPose());
    // The same motion on the simulator's kinematics.
    const k = new SwarmKinematics(Float64Array.of(start.x, start.y), { drive, initialYaw: Float64Array.of(start.yaw), startTime: 0.13 });
    k.command(0, commands[1][0], commands[1][1], commands[1][2], 0.13);
    k.step(0.07);
    k.command(0, commands[2][0], commands[2][1], commands[2][2], 0.2);
    k.step(0.07);
    assert.ok(Math.abs(out.x - (start.x + k.x[0]) / 2) < 1e-12 && Math.abs(out.y - (start.y + k.y[0]) / 2) < 1e-12, `${drive}: disc centre`);
    assert.ok(Math.abs(out.yaw - k.yaw[0]) < 1e-12, `${drive}: heading`);
    const path = 0.07 * Math.hypot(commands[1][0], commands[1][1]) + 0.07 * Math.hypot(commands[2][0], commands[2][1]);
    assert.ok(Math.abs(out.radius - path / 2) < 1e-12, `${drive}: radius`);
    // Every point of the path (a robot that stopped on the way) is in the disc.
    assert.ok(Math.hypot(start.x - out.x, start.y - out.y) <= out.radius + 1e-12);
  }
});

test('a command stops moving the robot at the command timeout (the next tick was late)', () => {
  const h = new CommandHistory(1);
  h.begin(0);
  h.set(0, 1, 0, 0);
  const out = h.predict(0, 0, 0, 0, 0, 2, 0.5, 1, 3, createPredictedPose());
  assert.ok(Math.abs(out.x - 0.25) < 1e-12 && Math.abs(out.radius - 0.25) < 1e-12, `${out.x}, ${out.radius}`);
});

test('a robot that stopped reporting keeps a bounded disc after its pose falls out of the history', () => {
  const h = new CommandHistory(2);
  const out = createPredictedPose();
  // Robot 0 moves at 0.2 m/s until it dies at 1 s (its last pose); it is commanded 0.2 m/s until it goes stale at
  // 1.5 s, then zero for ever.
  for (let k = 0; k < 200; k++) {
    const t = k * 0.1;
    h.begin(t);
    if (t < 1.5 - 1e-9) h.set(0, 0.2, 0, 0);
    h.set(1, 0.2, 0, 0);
    h.predict(0, 0.2, 0, 0, 1, t, 0.5, 0.2, 3, out);
    if (t > 1.5) assert.ok(Math.abs(out.radius - 0.05) < 1e-12 && Math.abs(out.x - 0.25) < 1e-12, `t ${t}: ${out.x}, ${out.radius}`);
  }
  assert.ok(200 > HISTORY_DEPTH, 'the pose fell out of the history');
  // A moving robot whose pose is older than the history: a disc around the pose, maxSpeed x the time since.
  h.predict(1, 0, 0, 0, 1, 19.9, 0.5, 0.2, 3, out);
  assert.ok(Math.abs(out.radius - 0.2 * 18.9) < 1e-9 && out.x === 0, `${out.radius}`);
});

test('a robot counts as moving when any of its command is not zero (NaN included), whatever the others', () => {
  const cases: [number, number, number, boolean][] = [
    [0, 0, 0, false],
    [-0, -0, 0, false],
    [0.5, 0, 0, true],
    [0, 1e-3, 0, true],
    [0, 0, -2, true],
    [0, 5e-324, 0, true],
    [Number.NaN, 0, 0, true],
    [0, 0, Number.NaN, true],
  ];
  for (const [vx, vy, wz, moving] of cases) {
    const h = new CommandHistory(1);
    h.begin(0);
    h.set(0, vx, vy, wz);
    const since = (h as unknown as { stoppedSince: Float64Array }).stoppedSince[0];
    assert.equal(since === Infinity, moving, `command (${vx}, ${vy}, ${wz}): ${moving ? 'moving' : 'not moving'}`);
  }
});
