import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { comparisonPlot } from '../../bench/coverage/plot.js';
import { runSuite } from '../../bench/coverage/suite.js';
import { TABLE_HEADERS, comparisonTable } from '../../bench/coverage/table.js';
import { loadScenario } from '../../src/scenario/load.js';

const ring = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'ring.yaml');

test('a tiny comparison (ring, 25 robots, 2 s): every column for every law, the same numbers again, a plot with every law', () => {
  const run = () => runSuite({ scenarios: [{ name: 'ring', scenario: loadScenario(ring) }], counts: [25], samplePeriod: 0.2, duration: 2 });
  const cells = run();
  assert.equal(cells.length, 1);
  assert.deepEqual(cells[0].runs.map((r) => r.algorithm), ['blob', 'lloyd', 'langevin']);
  for (const r of cells[0].runs) {
    assert.equal(r.robots, 25);
    assert.ok(r.mmd2 < r.initialMmd2, `${r.algorithm}: MMD^2 ${r.initialMmd2} -> ${r.mmd2}`);
    assert.ok(r.pathLength > 0 && r.t90 > 0 && r.t90 <= 2 && r.tickMs > 0 && r.lawMs > 0, JSON.stringify(r));
    for (const v of [r.energy, r.lloydCost]) assert.ok(Number.isFinite(v) && v > 0);
  }
  const table = comparisonTable(cells).split('\n');
  assert.equal(table[0], `| ${TABLE_HEADERS.join(' | ')} |`);
  assert.equal(table.length, 2 + 1 + 3, 'header, rule, the i.i.d. row and one row per law');
  assert.match(table[2], /^\| ring \| 25 \| \*i\.i\.d\. samples\* \| \d\.\de-\d \| 1 \|/);
  for (const row of table.slice(3)) {
    const cellsOfRow = row.split('|').slice(1, -1).map((c) => c.trim());
    assert.equal(cellsOfRow.length, TABLE_HEADERS.length, row);
    for (const c of cellsOfRow) assert.ok(c !== '' && !c.includes('n/a') && !c.includes('NaN'), `empty or missing value in ${row}`);
  }
  // Same seeds, same numbers: everything but the compute times (the last column).
  const withoutTimes = (lines: string[]) => lines.map((l) => l.replace(/\| [^|]* \|$/, '|'));
  assert.deepEqual(withoutTimes(comparisonTable(run()).split('\n')), withoutTimes(table));
  const svg = comparisonPlot(cells);
  assert.match(svg, /^<svg [^>]*>/);
  for (const cls of ['blob', 'lloyd', 'langevin', 'iid']) assert.match(svg, new RegExp(`<path class="${cls}"`));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});
