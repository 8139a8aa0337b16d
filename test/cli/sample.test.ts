import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'blob-coverage.js');
const demo = join(root, 'scenarios', 'demo.yaml');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('blob-coverage sample writes the same points twice, as JSON or CSV, inside the domain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-sample-'));
  const json = join(dir, 'a.json');
  const again = join(dir, 'b.json');
  const csv = join(dir, 'a.csv');
  for (const out of [json, again, csv]) {
    const r = cli('sample', demo, '--n', '300', '--out', out, '--seed', '4');
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal(readFileSync(json, 'utf8'), readFileSync(again, 'utf8'));
  const points = JSON.parse(readFileSync(json, 'utf8')) as [number, number][];
  assert.equal(points.length, 300);
  for (const [x, y] of points) assert.ok(Math.abs(x) <= 1 && Math.abs(y) <= 1);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'x,y');
  assert.deepEqual(rows.slice(1).map((r) => r.split(',').map(Number)), points);
});

test('blob-coverage sample refuses bad flags with one line and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-sample-'));
  const out = join(dir, 'p.json');
  for (const [args, pattern] of [
    [['sample', demo, '--out', out], /--n N/],
    [['sample', demo, '--n', '0', '--out', out], /--n must be an integer/],
    [['sample', demo, '--n', '2.5', '--out', out], /--n must be an integer/],
    [['sample', demo, '--n', '10', '--out', join(dir, 'p.txt')], /\.json or \.csv/],
    [['sample', demo, '--n', '10', '--out', out, '--time=-1'], /--time must be/],
  ] as [string[], RegExp][]) {
    const r = cli(...args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  assert.ok(!existsSync(out));
});
