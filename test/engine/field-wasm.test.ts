import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobField, NeumannBlobField, Target, createRng, targetSampler } from '../../src/engine/index.js';
import type { Box } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';
import { sleb, uleb } from '../../src/engine/field/wasm/encoder.js';
import { stencilModuleBytes } from '../../src/engine/field/wasm/stencil.js';

// The WebAssembly SIMD kernel of the blob field against the JS loops (the reference): the deposit is the same
// arithmetic node by node, so f must agree bit for bit; the gather and the energy differ in summation order only.
const DOMAIN: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const target = new Target(PUBLIC_S1, DOMAIN);

test('LEB128 encodings match the specification examples', () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(sleb(0), [0]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.throws(() => uleb(-1), /not a u32/);
  assert.throws(() => sleb(2 ** 31), /not an i32/);
});

test('the kernel module is valid WebAssembly and the field uses it on this Node', () => {
  assert.ok(WebAssembly.validate(stencilModuleBytes()));
  assert.equal(new BlobField(target, { epsilon: 0.05, diffusivity: 1 }).kernel, 'wasm');
  assert.equal(new BlobField(target, { epsilon: 0.05, diffusivity: 1, kernel: 'js' }).kernel, 'js');
});

/** Evaluates both kernels on the same input; asserts f equal, energy and velocities equal to round-off. */
function compare(options: { epsilon: number; maxEpsilon?: number; gridSpacing?: number }, p: Float64Array, masses?: Float64Array, widths?: Float64Array): void {
  const wasm = new BlobField(target, { ...options, diffusivity: 1.5 });
  const js = new BlobField(target, { ...options, diffusivity: 1.5, kernel: 'js' });
  assert.equal(wasm.kernel, 'wasm');
  const n = p.length >> 1;
  const va = new Float64Array(2 * n).fill(Number.NaN);
  const vb = new Float64Array(2 * n).fill(Number.NaN);
  // Twice on the wasm side, the first time on other robots: nothing may leak from one evaluation into the next.
  wasm.evaluate(targetSampler(target)(37, createRng(99)), new Float64Array(74));
  const ea = wasm.evaluate(p, va, masses, widths);
  const eb = js.evaluate(p, vb, masses, widths);
  assert.ok(eb > 0 && Math.abs(ea - eb) <= 1e-12 * eb, `energy ${ea} vs ${eb}`);
  let fDiff = 0;
  for (let k = 0; k < js.f.length; k++) if (wasm.f[k] !== js.f[k]) fDiff++;
  assert.equal(fDiff, 0, `${fDiff} grid nodes of f differ`);
  let speed = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    speed = Math.max(speed, Math.hypot(vb[2 * i], vb[2 * i + 1]));
    err = Math.max(err, Math.hypot(va[2 * i] - vb[2 * i], va[2 * i + 1] - vb[2 * i + 1]));
  }
  assert.ok(speed > 0 && err <= 1e-12 * speed, `velocity difference ${err} of ${speed}`);
  for (let i = 0; i < 2 * n; i++) assert.ok(Number.isFinite(va[i]), `velocity ${i} is ${va[i]}`);
}

test('wasm and JS kernels agree: uniform masses and width, robots inside, at the walls, off the grid, at NaN', () => {
  const inside = targetSampler(target)(3000, createRng(5));
  const edge = [-1, -1, 1, 1, -1, 0.3, 0.999, -0.999, 1.2, 0, 30, 30, Number.NaN, 0.5, 0.2, Number.NaN];
  const p = new Float64Array(inside.length + edge.length);
  p.set(inside);
  p.set(edge, inside.length);
  compare({ epsilon: 0.021 }, p);
});

test('wasm and JS kernels agree on an odd grid (odd node count) and odd and even stencil widths', () => {
  const p = targetSampler(target)(500, createRng(6));
  for (const [epsilon, gridSpacing] of [[0.037, 0.37], [0.05, 0.4], [0.031, 0.45]]) {
    const g = new BlobField(target, { epsilon, diffusivity: 1, gridSpacing, kernel: 'js' }).grid;
    compare({ epsilon, gridSpacing }, p);
    if (epsilon === 0.037) assert.equal((g.nx * g.ny) % 2, 1, `grid ${g.nx} x ${g.ny} should have an odd node count`);
  }
});

