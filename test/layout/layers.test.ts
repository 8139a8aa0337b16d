/**
 * The layout shows the architecture: the engine knows nothing of ROS, I/O or the controller; the controller knows
 * nothing of rclnodejs; no folder grows past a dozen files. Checked on the import statements of every source file.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports (static, dynamic and type imports): relative ones resolved to paths under src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(src, resolve(dirname(file), s)) : s));
}

test('the engine imports only the engine, mathjs (formulas, loaded lazily) and no I/O', () => {
  const allowed = new Set(['mathjs', 'node:module', 'node:path']);
  const bad: string[] = [];
  for (const f of files(join(src, 'engine'))) {
    for (const i of imports(f)) {
      const inside = i.startsWith('engine/');
      if (!inside && !allowed.has(i)) bad.push(`${relative(root, f)} imports ${i}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the controller and the simulator know nothing of rclnodejs or the ROS adapter', () => {
  const bad: string[] = [];
  for (const dir of ['control', 'sim', 'node', 'standalone', 'report', 'scenario', 'params']) {
    for (const f of files(join(src, dir))) {
      for (const i of imports(f)) if (i === 'rclnodejs' || i.startsWith('ros/')) bad.push(`${relative(root, f)} imports ${i}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('no source folder holds more than a dozen files (a concept per folder)', () => {
  const crowded: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir);
    const count = entries.filter((e) => e.endsWith('.ts')).length;
    if (count > 12) crowded.push(`${relative(root, dir)}: ${count} files`);
    for (const e of entries) if (statSync(join(dir, e)).isDirectory()) walk(join(dir, e));
  };
  walk(src);
  assert.deepEqual(crowded, []);
});
