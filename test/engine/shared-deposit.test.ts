import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiScaleStepper, Target, createRng, multiScaleEpsilon } from '../../src/engine/index.js';
import type { DepositExchange, SharedGrid } from '../../src/engine/field/shared-deposit.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const target = new Target({ type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [0.3, -0.2], sigma: 0.4 }] } as never, domain);

/** An exchange between parts in one process: each part's own deposits by scale, and the others' sum. */
class Board {
  readonly grids: Map<number, Float64Array>[] = [];
  readonly keys = new Set<string>();
  constructor(parts: number) {
    for (let k = 0; k < parts; k++) this.grids.push(new Map());
  }
  for(part: number): DepositExchange {
    return {
      own: (scale: number, grid: SharedGrid, f: Float64Array) => {
        this.keys.add(grid.key);
        this.grids[part].set(scale, Float64Array.from(f));
      },
      others: (scale: number, grid: SharedGrid) => {
        const sum = new Float64Array(grid.nx * grid.ny);
        let any = false;
        this.grids.forEach((g, k) => {
          const f = g.get(scale);
          if (k === part || !f) return;
          any = true;
          for (let i = 0; i < sum.length; i++) sum[i] += f[i];
        });
        return any ? sum : undefined;
      },
    };
  }
}

/**
 * n robots uniform in the box (seeded), split in four quarters (`part`), the width for n, and the whole swarm's
 * velocities from one evaluation (`full`), against which the parts are compared.
 */
function quarters(n: number, seed: number) {
  const rng = createRng(seed);
  const p = Float64Array.from({ length: 2 * n }, () => 2 * rng.next() - 1);
  const part = (i: number): number => (p[2 * i] < 0 ? 0 : 1) + (p[2 * i + 1] < 0 ? 0 : 2);
  const eps = multiScaleEpsilon(domain, n);
  const full = new Float64Array(2 * n);
  new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain }).velocitiesAt(p, full, 0.1);
  return { p, part, eps, full };
}

test('coarse scales from shared deposits: 4 parts, each depositing its own robots, get the whole swarm\'s velocities to round-off', () => {
  const n = 3000;
  const { p, part, eps, full } = quarters(n, 11);
  const board = new Board(4);
  const steppers = [0, 1, 2, 3].map(() => new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain }));
  const masks = [0, 1, 2, 3].map((k) => Uint8Array.from({ length: n }, (_, i) => (part(i) === k ? 1 : 0)));
  const v = [0, 1, 2, 3].map(() => new Float64Array(2 * n));
  // First round: the deposits go out (the others' are not there yet); second: each part adds the others'.
  for (let round = 0; round < 2; round++) for (let k = 0; k < 4; k++) steppers[k].velocitiesAt(p, v[k], 0.1, masks[k], board.for(k));
  assert.equal(board.keys.size, 2, 'one key per coarse scale, the same at every part');
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.hypot(full[2 * i], full[2 * i + 1]));
  for (let i = 0; i < n; i++) {
    const k = part(i);
    worst = Math.max(worst, Math.hypot(v[k][2 * i] - full[2 * i], v[k][2 * i + 1] - full[2 * i + 1]));
  }
  assert.ok(scale > 0.1, `velocities of ${scale} m/s`);
  assert.ok(worst <= 1e-12 * scale, `largest difference ${worst} m/s against velocities up to ${scale}`);
});

test('without the others\' deposits the coarse scales see only the part\'s own robots (the exchange is really used)', () => {
  const n = 2000;
  const rng = createRng(12);
  const p = Float64Array.from({ length: 2 * n }, () => 2 * rng.next() - 1);
  const only = Uint8Array.from({ length: n }, (_, i) => (p[2 * i] < 0 ? 1 : 0));
  const eps = multiScaleEpsilon(domain, n);
  const full = new Float64Array(2 * n);
  const alone = new Float64Array(2 * n);
  new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain }).velocitiesAt(p, full, 0.1);
  const none: DepositExchange = { own: () => {}, others: () => undefined };
  new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain }).velocitiesAt(p, alone, 0.1, only, none);
  let differ = 0;
  for (let i = 0; i < n; i++) if (only[i] && Math.hypot(alone[2 * i] - full[2 * i], alone[2 * i + 1] - full[2 * i + 1]) > 1e-6) differ++;
  assert.ok(differ > 100, `${differ} robots moved by the missing deposits`);
});

