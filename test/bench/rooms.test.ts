import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HighDensityDistance, robotsInObstacles } from '../../bench/rooms/metrics.js';
import type { RoomCell } from '../../bench/rooms/report.js';
import { goalTable, roomPicture, roomTable } from '../../bench/rooms/report.js';
import { runRoom, withCount } from '../../bench/rooms/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioTarget } from '../../src/scenario/setup.js';

const rooms = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'rooms');

test('every room scenario loads, its start is out of the obstacles, and its high-density region is behind a wall', () => {
  for (const name of ['l-wall', 'door', 'corridor', 'rooms-map']) {
    const s = loadScenario(join(rooms, `${name}.yaml`));
    const target = scenarioTarget(s);
    assert.ok(!target.obstacles.empty, `${name} has obstacles`);
    const hdr = new HighDensityDistance(target, 0.05);
    const box = s.robots!.initial.type === 'grid' ? s.robots!.initial.box : undefined;
    assert.ok(box, name);
    const centre = [(box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2] as const;
    // Through free space the start is farther from the target's dense part than in a straight line.
    assert.ok(hdr.at(centre[0], centre[1]) > 1.5, `${name}: start ${hdr.at(centre[0], centre[1])} m from the region`);
  }
});

test('a tiny room run (door, 6 robots, 3 s, both drives): every metric, a table, the goal check and a picture', () => {
  const s = withCount(loadScenario(join(rooms, 'door.yaml')), 6);
  const target = scenarioTarget(s);
  const runs = (['holonomic', 'diff_drive'] as const).map((drive) => runRoom('door', s, 'blob', drive, { samplePeriod: 0.5, duration: 3 }));
  for (const r of runs) {
    assert.equal(r.robots, 6);
    assert.equal(r.inObstacle, 0);
    assert.equal(robotsInObstacles(target, r.final), 0);
    assert.ok(r.mmd2 > 0 && r.t90 > 0 && r.t90 <= 3 && r.medianDistance > 0 && r.closestPair >= r.minSeparation - 1e-3, JSON.stringify({ ...r, initial: 0, final: 0, trail: 0 }));
    assert.equal(r.trail.length, 4, 'start and one position a second');
  }
  const again = runRoom('door', s, 'blob', 'diff_drive', { samplePeriod: 0.5, duration: 3 });
  assert.deepEqual(again.final, runs[1].final, 'deterministic');
  const cells: RoomCell[] = [{ scenario: 'door', robots: 6, iidMmd2: 0.05, runs }];
  const table = roomTable(cells).split('\n');
  assert.equal(table.length, 2 + 1 + 2);
  assert.ok(!table.some((l) => l.includes('NaN') || l.includes('n/a')));
  const goal = goalTable(cells);
  assert.equal(goal.total, 1);
  assert.match(goal.text, /\| door \| 6 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| yes \| yes \| (met|missed) \|/);
  const svg = roomPicture([{ title: 'door', target, run: runs[1] }]);
  assert.match(svg, /^<svg [^>]*>/);
  const paths = svg.match(/<path d="[^"]*" (fill="none" )?stroke="#[0-9a-f]+"/g) ?? [];
  assert.equal(paths.length, 3, 'the paths, the starts, the ends');
  for (const path of paths) assert.equal((path.match(/M/g) ?? []).length, 6, 'one per robot');
});
