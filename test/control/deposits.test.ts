import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DepositBoard } from '../../src/control/deposits.js';
import { TileGrid } from '../../src/control/tiles.js';

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
  assert.deepEqual([...b.tombstones], [[3, 1.25], [4, 1.25]]);
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