test('different widths or targets give different grid keys (deposits that must not be added)', () => {
  const keys = (t: Target, eps: number): string[] => {
    const got: string[] = [];
    const ex: DepositExchange = { own: (_s, g) => got.push(g.key), others: () => undefined };
    const p = Float64Array.from([0, 0, 0.5, 0.5]);
    new MultiScaleStepper(t, { epsilon: eps, diffusivity: 1 }, { domain: t.domain }).velocitiesAt(p, new Float64Array(4), 0, Uint8Array.from([1, 0]), ex);
    return got;
  };
  const other = new Target({ type: 'mixture', components: [{ type: 'gaussian', weight: 1, mean: [0.2, -0.2], sigma: 0.4 }] } as never, domain);
  const a = keys(target, 0.05);
  assert.equal(a.length, 2);
  assert.deepEqual(keys(target, 0.05), a);
  assert.notDeepEqual(keys(target, 0.051), a);
  assert.notEqual(keys(other, 0.05)[0], a[0]);
});

test('a part that knows only the robots near its own (the fine scale\'s reach) and the swarm\'s size gets the whole swarm\'s velocities', () => {
  const n = 3000;
  const { p, part, eps, full } = quarters(n, 13);
  const board = new Board(4);
  const reach = 2 * (2 * 5 + 1) * eps;
  // Each part's view: its own robots and the others within reach of one of them (its tiles), in swarm order.
  const views = [0, 1, 2, 3].map((k) => {
    const mine = [...Array(n).keys()].filter((i) => part(i) === k);
    const seen = [...Array(n).keys()].filter((i) => part(i) === k || mine.some((j) => Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]) <= reach));
    return { seen, xy: Float64Array.from(seen.flatMap((i) => [p[2 * i], p[2 * i + 1]])), only: Uint8Array.from(seen, (i) => (part(i) === k ? 1 : 0)) };
  });
  assert.ok(views.every((v) => v.seen.length < 0.5 * n), `each part sees ${views.map((v) => v.seen.length).join(', ')} of ${n}`);
  const steppers = views.map(() => new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain }));
  const v = views.map((view) => new Float64Array(view.xy.length));
  for (let round = 0; round < 2; round++) views.forEach((view, k) => steppers[k].velocitiesAt(view.xy, v[k], 0.1, view.only, board.for(k), n));
  let worst = 0;
  let scale = 0;
  views.forEach((view, k) =>
    view.seen.forEach((i, q) => {
      if (!view.only[q]) return;
      scale = Math.max(scale, Math.hypot(full[2 * i], full[2 * i + 1]));
      worst = Math.max(worst, Math.hypot(v[k][2 * q] - full[2 * i], v[k][2 * q + 1] - full[2 * i + 1]));
    }),
  );
  assert.ok(worst <= 1e-12 * scale, `largest difference ${worst} m/s against velocities up to ${scale}`);
});

test('deposits sent in single precision (Float32MultiArray) move the velocities by less than 1e-6 of the largest', () => {
  const n = 3000;
  const rng = createRng(14);
  const p = Float64Array.from({ length: 2 * n }, () => 2 * rng.next() - 1);
  const part = (i: number): number => (p[2 * i] < 0 ? 0 : 1) + (p[2 * i + 1] < 0 ? 0 : 2);
  const eps = multiScaleEpsilon(domain, n);
  const masks = [0, 1, 2, 3].map((k) => Uint8Array.from({ length: n }, (_, i) => (part(i) === k ? 1 : 0)));
  const run = (single: boolean): Float64Array[] => {
    const board = new Board(4);
    const steppers = [0, 1, 2, 3].map(() => new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1 }, { domain }));
    const v = [0, 1, 2, 3].map(() => new Float64Array(2 * n));
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < 4; k++) {
        const ex = board.for(k);
        const own = single ? { ...ex, own: (s: number, g: SharedGrid, f: Float64Array) => ex.own(s, g, Float64Array.from(Float32Array.from(f))) } : ex;
        steppers[k].velocitiesAt(p, v[k], 0.1, masks[k], own);
      }
    }
    return v;
  };
  const double = run(false);
  const single = run(true);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const k = part(i);
    scale = Math.max(scale, Math.hypot(double[k][2 * i], double[k][2 * i + 1]));
    worst = Math.max(worst, Math.hypot(single[k][2 * i] - double[k][2 * i], single[k][2 * i + 1] - double[k][2 * i + 1]));
  }
  assert.ok(worst > 0, 'the rounding is seen');
  // Measured: 3.6e-9 of the largest velocity.
  assert.ok(worst < 1e-6 * scale, `largest difference ${worst} m/s against velocities up to ${scale}`);
});
