import { test } from 'node:test';
import assert from 'node:assert/strict';
import { I_TOP, MAX_NEAREST, R_CD, R_CONS, R_KIND, R_RAW, R_RECORDS, R_STARTS, R_TAKEN, ScanMemory, scanKernel } from '../../../src/control/safety/neighbour-scan.js';
import type { Kernel } from '../../../src/control/safety/neighbour-scan.js';
import { createRng } from '../../../src/engine/index.js';

// The Wasm kernel's per-robot functions on their own, against plain JS statements of what they compute, on inputs the
// random swarms of safety-wasm.test.ts seldom produce: many equal distances, a radius kept from a robot with nearer or
// farther neighbours, relaxed problems and headings.

function kernel(): { memory: ScanMemory; k: Kernel } {
  const memory = new ScanMemory();
  const k = scanKernel(memory);
  if (!k) throw new Error('no WebAssembly SIMD on this Node');
  return { memory, k };
}

test('every region of the scan memory keeps its contents when one grows (the taken flags and line data too)', () => {
  const m = new ScanMemory();
  const regions = [R_RECORDS, R_STARTS, R_CD, R_KIND, R_RAW, R_CONS, R_TAKEN];
  const fill = (r: number, k: number): number => (r * 31 + k * 7) % 251;
  const sizes = regions.map((r) => m.capacity(r));
  for (const r of regions) {
    const bytes = new Uint8Array(m.memory.buffer, m.offset(r), m.capacity(r));
    for (let k = 0; k < bytes.length; k++) bytes[k] = fill(r, k);
  }
  m.reserve(R_TAKEN, 200_000); // past the first page: the memory grows and the later region moves
  m.reserve(R_RAW, 50_000); // and an earlier one: every later region moves
  for (const r of regions) {
    const bytes = new Uint8Array(m.memory.buffer, m.offset(r), sizes[r]);
    for (let k = 0; k < bytes.length; k++) assert.equal(bytes[k], fill(r, k), `region ${r} byte ${k}`);
  }
});

test('nearest gives the MAX_NEAREST nearest candidates, nearest first, ties to the earlier, whatever the radius it kept', () => {
  const { memory, k } = kernel();
  const rng = createRng(7);
  let checked = 0;
  for (let round = 0; round < 300; round++) {
    // Distances on a coarse grid (many ties); some rounds far nearer or farther than the last (the kept radius then
    // holds too few, or all, of them).
    const kept = MAX_NEAREST + 1 + Math.floor(rng.next() * 150);
    const scale = round % 7 === 0 ? 1e-3 : round % 5 === 0 ? 1e3 : 1;
    memory.reserve(R_CD, kept);
    memory.reserve(R_TAKEN, memory.capacity(R_CD));
    const cd = new Float64Array(memory.memory.buffer, memory.offset(R_CD), kept);
    const taken = new Uint8Array(memory.memory.buffer, memory.offset(R_TAKEN), kept);
    for (let q = 0; q < kept; q++) cd[q] = scale * Math.floor(rng.next() * 40) * 0.01;
    taken.fill(0);
    const m = k.nearest(kept);
    const order = Array.from({ length: kept }, (_, q) => q).sort((a, b) => cd[a] - cd[b] || a - b);
    const expected = order.slice(0, MAX_NEAREST);
    const top = Array.from(new Int32Array(memory.memory.buffer, 4 * I_TOP, MAX_NEAREST));
    assert.equal(m, MAX_NEAREST);
    assert.deepEqual(top, expected, `round ${round}`);
    for (let q = 0; q < kept; q++) assert.equal(taken[q], expected.includes(q) ? 1 : 0, `round ${round}: taken ${q}`);
    checked++;
  }
  assert.equal(checked, 300);
});

test('check finds, in order, each barrier not taken that a velocity breaks (relaxed problems and headings too)', () => {
  const { memory, k } = kernel();
  const rng = createRng(11);
  const TOLERANCE = 1e-9;
  let broken = 0;
  for (let round = 0; round < 200; round++) {
    const from = Math.floor(rng.next() * 20);
    const active = 1 + Math.floor(rng.next() * 60);
    memory.reserve(R_RAW, from + active);
    memory.reserve(R_KIND, memory.capacity(R_RAW));
    memory.reserve(R_TAKEN, active);
    const raw = new Float64Array(memory.memory.buffer, memory.offset(R_RAW), 3 * (from + active));
    const kind = new Uint8Array(memory.memory.buffer, memory.offset(R_KIND), from + active);
    const taken = new Uint8Array(memory.memory.buffer, memory.offset(R_TAKEN), active);
    for (let t = 0; t < active; t++) {
      const a = 2 * Math.PI * rng.next();
      raw[3 * (from + t)] = Math.cos(a);
      raw[3 * (from + t) + 1] = Math.sin(a);
      raw[3 * (from + t) + 2] = 0.3 * (rng.next() - 0.7);
      kind[from + t] = rng.next() < 0.1 ? 1 : 0;
      taken[t] = rng.next() < 0.2 ? 1 : 0;
    }
    const ux = rng.next() - 0.5;
    const uy = rng.next() - 0.5;
    const relaxed = round % 3 === 0 ? 1 : 0;
    const unicycle = round % 2;
    const h = 2 * Math.PI * rng.next();
    const [ex, ey] = unicycle ? [Math.cos(h), Math.sin(h)] : [Number.NaN, Number.NaN];
    // The filter's JS statement of the test.
    const expected: number[] = [];
    for (let t = 0; t < active; t++) {
      if (taken[t]) continue;
      const r = 3 * (from + t);
      const coincident = kind[from + t] === 1;
      let ax = raw[r];
      let ay = raw[r + 1];
      let b = raw[r + 2];
      if (relaxed && coincident) continue;
      if (relaxed) b = Math.min(b, 0);
      if (unicycle) {
        const c = ax * ex + ay * ey;
        ax = c * ex;
        ay = c * ey;
      }
      if (ax * ux + ay * uy >= b - TOLERANCE) continue;
      expected.push(t);
    }
    const found: number[] = [];
    for (let t = k.check(from, active, ux, uy, relaxed, unicycle, ex, ey, 0); t >= 0; t = k.check(from, active, ux, uy, relaxed, unicycle, ex, ey, t + 1)) found.push(t);
    assert.deepEqual(found, expected, `round ${round}`);
    broken += found.length;
  }
  assert.ok(broken > 500, `${broken} broken barriers found`);
});
