import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, readJsonFixture, relativeMaxError } from '../helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'blob-coverage.js');

/** Runs the installed command as a user would (the bin over the build made by `npm install`/`npm test`). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('blob-coverage velocity reproduces the golden velocities', () => {
  const r = cli('velocity', fixture('golden', 'public-s1.yaml'), '--positions', fixture('golden', 'public-s1-positions.json'));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { velocities: number[][]; energy: number };
  const golden = readJsonFixture<{ velocities: number[][] }>('golden', 'public-s1-velocities.json').velocities;
  assert.equal(out.velocities.length, golden.length);
  assert.ok(relativeMaxError(out.velocities.flat(), golden.flat()) < 1e-3);
  assert.ok(out.energy > 0 && Number.isFinite(out.energy));
});

test('blob-coverage run writes positions, metrics and a history in which the energy never rises', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-cli-'));
  const out = join(dir, 'result.json');
  writeFileSync(join(dir, 's.yaml'), readFileSync(join(root, 'scenarios', 'public-s1.yaml'), 'utf8').replace('duration: 20.0', 'duration: 2.0').replace('count: 100', 'count: 40'));
  const r = cli('run', join(dir, 's.yaml'), '--out', out, '--method', 'fixed');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.final_positions.length, 40);
  for (const [x, y] of doc.final_positions) assert.ok(Math.abs(x) <= 1 && Math.abs(y) <= 1);
  for (const k of ['energy', 'mmd2', 'lloyd_cost', 'nn_min', 'nn_mean']) assert.equal(typeof doc.metrics[k], 'number', k);
  assert.ok(doc.history.length > 10);
  for (let i = 1; i < doc.history.length; i++) assert.ok(doc.history[i].flow_energy <= doc.history[i - 1].flow_energy * (1 + 1e-12));
  assert.ok(doc.history.at(-1).mmd2 < doc.history[0].mmd2 / 5, 'the swarm spread towards the target');
  assert.ok(Math.abs(doc.simulated_time - 2) < 1e-9);
});

test("blob-coverage run --algorithm lloyd integrates Lloyd's law: its cost never rises, and the result names the law", () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-cli-'));
  const out = join(dir, 'result.json');
  writeFileSync(join(dir, 's.yaml'), readFileSync(join(root, 'scenarios', 'public-s1.yaml'), 'utf8').replace('duration: 20.0', 'duration: 2.0').replace('count: 100', 'count: 40'));
  const r = cli('run', join(dir, 's.yaml'), '--out', out, '--algorithm', 'lloyd', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.algorithm, 'lloyd');
  assert.equal(doc.lloyd_gain, 5);
  assert.equal(doc.method, null);
  for (let i = 1; i < doc.history.length; i++) assert.ok(doc.history[i].flow_energy <= doc.history[i - 1].flow_energy * (1 + 1e-12), `H rose at sample ${i}`);
  assert.ok(doc.history.at(-1).flow_energy < doc.history[0].flow_energy / 2);
});

test('usage errors and invalid input exit 2 with one line, and write nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-cli-'));
  writeFileSync(join(dir, 'bad.yaml'), 'domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}\ntarget: {type: expression, expr: "x - 0.5"}\nrobots: {count: 5}\n');
  writeFileSync(join(dir, 'typo.yaml'), 'domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}\ntarget: {type: expression, expr: "1"}\nrobots: {count: 5}\nsim: {durration: 3}\n');
  writeFileSync(join(dir, 'pos.json'), '[[0.1, 0.2], [0.3]]');
  const cases: [string[], RegExp][] = [
    [[], /missing command/],
    [['fly'], /unknown command 'fly'/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '--drive', 'tank'], /--drive must be holonomic or diff_drive/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '-p', 'rate:=500.0'], /parameter 'rate' must be <= 100 Hz, got 500/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '-p', 'gain:=1.0'], /unknown controller parameter 'gain'/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '--sim-param', 'pose_noise=0.1'], /--sim-param 'pose_noise=0\.1': write NAME:=VALUE/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '--sim-param', 'failure_rate:=11.0'], /parameter 'failure_rate' must be <= 10 1\/s, got 11/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '--duration=-3'], /--duration must be a positive number/],
    [['run', join(dir, 'bad.yaml')], /needs --out/],
    [['run', join(dir, 'bad.yaml'), '--out', join(dir, 'o.json')], /bad\.yaml: 'target' target density is negative at/],
    [['run', join(dir, 'typo.yaml'), '--out', join(dir, 'o.json')], /typo\.yaml: 'sim\.durration' is not a known key/],
    [['run', join(dir, 'missing.yaml'), '--out', join(dir, 'o.json')], /missing\.yaml: scenario file not found/],
    [['run', join(dir, 'typo.yaml'), '--out', join(dir, 'o.json'), '--bogus'], /run: unknown option '--bogus'/],
    [['velocity', join(dir, 'typo.yaml'), '--positions', join(dir, 'pos.json')], /typo\.yaml/],
    [['velocity', fixture('golden', 'public-s1.yaml'), '--positions', join(dir, 'pos.json')], /pos\.json: entry 1 must be a pair/],
    [['velocity', fixture('golden', 'public-s1.yaml'), '--positions', join(dir, 'none.json')], /none\.json: file not found/],
    [['run', join(root, 'scenarios', 'ring.yaml'), '--out', join(dir, 'o.json'), '--algorithm', 'voronoi'], /--algorithm must be one of blob, lloyd, langevin, got 'voronoi'/],
    [['standalone', join(root, 'scenarios', 'demo.yaml'), '--algorithm', 'voronoi'], /--algorithm must be one of blob, lloyd, langevin, got 'voronoi'/],
  ];
  for (const [args, pattern] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  assert.ok(!existsSync(join(dir, 'o.json')));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
});

test('blob-coverage standalone runs the controller and simulator nodes and writes the result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-cli-'));
  const out = join(dir, 'standalone.json');
  const r = cli('standalone', join(root, 'scenarios', 'demo.yaml'), '--drive', 'diff_drive', '--duration', '10', '--out', out, '-p', 'max_linear_speed:=0.15', '--sim-param', 'pose_noise:=0.01');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.mode, 'standalone');
  assert.equal(doc.final_positions.length, 100);
  assert.ok(doc.history.at(-1).mmd2 < doc.history[0].mmd2 / 10);
  assert.ok(doc.max_command <= 0.15 + 1e-12 && doc.max_command > 0.14, `fastest command ${doc.max_command} (limit set to 0.15)`);
  assert.match(r.stderr, /standalone \(diff_drive, blob law\): 100 robots, 10\.0 s simulated/);
});
