import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BlobField, Target, denseBlobField, toPositions } from '../../src/engine/index.js';
import { fixture, readJsonFixture, relativeMaxError } from '../helpers.js';

const scenario = parse(readFileSync(fixture('golden', 'public-s1.yaml'), 'utf8'));
const positions = toPositions(readJsonFixture<number[][]>('golden', 'public-s1-positions.json'));
const golden = toPositions(readJsonFixture<{ velocities: number[][] }>('golden', 'public-s1-velocities.json').velocities);
const target = new Target(scenario.target, scenario.domain);

test('fast blob field matches the independent golden velocities within 1e-3 of the largest speed', () => {
  const field = new BlobField(target, { epsilon: scenario.blob.epsilon, diffusivity: scenario.blob.diffusivity });
  const v = new Float64Array(positions.length);
  field.evaluate(positions, v);
  const err = relativeMaxError(v, golden);
  assert.ok(err < 1e-3, `relative error ${err}`);
  // The defaults are far more accurate than required: keep them honest.
  assert.ok(err < 2e-4, `relative error ${err} regressed`);
});

test('dense reference matches the golden velocities to ~1e-5', () => {
  const d = denseBlobField(target, positions, { epsilon: scenario.blob.epsilon, diffusivity: scenario.blob.diffusivity, spacing: 0.02 });
  assert.ok(relativeMaxError(d.velocities, golden) < 2e-5);
});

test('fast and dense energies agree', () => {
  const field = new BlobField(target, { epsilon: 0.1, diffusivity: 1 });
  const e = field.energy(positions);
  const d = denseBlobField(target, positions, { epsilon: 0.1, diffusivity: 1, spacing: 0.02 });
  assert.ok(Math.abs(e - d.energy) / d.energy < 1e-4, `${e} vs ${d.energy}`);
});

test('velocity scales linearly with the diffusivity', () => {
  const a = new BlobField(target, { epsilon: 0.1, diffusivity: 1 });
  const b = new BlobField(target, { epsilon: 0.1, diffusivity: 2.5 });
  const va = new Float64Array(positions.length);
  const vb = new Float64Array(positions.length);
  a.evaluate(positions, va);
  b.evaluate(positions, vb);
  for (let i = 0; i < va.length; i++) assert.ok(Math.abs(vb[i] - 2.5 * va[i]) <= 1e-12 * Math.abs(vb[i]) + 1e-12);
});