test('wasm and JS kernels agree over several chunks of the Wasm robot loop (9,000 robots, 4,096 a call), edge robots last', () => {
  const inside = targetSampler(target)(9000, createRng(11));
  const edge = [Number.NaN, Number.NaN, -1, -1, 1, 1, 40, -40, 0.999, 0.999];
  const p = new Float64Array(inside.length + edge.length);
  p.set(inside);
  p.set(edge, inside.length);
  compare({ epsilon: 0.012 }, p);
  // The uniform path and the one that takes per-robot widths (all equal here: the same field) agree too.
  const field = new BlobField(target, { epsilon: 0.012, diffusivity: 1 });
  const n = p.length >> 1;
  const va = new Float64Array(2 * n);
  const vb = new Float64Array(2 * n);
  field.evaluate(p, va);
  field.evaluate(p, vb, undefined, new Float64Array(n).fill(0.012));
  let err = 0;
  let speed = 0;
  for (let i = 0; i < 2 * n; i++) {
    err = Math.max(err, Math.abs(va[i] - vb[i]));
    speed = Math.max(speed, Math.abs(vb[i]));
  }
  assert.ok(speed > 0 && err <= 1e-12 * speed, `uniform vs per-robot widths: ${err} of ${speed}`);
  assert.deepEqual([va[2 * 9000], va[2 * 9000 + 1], va[2 * 9003], va[2 * 9003 + 1]], [0, 0, 0, 0]);
});

test('wasm and JS kernels agree with masses (some zero) at a uniform width, and with `only` (others left as they are)', () => {
  const n = 6000;
  const p = targetSampler(target)(n, createRng(12));
  const rng = createRng(13);
  const masses = new Float64Array(n);
  const only = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    masses[i] = i % 11 === 0 ? 0 : rng.next() / n;
    only[i] = i % 3 === 0 ? 1 : 0;
  }
  compare({ epsilon: 0.015 }, p, masses);
  const wasm = new BlobField(target, { epsilon: 0.015, diffusivity: 1 });
  const js = new BlobField(target, { epsilon: 0.015, diffusivity: 1, kernel: 'js' });
  const va = new Float64Array(2 * n).fill(7);
  const vb = new Float64Array(2 * n).fill(7);
  const ea = wasm.evaluate(p, va, masses, undefined, only);
  const eb = js.evaluate(p, vb, masses, undefined, only);
  assert.ok(Math.abs(ea - eb) <= 1e-12 * eb, `energy ${ea} vs ${eb}`);
  let speed = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    if (!only[i]) {
      assert.deepEqual([va[2 * i], va[2 * i + 1]], [7, 7], `robot ${i} was not asked for`);
      continue;
    }
    speed = Math.max(speed, Math.hypot(vb[2 * i], vb[2 * i + 1]));
    err = Math.max(err, Math.hypot(va[2 * i] - vb[2 * i], va[2 * i + 1] - vb[2 * i + 1]));
  }
  assert.ok(speed > 0 && err <= 1e-12 * speed, `velocity difference ${err} of ${speed}`);
});

test('wasm and JS kernels agree with masses and per-robot widths (clipped, some robots of zero mass)', () => {
  const n = 800;
  const p = targetSampler(target)(n, createRng(7));
  const rng = createRng(8);
  const masses = new Float64Array(n);
  const widths = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    masses[i] = i % 17 === 0 ? 0 : rng.next() / n;
    widths[i] = 0.01 + 0.08 * rng.next(); // some below epsilon, some above maxEpsilon: clipped
  }
  compare({ epsilon: 0.02, maxEpsilon: 0.06 }, p, masses, widths);
});

test('NeumannBlobField: wasm and JS kernels give the same velocities bit for bit, energies to round-off', () => {
  const inside = targetSampler(target)(1500, createRng(9));
  const edge = [-1, -1, 1, 1, -0.999, 0.3, 0.98, -0.97, 1.2, 0, Number.NaN, 0.5];
  const p = new Float64Array(inside.length + edge.length);
  p.set(inside);
  p.set(edge, inside.length);
  const n = p.length >> 1;
  for (const [epsilon, smoothTarget] of [[0.03, false], [0.045, true]] as const) {
    const wasm = new NeumannBlobField(target, { epsilon, diffusivity: 1.2, smoothTarget });
    const js = new NeumannBlobField(target, { epsilon, diffusivity: 1.2, smoothTarget, kernel: 'js' });
    assert.equal(wasm.kernel, 'wasm');
    assert.equal(js.kernel, 'js');
    const va = new Float64Array(2 * n);
    const vb = new Float64Array(2 * n);
    wasm.evaluate(targetSampler(target)(21, createRng(98)), new Float64Array(42));
    const ea = wasm.evaluate(p, va);
    const eb = js.evaluate(p, vb);
    assert.ok(eb > 0 && Math.abs(ea - eb) <= 1e-12 * eb, `energy ${ea} vs ${eb}`);
    let differ = 0;
    let speed = 0;
    for (let i = 0; i < 2 * n; i++) {
      if (va[i] !== vb[i]) differ++;
      speed = Math.max(speed, Math.abs(vb[i]));
    }
    assert.ok(speed > 0);
    assert.equal(differ, 0, `${differ} velocity components differ (eps ${epsilon})`);
    assert.equal(va[2 * n - 2], 0);
  }
});

