import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TileGrid } from '../../../src/control/exchange/tiles.js';
import { TileGuard } from '../../../src/control/exchange/tile-guard.js';
import type { TileGuardInput } from '../../../src/control/exchange/tile-guard.js';
import type { Tombstone } from '../../../src/control/exchange/deposits.js';

// A 4 x 4 tiling of [0, 4]^2: tile (i, j) is [i, i + 1] x [j, j + 1], index 4 j + i.
const grid = new TileGrid({ xmin: 0, ymin: 0, xmax: 4, ymax: 4 }, 1);
const tile = (i: number, j: number): number => 4 * j + i;

/** Robots 0-2 commanded here at the given places; robots 3-5 another instance's (heard on `heard` tiles). */
function input(over: Partial<TileGuardInput> & { own: [number, number][]; heard?: number[]; times?: number[] }): TileGuardInput {
  const heardTile = new Int32Array(6).fill(-1);
  (over.heard ?? []).forEach((t, k) => (heardTile[3 + k] = t));
  return {
    now: 0,
    heardTile,
    poseTime: (i) => over.times?.[i] ?? 0,
    announced: new Map(),
    tombstones: new Map(),
    subscribedAt: () => 1, // subscribed at 1 s (after the guard's first update, at 0, unless a test says)
    visitOwn: (f) => over.own.forEach(([x, y], i) => f(i, x, y)),
    grace: 0.3,
    brief: 0.1,
    radius: 0.5,
    liveDrift: 0.05,
    deadDrift: 0.2,
    ...over,
  };
}

test('a tile subscribed mid-run that has not brought the robots announced there: robots near it are held once the grace has passed, and released when they come', () => {
  const guard = new TileGuard(grid, 6);
  const own: [number, number][] = [[2.5, 1.5], [2.6, 1.5], [0.5, 3.5]]; // 0.5 and 0.4 m left of tile (3, 1), [3, 4] x [1, 2]
  const announced = new Map([[tile(3, 1), 2]]);
  assert.equal(guard.update(input({ own, now: 0, subscribedAt: () => undefined })).held, 0, 'the first update: nothing subscribed');
  let r = guard.update(input({ own, announced, now: 1 }));
  assert.equal(r.held, 0, 'within the grace');
  r = guard.update(input({ own, announced, now: 1.2, heard: [tile(3, 1)] }));
  assert.equal(r.held, 0, 'one of two heard, still within the grace');
  r = guard.update(input({ own, announced, now: 1.3, heard: [tile(3, 1)] }));
  assert.deepEqual(r.overdue, [tile(3, 1)]);
  assert.equal(r.held, 2, 'the two robots within R + drift of the tile');
  assert.deepEqual(Array.from(guard.held.subarray(0, 3)), [1, 1, 0]);
  assert.ok(guard.shortNear(tile(2, 2)) && !guard.shortNear(tile(0, 3)), 'a robot last heard next to it may have gone there');
  r = guard.update(input({ own, announced, now: 1.4, heard: [tile(3, 1), tile(3, 1)] }));
  assert.equal(r.held, 0, 'every robot announced there heard');
  assert.deepEqual(Array.from(guard.held), [0, 0, 0, 0, 0, 0]);
  assert.ok(!guard.shortNear(tile(2, 2)));
  // Short again long after its subscription (an instance appearing there, or its messages stopping): held from the
  // next period on (not for a deposit that came a moment before its tile message).
  assert.equal(guard.update(input({ own, announced, now: 5, heard: [tile(3, 1)] })).held, 0);
  assert.equal(guard.update(input({ own, announced, now: 5.05, heard: [tile(3, 1), tile(3, 1)] })).held, 0);
  assert.equal(guard.update(input({ own, announced, now: 6, heard: [tile(3, 1)] })).held, 0);
  assert.equal(guard.update(input({ own, announced, now: 6.1, heard: [tile(3, 1)] })).held, 2);
  // Not subscribed (beyond R of every robot here): nothing to wait for.
  assert.equal(guard.update(input({ own, announced, now: 7, subscribedAt: () => undefined })).held, 0);
  // A robot 0.56 m from the tile: beyond R + drift.
  const farther = new TileGuard(grid, 6);
  farther.update(input({ own: [[2.44, 1.5]], now: 0, subscribedAt: () => undefined }));
  assert.equal(farther.update(input({ own: [[2.44, 1.5]], announced, now: 2 })).held, 0);
});

test('the tiles subscribed at start get no grace: their robots may be near already', () => {
  const guard = new TileGuard(grid, 6);
  const own: [number, number][] = [[2.5, 1.5]];
  assert.equal(guard.update(input({ own, now: 0, subscribedAt: () => 0 })).held, 0, 'nothing announced yet');
  assert.equal(guard.update(input({ own, announced: new Map([[tile(3, 1), 1]]), now: 0.1, subscribedAt: () => 0 })).held, 0, 'short for less than a period');
  assert.equal(guard.update(input({ own, announced: new Map([[tile(3, 1), 1]]), now: 0.2, subscribedAt: () => 0 })).held, 1);
  assert.equal(guard.update(input({ own, announced: new Map([[tile(3, 1), 1]]), now: 0.3, subscribedAt: () => 0, heard: [tile(3, 1)] })).held, 0);
});

test('a dead instance\'s tile with robots never heard here: robots near it are held at once; heard ones are enough', () => {
  const tombstones = new Map<number, Tombstone>([[tile(0, 0), { stamp: 2, robots: 2 }]]);
  const own: [number, number][] = [[1.6, 0.5], [1.8, 0.5], [3.5, 3.5]];
  const guard = new TileGuard(grid, 6);
  let r = guard.update(input({ own, tombstones, now: 3, subscribedAt: () => undefined }));
  assert.deepEqual(r.unknownDead, [tile(0, 0)]);
  assert.deepEqual(Array.from(guard.held.subarray(0, 3)), [1, 0, 0], 'within R + the dead robots\' drift (0.7 m) of [0, 1]^2: robot 0 only');
  // Its two robots were heard there before it died (pose times at or before its last deposit): they are known discs.
  r = guard.update(input({ own, tombstones, now: 3, heard: [tile(0, 0), tile(0, 0)], times: [0, 0, 0, 1.9, 2, 0] }));
  assert.equal(r.held, 0);
  // One of them heard later (a live robot passing by, not one of the dead instance's): one dead robot unknown.
  r = guard.update(input({ own, tombstones, now: 3, heard: [tile(0, 0), tile(0, 0)], times: [0, 0, 0, 1.9, 2.5, 0] }));
  assert.equal(r.held, 1);
  // A tile on the box's edge reaches out: a robot outside the box beyond the tile is held too.
  r = guard.update(input({ own: [[-3, -3]], tombstones, now: 3 }));
  assert.equal(r.held, 1);
});
