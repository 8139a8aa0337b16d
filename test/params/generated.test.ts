import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { GENERATED, NODES, replaceBetween } from '../../scripts/generate-docs.js';
import { applyUpdates, defaults } from '../../src/params/schema.js';
import type { ParamValues } from '../../src/params/schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the parameter tables of the docs are the ones the schemas generate (npm run gen:params)', () => {
  for (const g of GENERATED.blocks) {
    const doc = readFileSync(join(root, g.path), 'utf8');
    assert.equal(replaceBetween(doc, g.marker, g.text), doc, `${g.path} (${g.marker})`);
  }
  assert.deepEqual(GENERATED.blocks.map((g) => g.marker), ['controller-parameters', 'simulator-parameters']);
});

test('config/blob_coverage.yaml is generated: one section per node, keyed by node name, every parameter valid', () => {
  for (const f of GENERATED.files) assert.equal(readFileSync(join(root, f.path), 'utf8'), f.text, f.path);
  const doc = parse(readFileSync(join(root, 'config', 'blob_coverage.yaml'), 'utf8')) as Record<string, { ros__parameters: ParamValues }>;
  assert.deepEqual(Object.keys(doc), NODES.map((n) => n.node), 'no /** section: rate, drive and pose_topic would reach both nodes');
  for (const { node, schema } of NODES) {
    const values = doc[node].ros__parameters;
    const r = applyUpdates(schema, defaults(schema), values, { live: false });
    assert.ok(r.ok, `${node}: ${(r as { reason?: string }).reason}`);
    const expected = schema.filter((p) => !(Array.isArray(p.default) && p.default.length === 0)).map((p) => p.name);
    assert.deepEqual(Object.keys(values).sort(), expected.sort());
  }
  // The names the sections share really differ between the nodes, which is why a single /** section cannot serve.
  const [c, s] = NODES.map((n) => doc[n.node].ros__parameters);
  assert.notEqual(c.rate, s.rate);
});
