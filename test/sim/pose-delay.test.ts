import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoseDelayLine, createPoseMeasurement } from '../../src/sim/pose-delay.js';
import type { PoseMeasurement } from '../../src/sim/pose-delay.js';

/** A measurement whose fields all derive from `k`, so that a mix-up of slots or fields shows. */
const sample = (k: number): PoseMeasurement => ({ stamp: k, x: 10 + k, y: 20 + k, yaw: 30 + k, vx: 40 + k, vy: 50 + k, w: 60 + k });

test('the delay line: per-robot FIFO, every field kept; a measurement due early waits for those ahead of it', () => {
  const line = new PoseDelayLine(2);
  assert.equal(line.size, 0);
  assert.equal(line.nextDue(0), Infinity);
  line.push(0, 1.0, sample(1));
  line.push(1, 0.5, sample(2));
  // Due before robot 0's previous message: it comes out after it, not before.
  line.push(0, 0.7, sample(3));
  line.push(0, 1.5, sample(4));
  assert.equal(line.size, 4);
  assert.equal(line.nextDue(1), 0.5);
  const out = createPoseMeasurement();
  assert.deepEqual({ ...line.shift(1, out) }, sample(2));
  assert.equal(line.nextDue(1), Infinity);
  const dues: number[] = [];
  const stamps: number[] = [];
  while (line.nextDue(0) < Infinity) {
    dues.push(line.nextDue(0));
    stamps.push(line.shift(0, out).stamp);
  }
  assert.deepEqual(dues, [1.0, 0.7, 1.5]);
  assert.deepEqual(stamps, [1, 3, 4]);
  assert.equal(line.size, 0);
  assert.throws(() => line.shift(0, out), /robot 0 has no queued measurement/);
});

test('the delay line grows past its capacity, with queues wrapped around, and loses nothing', () => {
  const line = new PoseDelayLine(3, 2);
  const out = createPoseMeasurement();
  let pushed = 0;
  const expected: number[][] = [[], [], []];
  const push = (robot: number) => {
    const k = ++pushed;
    line.push(robot, k, sample(k));
    expected[robot].push(k);
  };
  // Wrap robot 1's ring (head moves), then make every queue outgrow 2, 4 and 8 slots.
  push(1);
  push(1);
  line.shift(1, out);
  expected[1].shift();
  for (let n = 0; n < 20; n++) push(n % 3);
  assert.equal(line.size, 21);
  for (let r = 0; r < 3; r++) {
    const got: PoseMeasurement[] = [];
    while (line.nextDue(r) < Infinity) got.push({ ...line.shift(r, out) });
    assert.deepEqual(got, expected[r].map(sample), `robot ${r}`);
  }
  assert.equal(line.size, 0);
  assert.throws(() => new PoseDelayLine(2, 0), /initial capacity must be a positive integer/);
});
