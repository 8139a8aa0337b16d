import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DepositBoard } from '../../../src/control/exchange/deposits.js';
import { TileGrid } from '../../../src/control/exchange/tiles.js';

const grid = { epsilon: 0.1, nx: 8, ny: 6, key: 'eps 0.1 grid 8x6 box -1,-1,1,1 target 0123abcd' };

test('a deposit goes out as the window of nodes it touches and comes back, added, at its place', () => {
  const a = new DepositBoard('/a', 0.5);
  const b = new DepositBoard('/b', 0.5);
  const f = new Float64Array(48);
  f[2 * 8 + 3] = 1.5;
  f[4 * 8 + 5] = 2.5;
  b.begin(0);
  b.others(0, grid); // b learns its key for scale 0
  a.own(0, grid, f);
  const m = a.message(7, 1.25, [3, 4])!;
  assert.equal(m.data.length, 3 * 3, 'rows 2-4, columns 3-5');
  assert.equal(a.message(7, 1.3), undefined, 'nothing new to send');
  assert.equal(b.receive(m, 1.3), undefined);
  b.begin(1.3);
  assert.equal(b.robots(), 7);
  assert.deepEqual([...b.occupied()], [[3, 1], [4, 1]]);
  assert.deepEqual(Array.from(b.others(0, grid)!), Array.from(f));
  b.begin(1.8); // older than 0.5 s: dropped, its tiles remembered
  assert.equal(b.robots(), 0);
  assert.equal(b.others(0, grid), undefined);
  assert.deepEqual([...b.tombstones], [[3, { stamp: 1.25, robots: 1 }], [4, { stamp: 1.25, robots: 1 }]], 'no counts sent: one robot a tile at least');
});

test('deposit headers announce robots per tile; a dead instance\'s tiles are remembered with them, and dropped when it comes back', () => {
  const a = new DepositBoard('/a', 0.5);
  const c = new DepositBoard('/c', 0.5);
  const b = new DepositBoard('/b', 0.5);
  const f = new Float64Array(48);
  f[9] = 1;
  for (const board of [a, c]) board.own(0, grid, f);
  const fromA = a.message(5, 1, [3, 4], [2, 3])!;
  assert.match(fromA.layout.dim[0].label, / tiles=3,4 counts=2,3$/);
  b.begin(1);
  b.others(0, grid);
  assert.equal(b.receive(fromA, 1), undefined);
  assert.equal(b.receive(c.message(1, 1.05, [4], [1])!, 1.05), undefined);
  b.begin(1.1);
  assert.deepEqual([...b.announced()].sort(), [[3, 2], [4, 4]], 'summed over the instances');
  assert.deepEqual([...b.occupied()].sort(), [[3, 1], [4, 2]], 'instances a tile');
  c.own(0, grid, f);
  assert.equal(b.receive(c.message(1, 1.5, [4], [1])!, 1.5), undefined);
  b.begin(1.6); // a's deposit (stamp 1) is older than 0.5 s: a is dead, c is not
  assert.deepEqual([...b.announced()], [[4, 1]]);
  assert.deepEqual([...b.tombstones].sort(), [[3, { stamp: 1, robots: 2 }], [4, { stamp: 1, robots: 3 }]]);
  a.own(0, grid, f);
  assert.equal(b.receive(a.message(5, 2, [4], [5])!, 2), undefined, 'a restarted');
  assert.equal(b.tombstones.size, 0, 'its robots are announced afresh');
  a.own(0, grid, f);
  assert.match(b.receive(a.message(5, 2.1, [3, 4], [1])!, 2.1)!, /1 tile counts for 2 tiles/);
});

test('malformed deposits are refused with a reason, and a board skips its own', () => {
  const a = new DepositBoard('/a', 0.5);
  const m = (label: string, dims: { label: string; size: number; stride: number }[], data: number[]) => ({ layout: { dim: [{ label, size: dims.length, stride: 0 }, ...dims], data_offset: 0 }, data });
  const head = 'blob_deposit from=/b robots=3 stamp=1';
  assert.match(a.receive({} as never, 1)!, /no layout/);
  assert.match(a.receive(m('hello', [], []), 1)!, /first dimension/);
  assert.match(a.receive(m(head, [{ label: 'scale=0 eps 0.1 grid 8x6 box -1,-1,1,1 target x window=7,0,2,1', size: 2, stride: 2 }], [1, 2]), 1)!, /outside its grid/);
  assert.match(a.receive(m(head, [{ label: 'scale=0 eps 0.1 grid 8x6 box -1,-1,1,1 target x window=0,0,2,1', size: 2, stride: 2 }], [1]), 1)!, /shorter/);
  assert.match(a.receive(m(head, [{ label: 'scale=0 eps 0.1 grid 8x6 box -1,-1,1,1 target x window=0,0,2,1', size: 2, stride: 2 }], [1, NaN]), 1)!, /not finite/);
  assert.equal(a.receive(m('blob_deposit from=/a robots=3 stamp=1', [], []), 1), undefined);
  a.begin(1);
  assert.equal(a.instances, 0);
});

test('tiles: a point belongs to one tile; a square marks the tiles it overlaps', () => {
  const g = new TileGrid({ xmin: -1, xmax: 1, ymin: -1, ymax: 1 }, 0.3);
  assert.deepEqual([g.nx, g.ny], [6, 6]);
  assert.ok(g.w >= 0.3);
  assert.equal(g.tileOf(-1, -1), 0);
  assert.equal(g.tileOf(5, 5), 35, 'outside the box: the nearest tile');
  assert.equal(g.name(g.tileOf(0.1, -0.9)), 't_3_0');
  const out = new Uint8Array(g.count);
  g.markAround(0, 0, 0.2, out);
  assert.deepEqual([...out.keys()].filter((t) => out[t]), [14, 15, 20, 21]);
});
