import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { GENERATED, replaceBetween } from '../../scripts/generate-docs.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { applyUpdates, defaults } from '../../src/params/schema.js';
import { SIMULATOR_SCHEMA } from '../../src/sim/params.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the README parameter tables are the ones the schemas generate (npm run gen:params)', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  let regenerated = readme;
  for (const g of GENERATED.readme) regenerated = replaceBetween(regenerated, g.marker, g.text);
  assert.equal(readme, regenerated);
});

test('the config files are generated, and load through the schemas as /** parameter files', () => {
  for (const f of GENERATED.files) assert.equal(readFileSync(join(root, f.path), 'utf8'), f.text, f.path);
  for (const [file, schema] of [['config/controller.yaml', CONTROLLER_SCHEMA], ['config/simulator.yaml', SIMULATOR_SCHEMA]] as const) {
    const doc = parse(readFileSync(join(root, file), 'utf8'));
    const values = doc['/**'].ros__parameters;
    const r = applyUpdates(schema, defaults(schema), values, { live: false });
    assert.ok(r.ok, `${file}: ${(r as { reason?: string }).reason}`);
    const expected = schema.filter((p) => !(Array.isArray(p.default) && p.default.length === 0)).map((p) => p.name);
    assert.deepEqual(Object.keys(values).sort(), expected.sort());
  }
});
