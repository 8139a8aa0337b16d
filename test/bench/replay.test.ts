import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SCENARIO } from '../../bench/load.bench.js';
import { WARMUP_TICKS, runShards } from '../../bench/shards.bench.js';
import { formatIsolated, isolatedRow } from '../../bench/shards/isolated.js';
import { SwarmRecorder, TICK, type InstanceInputs } from '../../bench/shards/record.js';
import { replayInputs, replayIsolated, v8Flags } from '../../bench/shards/replay.js';
import { MessageStore } from '../../bench/shards/store.js';

test('the message store gives back each message as it was, bit for bit, and keeps a subset', () => {
  const store = new MessageStore();
  const odd = { header: { stamp: { sec: 3, nanosec: 5e8 }, frame_id: 'map' }, v: [-0, NaN, 1e-310, Infinity, 0.1 + 0.2], flags: [true, false, null, undefined], nested: [[1], { b: 2, a: 'x' }] };
  const other = { b: 2, a: 1 }; // the same keys as odd.nested[1] in another order: another key set
  const ids = [store.add(odd), store.add(other), store.add('text'), store.add(7)];
  assert.deepEqual(ids, [0, 1, 2, 3]);
  assert.deepEqual(store.get(0), odd);
  assert.ok(Object.is((store.get(0) as typeof odd).v[0], -0));
  assert.deepEqual(Object.keys(store.get(1) as object), ['b', 'a']);
  assert.ok(store.equals(0, odd) && store.equals(1, other) && store.equals(3, 7));
  assert.ok(!store.equals(0, { ...odd, v: [0, NaN, 1e-310, Infinity, 0.1 + 0.2] }), '0 is not -0');
  assert.ok(!store.equals(1, { a: 1, b: 2 }), 'key order counts');
  assert.ok(!store.equals(1, { b: 2, a: 1, c: 3 }) && !store.equals(1, { b: 2 }) && !store.equals(2, 'texts'));
  const part = MessageStore.from(store.subset([1, 0]));
  assert.equal(part.size, 2);
  assert.deepEqual(part.get(0), other);
  assert.deepEqual(part.get(1), odd);
  assert.throws(() => store.add({ a: new Float64Array(2) }), /cannot store a Float64Array/);
  assert.throws(() => store.get(9), /no message 9/);
});

/** 300 robots over 3 instances for 1 s, recorded. */
function recorded(): { recorder: SwarmRecorder; ticks: number } {
  let recorder: SwarmRecorder | undefined;
  const row = runShards(300, 3, 1, 'auto', 20, 50, (session) => {
    const r = new SwarmRecorder(session.bus, session.clock, session.controllers, DEMO_SCENARIO);
    recorder = r;
    return () => r.finish();
  });
  return { recorder: recorder!, ticks: row.ticks };
}

test('each instance replayed alone in a process of its own publishes the recorded commands, bit for bit; a changed input or command is caught', async () => {
  const { recorder, ticks } = recorded();
  assert.equal(recorder.instances, 3);
  assert.equal(ticks, 20);
  const dir = mkdtempSync(join(tmpdir(), 'blob-replay-test-'));
  try {
    const results = [];
    for (let k = 0; k < 3; k++) {
      const path = join(dir, `instance-${k}.bin`);
      recorder.write(k, path);
      results.push(await replayIsolated(path, v8Flags(['--single-threaded'])));
    }
    let commands = 0;
    for (const r of results) {
      assert.equal(r.mismatch, undefined, r.mismatch);
      assert.equal(r.tickCpu.length, 20);
      assert.ok(r.tickCpu.every((x) => x >= 0));
      assert.equal(r.commands, r.recorded);
      commands += r.commands;
    }
    assert.equal(commands, 300 * 20, 'one command per robot per tick, each instance its own robots');
    assert.deepEqual(results.map((r) => r.name), ['/blob_coverage_controller_0', '/blob_coverage_controller_1', '/blob_coverage_controller_2']);
    const row = isolatedRow(300, results, recorder.size.bytes);
    assert.equal(row.identical, 3);
    assert.equal(row.ticks, 20);
    assert.ok(row.p50 > 0 && row.p99 >= row.p50 && row.max >= row.p99);
    assert.ok(row.missesLater <= row.misses);
    const late = isolatedRow(300, [{ ...results[0], tickCpu: [0, 0, 0, 60, 1, 70, ...Array(14).fill(1), 80] }], 0);
    assert.deepEqual([late.misses, late.missesLater, late.max], [3, 1, 80], 'ticks 3, 5 and 20 over 50 ms, the last after the first second');
    assert.match(formatIsolated([{ inProcess: runShards(30, 3, 0.25), isolated: row }]), /\| 300 \| 3 \| 100 \| .* after 1 s\) \| .* \| all 6,000 \|/);
    assert.equal(readdirSync(dir).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The poses delivered after the first tick up to the second left out: the second tick commands from older poses.
  const inputs = recorder.inputs(1);
  const keep = Array.from(inputs.times, (t, e) => inputs.messages[e] === TICK || !(t > 0.05 && t <= 0.1 + 1e-9));
  assert.ok(keep.filter((x) => !x).length >= 300, 'odometry of its 100 robots at 0.06, 0.08 and 0.1 s dropped');
  const pick = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T): T => a.filter((_, e) => keep[e]) as T;
  const stale: InstanceInputs = { ...inputs, times: pick(inputs.times), messages: pick(inputs.messages), topicOf: pick(inputs.topicOf), qos: pick(inputs.qos) };
  assert.match(replayInputs(stale).mismatch ?? '', /command \d+ .*t = 0\.1\): differs from the recorded one/);
  // One recorded command changed (its last number: the angular speed).
  const nums = inputs.store.nums.slice();
  nums[nums.length - 1] += 1e-12;
  const changed: InstanceInputs = { ...inputs, store: { ...inputs.store, nums } };
  assert.match(replayInputs(changed).mismatch ?? '', /command 1999 .*differs/);
  // And unchanged, in this process: identical.
  assert.equal(replayInputs(inputs).mismatch, undefined);
  assert.ok(WARMUP_TICKS < 20);
});
