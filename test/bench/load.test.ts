import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_SCENARIO, formatReport, gcInTicks, runLoad } from '../../bench/load.bench.js';

test('the load harness sees every control tick of a short standalone run', () => {
  const r = runLoad({ robots: 20, rate: 20, simRate: 50, duration: 1, sampleEvery: 0.5, warmup: 0, scenarioPath: DEMO_SCENARIO, drive: 'holonomic' });
  assert.equal(r.expectedTicks, 20);
  assert.equal(r.ticks, 20);
  assert.equal(r.skipped, 0);
  assert.equal(r.loop.count, 20);
  assert.equal(r.law.count, 20);
  assert.equal(r.simulatorTicks, 50);
  assert.equal(r.lastLive, 20, 'every robot reported a pose to the controller');
  assert.deepEqual(r.memory.map((s) => s.t), [0, 0.5, 1]);
  assert.equal(r.memoryStable, undefined, 'one simulated second is too short to judge memory');
  assert.equal(r.warnings, 0);
  assert.match(formatReport(r), /20 of 20 expected, 0 skipped/);
});

test('GC pauses are split among the tick windows they overlap', () => {
  // Ticks [0, 10), [50, 60), [100, 130); pauses before, across a tick's end, between ticks, and over two ticks.
  const start = Float64Array.of(0, 50, 100);
  const ms = Float64Array.of(10, 10, 30);
  const at = Float64Array.of(0, 0.05, 0.1);
  const g = gcInTicks([{ startTime: -5, duration: 2 }, { startTime: 8, duration: 4 }, { startTime: 20, duration: 5 }, { startTime: 55, duration: 50 }], start, ms, at);
  assert.equal(g.pauses, 4);
  assert.equal(g.totalMs, 61);
  assert.deepEqual([g.perTick.max, g.perTick.count, g.ticksWithGc], [5, 3, 3]);
  assert.equal(g.inTicksMs, 2 + 5 + 5);
  assert.match(formatReport(runLoad({ robots: 5, rate: 20, simRate: 50, duration: 0.2, sampleEvery: 0.1, warmup: 0, scenarioPath: DEMO_SCENARIO, drive: 'holonomic' }), g), /GC pauses +4, 61 ms in all; 12 ms inside 3 of the 3 ticks/);
});
