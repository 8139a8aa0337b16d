import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TWIST_BYTES, WARMUP_TICKS, formatShards, multiArrayBytes, lateWithoutGc, odometryBytes, runShards, tfMessageBytes } from '../../bench/shards.bench.js';

test('the shards harness times every instance and counts what each receives and sends', () => {
  const off = runShards(40, 2, 0.5, 'off');
  // Without the exchange each instance receives all 40 poses at 50 Hz (2.5 per robot per tick) and commands 20: 5
  // per robot commanded.
  assert.ok(Math.abs(off.messagesIn - 5) < 0.3, `messages in per robot per tick ${off.messagesIn}`);
  const r = runShards(40, 2, 0.5);
  assert.equal(r.ticks, 10, 'each instance ticked 0.5 s x 20 Hz');
  assert.ok(r.ticks > WARMUP_TICKS);
  // With it, its own 20 robots' odometry (2.5 per robot per tick) and one TFMessage a tick from the other instance.
  assert.ok(Math.abs(r.messagesIn - 2.55) < 0.1, `messages in per robot per tick ${r.messagesIn}`);
  assert.ok(r.bytesIn < 0.6 * off.bytesIn, `bytes in per robot per tick ${r.bytesIn}, ${off.bytesIn} without the exchange`);
  assert.equal(r.bytesOut, TWIST_BYTES + 100);
  assert.ok(r.p50 > 0 && r.p99 >= r.p50 && r.max >= r.p99);
  assert.ok(r.closest >= r.separation - 1e-9, `closest pair ${r.closest}`);
  assert.match(formatShards([r]), /\| 40 \| 2 \| 20 \|/);
  // Odometry in CDR: header 4, then stamp 8, "map" 8, "robot_0/base_link" 22 (to 38, aligned to 40), 43 + 42 doubles.
  assert.equal(odometryBytes('map', 'robot_0/base_link'), 4 + 40 + 8 * 85);
  // TFMessage: header 4, sequence length 4, stamp 8, "map" 8, "robot_0/base_link" 22 (to 42, aligned to 48), 7 doubles.
  assert.equal(tfMessageBytes([{ header: { frame_id: 'map' }, child_frame_id: 'robot_0/base_link' }]), 4 + 48 + 56);
});

test('lateWithoutGc takes the GC pauses inside a tick out of its CPU time', () => {
  const row = { ...runShards(20, 2, 0.25), windows: [{ cpu: 80, from: 0, to: 80 }, { cpu: 60, from: 100, to: 160 }, { cpu: 30, from: 200, to: 230 }] };
  // 40 ms of GC inside the first tick, 5 ms inside the second (a pause straddling its start), none in the third.
  const gc = [{ from: 20, to: 60 }, { from: 95, to: 105 }];
  assert.equal(lateWithoutGc(row, gc), 1);
  assert.equal(lateWithoutGc(row, []), 2);
});

test('pose_exchange regional: the deposits are timed in the intake and counted in the bytes in and out', () => {
  const on = runShards(40, 2, 0.5, 'on');
  const r = runShards(40, 2, 0.5, 'regional');
  assert.ok(r.bytesOut > on.bytesOut + 100, `bytes out per robot per tick ${r.bytesOut}, ${on.bytesOut} with the poses only`);
  assert.ok(r.bytesIn > on.bytesIn + 100, `bytes in per robot per tick ${r.bytesIn}, ${on.bytesIn} with the poses only`);
  assert.ok(r.messagesIn > on.messagesIn, `messages in ${r.messagesIn} against ${on.messagesIn}`);
  // Header 4, then: dim length 4; "ab": length 4, 3 characters, size and stride 8 (to 19); "c": aligned 20, 4 + 2 + 8
  // (to 34); data_offset and data length, aligned 36 (to 44); 3 doubles aligned 48 (to 72), or 3 floats (to 56).
  assert.equal(multiArrayBytes(['ab', 'c'], 3, 8), 4 + 72);
  assert.equal(multiArrayBytes(['ab', 'c'], 3), 4 + 56);
});
