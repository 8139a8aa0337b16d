import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { samplePlot, sampleTable } from '../../bench/sample/report.js';
import { scrambledRadicalInverse } from '../../src/engine/target/halton.js';
import { METHODS, runSampleSuite, sampleWith } from '../../bench/sample/suite.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioTarget } from '../../src/scenario/setup.js';

const ring = loadScenario(join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'ring.yaml'));

test('a tiny sampler comparison (ring, N = 60): every method, finite columns, the same MMD again, a table and a plot', () => {
  const run = () => runSampleSuite({ scenarios: [{ name: 'ring', scenario: ring }], counts: [60], svgdIterations: 30 });
  const cells = run();
  assert.equal(cells.length, 1);
  const [cell] = cells;
  assert.ok(Number.isFinite(cell.iidMmd2) && cell.iidMmd2 > 0);
  assert.deepEqual(cell.results.map((r) => r.method), [...METHODS]);
  for (const r of cell.results) {
    assert.ok(Number.isFinite(r.mmd2) && r.mmd2 > 0, `${r.method}: MMD^2 ${r.mmd2}`);
    assert.ok(Number.isFinite(r.cpu) && r.cpu >= 0, `${r.method}: CPU ${r.cpu}`);
    // Every method is a sampler of the target, not a random layout: at most a few times the i.i.d. median.
    assert.ok(r.mmd2 < 4 * cell.iidMmd2, `${r.method}: ${r.mmd2} against i.i.d. ${cell.iidMmd2}`);
  }
  // Herding minimizes the metric's own MMD greedily: it must beat the i.i.d. median clearly.
  assert.ok(cell.results.find((r) => r.method === 'herding')!.mmd2 < 0.5 * cell.iidMmd2);
  assert.deepEqual(run().map((c) => [c.iidMmd2, c.results.map((r) => r.mmd2)]), [[cell.iidMmd2, cell.results.map((r) => r.mmd2)]]);
  const table = sampleTable(cells).split('\n');
  assert.equal(table.length, 3);
  const row = table[2].split('|').slice(1, -1).map((c) => c.trim());
  assert.equal(row.length, 3 + METHODS.length);
  for (const c of row) assert.ok(c !== '' && !/n\/a|NaN|Infinity/.test(c), table[2]);
  const svg = samplePlot(cells);
  for (const m of METHODS) assert.match(svg, new RegExp(`<path class="${m}"`));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});

test('every sampler: N points inside the domain, the same bits for the same seed; the randomized ones change with it', () => {
  const d = ring.domain;
  for (const m of METHODS) {
    const a = sampleWith(m, scenarioTarget(ring), 40, ring.metrics.mmdBandwidth, 3, 10);
    const b = sampleWith(m, scenarioTarget(ring), 40, ring.metrics.mmdBandwidth, 3, 10);
    assert.equal(a.length, 80);
    assert.deepEqual(a, b, `${m} is not deterministic`);
    for (let i = 0; i < 40; i++) assert.ok(a[2 * i] >= d.xmin && a[2 * i] <= d.xmax && a[2 * i + 1] >= d.ymin && a[2 * i + 1] <= d.ymax, `${m}: point ${i} outside`);
    if (m !== 'herding') assert.notDeepEqual(sampleWith(m, scenarioTarget(ring), 40, ring.metrics.mmdBandwidth, 4, 10), a, `${m} ignores its seed`);
  }
});

test('the scrambled radical inverse stays stratified: the first 2^k points of base 2 fill the 2^k intervals once each', () => {
  for (const seed of [1, 2]) {
    const hits = new Uint8Array(64);
    for (let i = 0; i < 64; i++) hits[Math.floor(scrambledRadicalInverse(i, 2, seed, 0) * 64)]++;
    assert.ok(hits.every((h) => h === 1), `seed ${seed}`);
    const thirds = new Uint8Array(27);
    for (let i = 0; i < 27; i++) thirds[Math.floor(scrambledRadicalInverse(i, 3, seed, 1) * 27)]++;
    assert.ok(thirds.every((h) => h === 1), `base 3, seed ${seed}`);
  }
  assert.notEqual(scrambledRadicalInverse(5, 2, 1, 0), scrambledRadicalInverse(5, 2, 2, 0));
});
