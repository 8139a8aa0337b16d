import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_SCENARIO, formatReport, runLoad } from '../../bench/load.bench.js';

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