test('NeumannBlobField: the Wasm robot loop matches the JS one over chunks, at the walls, with masses and `only`', () => {
  // 9,000 robots (three calls of 4,096), a band of them within reach of the walls and corners, NaN and off-grid last.
  const rng = createRng(23);
  const inside = targetSampler(target)(6000, rng);
  const walls = new Float64Array(6000);
  for (let i = 0; i < 3000; i++) {
    const t = 2 * rng.next() - 1;
    const depth = 0.12 * rng.next(); // within reach (5 eps) of a wall
    const side = i % 4;
    walls[2 * i] = side === 0 ? -1 + depth : side === 1 ? 1 - depth : t;
    walls[2 * i + 1] = side === 2 ? -1 + depth : side === 3 ? 1 - depth : t;
  }
  const edge = [-1, -1, 1, 1, -1.01, 0.3, 0.999, -0.999, 1.2, 0, 30, 30, Number.NaN, 0.5, 0.2, Number.NaN, -0.99, 0.995];
  const p = new Float64Array(inside.length + walls.length + edge.length);
  p.set(inside);
  p.set(walls, inside.length);
  p.set(edge, inside.length + walls.length);
  const n = p.length >> 1;
  const masses = new Float64Array(n);
  for (let i = 0; i < n; i++) masses[i] = i % 7 === 3 ? 0 : (0.5 + rng.next()) / n;
  const only = new Uint8Array(n);
  for (let i = 0; i < n; i++) only[i] = i % 3 === 0 || i >= n - edge.length / 2 ? 1 : 0;
  const f = (field: NeumannBlobField): Float64Array => (field as unknown as { f: Float64Array }).f;
  for (const [epsilon, smoothTarget, gridSpacing] of [[0.024, false, 0.5], [0.031, true, 0.45]] as const) {
    const wasm = new NeumannBlobField(target, { epsilon, diffusivity: 0.8, smoothTarget, gridSpacing });
    const js = new NeumannBlobField(target, { epsilon, diffusivity: 0.8, smoothTarget, gridSpacing, kernel: 'js' });
    assert.equal(wasm.kernel, 'wasm');
    for (const [m, o] of [[undefined, undefined], [masses, undefined], [masses, only], [undefined, only]] as const) {
      const va = new Float64Array(2 * n).fill(7);
      const vb = new Float64Array(2 * n).fill(7);
      wasm.evaluate(targetSampler(target)(33, createRng(4)), new Float64Array(66)); // nothing may carry over
      const ea = wasm.evaluate(p, va, m, o);
      const eb = js.evaluate(p, vb, m, o);
      assert.ok(eb > 0 && Math.abs(ea - eb) <= 1e-12 * eb, `energy ${ea} vs ${eb}`);
      let fDiff = 0;
      for (let k = 0; k < f(js).length; k++) if (f(wasm)[k] !== f(js)[k]) fDiff++;
      assert.equal(fDiff, 0, `${fDiff} grid nodes of f differ (eps ${epsilon})`);
      let differ = 0;
      let speed = 0;
      for (let i = 0; i < 2 * n; i++) {
        if (!Object.is(va[i], vb[i])) differ++;
        if (!o || o[i >> 1]) speed = Math.max(speed, Math.abs(vb[i]));
      }
      assert.ok(speed > 0);
      assert.equal(differ, 0, `${differ} velocity components differ (eps ${epsilon}, masses ${!!m}, only ${!!o})`);
      for (let i = 0; i < n; i++) {
        if (o && !o[i]) assert.deepEqual([va[2 * i], va[2 * i + 1]], [7, 7], `robot ${i} not asked for was written`);
      }
      const far = n - 4; // (30, 30): no node in reach
      if (!o || o[far]) assert.deepEqual([va[2 * far], va[2 * far + 1]], [0, 0], 'the robot at (30, 30) has no node in reach');
    }
  }
});
