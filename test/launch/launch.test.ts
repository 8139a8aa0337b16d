import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the XML launch file is well formed and points at files that exist', () => {
  const file = join(root, 'launch', 'blob_coverage.launch.xml');
  const r = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(len(d.getElementsByTagName("executable")))', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2');
  const text = readFileSync(file, 'utf8');
  for (const ref of text.matchAll(/\$\(dirname\)\/\.\.\/([\w./-]+)/g)) assert.ok(existsSync(join(root, ref[1])), `${ref[1]} is missing`);
  assert.match(text, /-r __node:=blob_coverage_controller/);
});

test('the Python launch file compiles and names the entry points and parameter files', () => {
  const file = join(root, 'launch', 'swarm.launch.py');
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(file, 'utf8');
  for (const f of ['blob-coverage-simulator.js', 'blob-coverage-controller.js', 'controller.yaml', 'simulator.yaml']) assert.ok(text.includes(f), f);
});
