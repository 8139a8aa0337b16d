import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTicks, logTicks, tickLabel, timeAxis, timeIsGeometric, valueAxis } from '../../src/report/ticks.js';
import { sampleTimes } from '../../src/engine/flow/simulation.js';

const labels = (t: readonly { label: string }[]) => t.map((k) => k.label);

test('log ticks: 1, 2 and 5 per decade over a short range, decades over a longer one, every k-th beyond', () => {
  assert.deepEqual(labels(logTicks(0.6, 15)), ['1', '2', '5', '10']);
  assert.deepEqual(labels(logTicks(9e-4, 0.27)), ['0.001', '0.01', '0.1']);
  assert.deepEqual(labels(logTicks(1e-4, 1)), ['1e-4', '0.001', '0.01', '0.1', '1']);
  assert.deepEqual(labels(logTicks(1e-12, 1)), ['1e-12', '1e-10', '1e-8', '1e-6', '1e-4', '0.01', '1'], 'twelve decades: every second one');
  assert.deepEqual(labels(logTicks(2.5e-5, 1.2e-4)), ['5e-5', '1e-4']);
  assert.deepEqual(labels(logTicks(2.5e-5, 4.5e-5)), ['3e-5', '4e-5'], 'no 1, 2 or 5 inside: the integer mantissas');
  assert.deepEqual(labels(logTicks(1.1, 1.3)), ['1.1', '1.3'], 'nothing round inside: the ends');
  for (const [lo, hi] of [[3e-7, 2e3], [0.05, 0.4], [1, 1], [7, 7.5]]) {
    const t = logTicks(lo, hi);
    assert.ok(t.length >= 1 && t.length <= 12, `${lo}..${hi}: ${t.length} ticks`);
    assert.ok(t.every((k) => k.value >= lo * (1 - 1e-9) && k.value <= hi * (1 + 1e-9)), `${lo}..${hi}: ticks inside the range`);
  }
  assert.throws(() => logTicks(0, 1), /0 < lo <= hi/);
  assert.throws(() => logTicks(2, 1), /0 < lo <= hi/);
});

test('linear ticks step by 1, 2 or 5 times a power of ten, inside the range, labelled without float noise', () => {
  assert.deepEqual(labels(linearTicks(-1, 1)), ['-1', '-0.5', '0', '0.5', '1']);
  assert.deepEqual(labels(linearTicks(0, 0.3)), ['0', '0.1', '0.2', '0.3']);
  assert.deepEqual(labels(linearTicks(0, 0.3, 10)), ['0', '0.05', '0.1', '0.15', '0.2', '0.25', '0.3'], 'no 0.15000000000000002');
  assert.deepEqual(labels(linearTicks(0, 173, 5)), ['0', '50', '100', '150']);
  assert.deepEqual(labels(linearTicks(0.03, 0.048)), ['0.03', '0.035', '0.04', '0.045']);
  assert.deepEqual(labels(linearTicks(2, 2)), ['2']);
  assert.throws(() => linearTicks(1, Number.NaN), /finite lo <= hi/);
});

test('tick labels: plain in the readable range, exponent form outside it', () => {
  assert.deepEqual([0, 1, 0.001, 0.1 + 0.2, 12345, 2e-4, 5e6, -0.25].map((v) => tickLabel(v)), ['0', '1', '0.001', '0.3', '12300', '2e-4', '5e6', '-0.25']);
});

test("run's geometric history gets a log time axis that also shows t = 0; equal steps get a linear one", () => {
  const run = Array.from(sampleTimes(20, 200));
  assert.ok(timeIsGeometric(run));
  const a = timeAxis(run);
  assert.deepEqual([a.log, a.zero, a.lo, a.hi], [true, true, run[1], 20]);
  assert.deepEqual(labels(a.ticks), ['0.01', '0.1', '1', '10']);
  const standalone = Array.from({ length: 101 }, (_, k) => k * 0.2);
  assert.equal(timeIsGeometric(standalone), false);
  const b = timeAxis(standalone);
  assert.deepEqual([b.log, b.lo, b.hi], [false, 0, 20]);
  assert.deepEqual(labels(b.ticks), ['0', '5', '10', '15', '20']);
});

test('value axes: gaps and non-positive values left out of a log axis; a limit line kept in range; linear axes from 0 when close', () => {
  const log = valueAxis([null, 0, 0.5, 2e-3], true);
  assert.deepEqual([log.lo, log.hi], [2e-3, 0.5]);
  const sep = valueAxis([0.04, 0.06], false, [0.015]);
  assert.equal(sep.lo, 0, 'from 0: the limit 0.015 is within half of the top');
  assert.ok(sep.hi >= 0.06);
  const near = valueAxis([0.04, 0.048], false, [0.03]);
  assert.ok(near.lo < 0.03 && near.hi > 0.048, `the limit and the data inside, with a margin: ${near.lo}..${near.hi}`);
  assert.deepEqual(valueAxis([null], true).log, true, 'no data: a default axis, no throw');
});
