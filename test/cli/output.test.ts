/** What the terminal shows: the drawing's axes and legend, a note per metric, absolute paths to what was written. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { terminalPlot } from '../../src/cli/output/terminal-plot.js';
import { fileLink, metricNotes } from '../../src/cli/output/explain.js';
import type { Target } from '../../src/engine/target/target.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the terminal drawing has axes in metres, robots where they are, and a legend', () => {
  // The drawing reads only the domain and the density: a uniform one here.
  const target = { domain: { xmin: 0, xmax: 4, ymin: -1, ymax: 1 }, valueAt: () => 0.125 } as unknown as Target;
  // One robot near the top-left corner, three in one cell near the bottom-right corner.
  const text = terminalPlot(target, Float64Array.of(0.01, 0.99, 3.99, -0.99, 3.99, -0.99, 3.98, -0.98), 40);
  const lines = text.split('\n');
  assert.equal(lines[0].trim(), 'y (m)');
  assert.match(lines[1], /^ *1\.0 \+-{40}\+$/);
  assert.match(lines[2], /^ *\|o/, 'the robot at the top left is in the first cell');
  const bottom = lines.findIndex((l) => /^ *-1\.0 \+/.test(l));
  assert.ok(bottom > 2);
  assert.match(lines[bottom - 1], /3\|$/, 'three robots in the bottom-right cell');
  assert.ok(lines.some((l) => /^ *0\.0 \|/.test(l)), 'the middle of the y axis is labelled');
  assert.match(lines[bottom + 1], /^ +0\.0 +2\.0 +4\.0 {2}x \(m\)$/);
  assert.match(lines[bottom + 2], /o robot, 2-9 robots in one character, X 10 or more; target density, low to high/);
});

test('metric notes say what each number is and which way is better; links are absolute', () => {
  const notes = metricNotes({ bandwidth: 0.1, robots: 100, separation: 0.015 }).join('\n');
  assert.match(notes, /MMD\^2: squared maximum mean discrepancy .* Gaussian of 0\.10 m; lower is better/);
  assert.match(notes, /median of 100 independent random samples/);
  assert.match(notes, /2 robot_radius \+ safety_clearance = 0\.0150 m/);
  assert.match(metricNotes({ bandwidth: 0.1, robots: 9, offline: true }).join('\n'), /energy: the blob energy E_eps, what the flow minimizes; it never rises/);
  assert.equal(fileLink('a b.html', false), resolve('a b.html'));
  assert.equal(fileLink('a b.html', true), pathToFileURL(resolve('a b.html')).href);
  assert.match(fileLink('a b.html', true), /^file:\/\/\/.*a%20b\.html$/);
});

test('the demo prints the drawing with axes, a note per metric and the absolute report path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-demo-'));
  // Run from the temporary folder with a relative --report: the path printed must be absolute.
  const r = spawnSync(process.execPath, [join(root, 'bin', 'blob-coverage.js'), 'demo', '--duration', '2', '--report', 'demo.html'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ *y \(m\)\n *1\.0 \+-+\+\n/);
  assert.match(r.stdout, /-1\.0 +0\.0 +1\.0 {2}x \(m\)\n/);
  assert.match(r.stdout, /target density, low to high/);
  assert.match(r.stderr, /standalone \(holonomic, blob law\): 100 robots, 2\.0 s simulated .*MMD\^2 \S+ -> \S+ \([\d.e+-]+ x i\.i\.d\.\)/);
  assert.match(r.stderr, /^ {2}MMD\^2: squared maximum mean discrepancy/m);
  assert.match(r.stderr, /^ {2}nearest neighbour: .* = 0\.0150 m\.$/m, 'the demo scenario: radius 5 mm, clearance 5 mm');
  assert.ok(r.stderr.includes(`\nreport: ${join(dir, 'demo.html')}\n`), r.stderr);
  assert.ok(existsSync(join(dir, 'demo.html')));
});
