import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseScenario } from '../../src/scenario/scenario.js';
import { loadScenario } from '../../src/scenario/load.js';
import { initialPositions, scenarioEpsilon, scenarioTarget } from '../../src/scenario/setup.js';
import { targetFromParameters } from '../../src/scenario/target-param.js';
import { scenarioControllerParameters } from '../../src/scenario/controller-params.js';
import { ConfigError } from '../../src/scenario/validate.js';
import { encodePgm } from '../../src/io/image.js';

const ISSUE_EXAMPLE = `
domain: {xmin: -1.0, xmax: 1.0, ymin: -1.0, ymax: 1.0}   # metres
target:
  type: mixture            # or: expression (with expr: "..."), or: map (with map: file.yaml)
  components:
    - {type: uniform, weight: 0.3}
    - {type: gaussian, weight: 0.42, mean: [0.4, 0.3], sigma: 0.2}
    - {type: gaussian, weight: 0.28, mean: [-0.4, -0.4], cov: [[0.0625, 0.0], [0.0, 0.0625]]}
blob: {epsilon: 0.1, diffusivity: 1.0}                      # metres, m^2/s
robots:
  count: 100
  initial: {type: uniform, box: [-0.3, 0.3, -0.3, 0.3], seed: 1}   # or {type: positions, positions: [[x, y], ...]}
sim: {duration: 20.0}                                       # seconds of simulated time
`;

const noMaps = () => {
  throw new Error('no maps here');
};

function refusal(doc: unknown): ConfigError {
  try {
    parseScenario(doc, noMaps);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('the scenario was accepted');
}

test('the scenario written in the issue is accepted exactly as written', () => {
  const s = parseScenario(parse(ISSUE_EXAMPLE), noMaps);
  assert.deepEqual(s.domain, { xmin: -1, xmax: 1, ymin: -1, ymax: 1 });
  assert.equal(s.blob.epsilon, 0.1);
  assert.equal(s.blob.diffusivity, 1);
  assert.equal(s.robots?.count, 100);
  assert.deepEqual(s.robots?.initial, { type: 'uniform', box: { xmin: -0.3, xmax: 0.3, ymin: -0.3, ymax: 0.3 }, seed: 1 });
  assert.equal(s.sim.duration, 20);
  const p = initialPositions(s, scenarioTarget(s));
  assert.equal(p.length, 200);
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i]) <= 0.3);
});

test('the same seed gives the same layout; another seed another one', () => {
  const s = parseScenario(parse(ISSUE_EXAMPLE), noMaps);
  const t = scenarioTarget(s);
  assert.deepEqual(initialPositions(s, t), initialPositions(s, t));
  const doc = parse(ISSUE_EXAMPLE);
  doc.robots.initial.seed = 2;
  assert.notDeepEqual(initialPositions(parseScenario(doc, noMaps), t), initialPositions(s, t));
});

test('epsilon auto follows N and the area', () => {
  const doc = parse(ISSUE_EXAMPLE);
  doc.blob.epsilon = 'auto';
  const s = parseScenario(doc, noMaps);
  assert.equal(s.blob.epsilon, 'auto');
  const e100 = scenarioEpsilon(s, 100);
  const e400 = scenarioEpsilon(s, 400);
  const e1600 = scenarioEpsilon(s, 1600);
  assert.ok(Math.abs(e400 / e1600 - 2) < 1e-12);
  // Below 400 robots the multiscale rule narrows by (N / 400)^(1/4): 2 x 0.707 from 100 to 400.
  assert.ok(Math.abs(e100 / e400 - 2 * Math.SQRT1_2) < 1e-12);
  delete doc.blob;
  assert.equal(parseScenario(doc, noMaps).blob.epsilon, 'auto');
});

test('explicit positions, and positions that disagree with the count', () => {
  const doc = parse(ISSUE_EXAMPLE);
  doc.robots = { initial: { type: 'positions', positions: [[0, 0], [0.5, 0.5]] } };
  const s = parseScenario(doc, noMaps);
  assert.equal(s.robots?.count, 2);
  doc.robots.count = 3;
  assert.match(refusal(doc).message, /robots\.count.*lists 2 robots/);
  doc.robots = { initial: { type: 'positions', positions: [[0, 0], [5, 0.5]] } };
  assert.match(refusal(doc).message, /robots\.initial\.positions\[1\].*outside the domain/);
});

test('every bad key is named in the refusal', () => {
  const cases: [(d: any) => void, RegExp][] = [
    [(d) => (d.domian = d.domain), /'domian' is not a known key/],
    [(d) => (d.domain.xmax = -2), /'domain\.xmax' must be greater than domain\.xmin/],
    [(d) => (d.domain.ymin = 'a'), /'domain\.ymin' must be a finite number/],
    [(d) => delete d.target, /'target' is required/],
    [(d) => (d.target.type = 'blob'), /'target\.type' must be one of/],
    [(d) => (d.target.components = []), /'target\.components' must not be empty/],
    [(d) => (d.target.components[1].sigma = -1), /'target\.components\[1\]\.sigma' must be > 0/],
    [(d) => (d.target.components[1].sigma_x = 1), /'target\.components\[1\]\.sigma_x' is not a known key/],
    [(d) => (d.target.components[2].cov = [[1, 0.5], [0.4, 1]]), /'target\.components\[2\]\.cov' must be symmetric/],
    [(d) => (d.target.components[2].cov = [[1, 2], [2, 1]]), /'target\.components\[2\]\.cov' must be positive definite/],
    [(d) => (d.target.components[0].weight = -0.3), /'target\.components\[0\]\.weight' must be >= 0/],
    [(d) => (d.blob.epsilon = 0), /'blob\.epsilon' must be > 0/],
    [(d) => (d.blob.epsilon = 50), /'blob\.epsilon' .* larger than the domain/],
    [(d) => (d.blob.diffusivity = -1), /'blob\.diffusivity' must be > 0/],
    [(d) => (d.robots.count = 2.5), /'robots\.count' must be an integer/],
    [(d) => (d.robots.initial.box = [0, 0, 0]), /'robots\.initial\.box' must be a list of 4 numbers/],
    [(d) => (d.robots.initial.box = [-3, 0, 0, 0.5]), /'robots\.initial\.box' must lie inside the domain/],
    [(d) => (d.sim.duration = 0), /'sim\.duration' must be > 0/],
    [(d) => (d.sim.durations = 1), /'sim\.durations' is not a known key/],
    [(d) => (d[''] = 1), /^is not a scenario: it has a top-level key that is not one of its keys \(expected one of: name, /],
    [(d) => (d.blob[' '] = 1), /^'blob' has a key that is not one of its keys \(expected one of: epsilon, diffusivity, method\)$/],
    [(d) => (d.robots.initial.tpye = 'grid'), /^'robots\.initial\.tpye' is not a known key \(did you mean 'type'\?/],
  ];
  for (const [mutate, pattern] of cases) {
    const doc = parse(ISSUE_EXAMPLE);
    mutate(doc);
    assert.match(refusal(doc).message, pattern);
  }
});

test('targets that are negative, zero, not finite or unparsable are refused with the reason', () => {
  const expr = (e: string) => {
    const doc = parse(ISSUE_EXAMPLE);
    doc.target = { type: 'expression', expr: e };
    return parseScenario(doc, noMaps);
  };
  const refused = (e: string): string => {
    try {
      scenarioTarget(expr(e));
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
    assert.fail(`target '${e}' was accepted`);
  };
  assert.match(refused('x'), /negative at/);
  assert.match(refused('0 * x'), /zero everywhere/);
  assert.match(refused('1 / (x - x)'), /not a number|infinite/);
  assert.match(refused('exp(1000 * (x + 2))'), /infinite/);
  // Formulas are checked when the scenario is read, before anything evaluates them, naming the key.
  assert.match(refused('x +* y'), /'target\.expr' does not parse/);
  assert.match(refused('[x, y]'), /'target\.expr' uses a matrix or list/);
  assert.match(refused('foo(x)'), /'target\.expr' calls 'foo', which is not allowed/);
  assert.match(refused('sum(1:2000)*0+1'), /'target\.expr' calls 'sum'/);
  assert.match(refused('sqrt(x)'), /not a number at/);
  assert.ok(scenarioTarget(expr('1 + x^2')).valueAt(1, 0) === 2);
});

test('a map target loads through the scenario file, with the domain from the image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-scn-'));
  const values = new Float64Array(20 * 10).fill(0.2);
  values[0] = 1; // top-left pixel
  writeFileSync(join(dir, 'd.pgm'), encodePgm({ width: 20, height: 10, values }));
  writeFileSync(join(dir, 'd.yaml'), 'image: d.pgm\nresolution: 0.1\norigin: [-1.0, -0.5, 0.0]\n');
  writeFileSync(join(dir, 's.yaml'), 'target: {type: map, map: d.yaml}\nrobots: {count: 10}\n');
  const s = loadScenario(join(dir, 's.yaml'));
  assert.deepEqual(s.domain, { xmin: -1, xmax: 1, ymin: -0.5, ymax: 0.5 });
  const t = scenarioTarget(s);
  assert.ok(Math.abs(t.valueAt(-0.95, 0.45) - 1) < 1e-9, 'top-left pixel is at the top left of the world');
  assert.ok(Math.abs(t.valueAt(0.95, -0.45) - 0.2) < 0.01);
  writeFileSync(join(dir, 'bad.yaml'), 'target: {type: map, map: missing.yaml}\nrobots: {count: 10}\n');
  assert.throws(() => loadScenario(join(dir, 'bad.yaml')), /bad\.yaml: 'target\.map' .*missing\.yaml: file not found/);
  writeFileSync(join(dir, 'broken.yaml'), 'target: {type: mixture\n');
  assert.throws(() => loadScenario(join(dir, 'broken.yaml')), /broken\.yaml: is not valid YAML/);
});

const room = { domain: { xmin: 0, xmax: 4, ymin: 0, ymax: 4 }, target: { type: 'mixture', components: [{ type: 'uniform' }] } };

test('obstacles: polygons and an occupancy map are read; bad ones are refused naming the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-obstacles-'));
  // 4 x 4 pixels of 1 m: one black (occupied) pixel at column 1, row 2 from the top, i.e. x in [1, 2], y in [1, 2].
  const values = new Float64Array(16).fill(1);
  values[2 * 4 + 1] = 0;
  writeFileSync(join(dir, 'm.pgm'), encodePgm({ width: 4, height: 4, values }));
  writeFileSync(join(dir, 'm.yaml'), 'image: m.pgm\nresolution: 1.0\norigin: [0.0, 0.0, 0.0]\n');
  writeFileSync(join(dir, 's.yaml'), JSON.stringify({ ...room, obstacles: { polygons: [[[3, 3], [3.5, 3], [3.5, 3.5]]], map: 'm.yaml' } }));
  const s = loadScenario(join(dir, 's.yaml'));
  assert.equal(s.obstacles.polygons.length, 1);
  const target = scenarioTarget(s);
  assert.ok(target.obstacles.contains(1.5, 1.5) && target.obstacles.contains(3.4, 3.2));
  assert.ok(!target.obstacles.contains(2.5, 1.5) && !target.obstacles.contains(3.1, 3.4));
  assert.equal(target.valueAt(1.5, 1.5), 0, 'the target is zero in an obstacle');
  assert.equal(refusal({ ...room, obstacles: { polygons: [[[0, 0], [1, 1]]] } }).key, 'obstacles.polygons[0]');
  assert.match(refusal({ ...room, obstacles: { polygons: [[[0, 0], [1, 1], [2, 2]]] } }).message, /zero area/);
  assert.equal(refusal({ ...room, obstacles: { polygons: [[[0, 0], [1, 'a'], [2, 0]]] } }).key, 'obstacles.polygons[0][1][1]');
  assert.equal(refusal({ ...room, obstacles: { wall: 1 } }).key, 'obstacles', 'an unknown key that misspells none: the mapping is named, not the key');
  assert.equal(refusal({ ...room, obstacles: { maps: 1 } }).key, 'obstacles.maps', 'a misspelt key is named');
  writeFileSync(join(dir, 'free.pgm'), encodePgm({ width: 2, height: 2, values: new Float64Array(4).fill(1) }));
  writeFileSync(join(dir, 'free.yaml'), 'image: free.pgm\nresolution: 1.0\n');
  writeFileSync(join(dir, 'f.yaml'), JSON.stringify({ ...room, obstacles: { map: 'free.yaml' } }));
  assert.throws(() => loadScenario(join(dir, 'f.yaml')), /'obstacles\.map' free\.yaml has no occupied cell/);
});

test('start layouts avoid obstacles: a grid fills its box, sampled robots are redrawn, listed ones are refused', () => {
  const obstacles = { polygons: [[[1, 1], [3, 1], [3, 3], [1, 3]]] };
  const grid = parseScenario({ ...room, robots: { count: 6, initial: { type: 'grid', box: [0, 1, 0, 0.5] } } }, noMaps);
  // ceil(sqrt(6 x 2)) = 4 columns of 0.25 m, 2 rows of 0.25 m, filled row by row from the lower left.
  assert.deepEqual([...initialPositions(grid, scenarioTarget(grid))], [0.125, 0.125, 0.375, 0.125, 0.625, 0.125, 0.875, 0.125, 0.125, 0.375, 0.375, 0.375]);
  const uniform = parseScenario({ ...room, obstacles, robots: { count: 200, initial: { type: 'uniform', seed: 3 } } }, noMaps);
  const target = scenarioTarget(uniform);
  const p = initialPositions(uniform, target);
  for (let i = 0; i < p.length; i += 2) assert.ok(!target.obstacles.contains(p[i], p[i + 1]), `robot ${i / 2} in the obstacle`);
  const listed = parseScenario({ ...room, obstacles, robots: { initial: { type: 'positions', positions: [[0.5, 0.5], [2, 2]] } } }, noMaps);
  assert.throws(() => initialPositions(listed, scenarioTarget(listed)), /'robots\.initial\.positions\[1\]' \(2, 2\) lies in an obstacle/);
  assert.equal(refusal({ ...room, robots: { count: 2, radius: -1 } }).key, 'robots.radius');
});

test('devices and folders are refused as scenario files before anything is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-scn-'));
  assert.throws(() => loadScenario('/dev/zero'), /^ConfigError: \/dev\/zero: scenario file is not a regular file$/);
  assert.throws(() => loadScenario(dir), /scenario file is not a regular file/);
  writeFileSync(join(dir, 'zero-map.yaml'), 'target: {type: map, map: /dev/zero}\n');
  assert.throws(() => loadScenario(join(dir, 'zero-map.yaml')), /'target\.map' \/dev\/zero: file is not a regular file/);
});

test('a domain more than 1,000 times longer than it is wide is refused', () => {
  const doc = parse(ISSUE_EXAMPLE);
  doc.domain = { xmin: 0, xmax: 1000, ymin: 0, ymax: 1 };
  delete doc.robots;
  delete doc.blob;
  assert.equal(parseScenario(doc, noMaps).domain.xmax, 1000);
  doc.domain.ymax = 0.001;
  assert.match(refusal(doc).message, /'domain' is 1000 m by 0\.001 m: more than 1000 times longer than it is wide/);
});

test('the controller target parameters: a refusal names the parameter, the key and the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-scn-'));
  const demo = join(dir, 'demo.yaml');
  writeFileSync(demo, ISSUE_EXAMPLE);
  const refused = (inline: string, file: string): ConfigError => {
    try {
      targetFromParameters(inline, file, demo);
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      return e;
    }
    assert.fail('accepted');
  };
  assert.equal(refused('[1, 2]', '').message, "'target' is not a scenario: a scenario is a YAML mapping, this is a list of 2");
  assert.equal(refused('{domain: {xmin: 1, xmax: 0, ymin: 0, ymax: 1}, target: {type: expression, expr: "1"}}', '').key, 'target: domain.xmax');
  assert.equal(refused('', '/nonexistent.yaml').message, "/nonexistent.yaml: 'target_file' scenario file not found");
  writeFileSync(join(dir, 'bad.yaml'), 'target: {type: expression, expr: "x"}\ndomain: {xmin: -1, xmax: 1, ymin: -1, ymax: 1}\n');
  assert.match(refused('', join(dir, 'bad.yaml')).message, /bad\.yaml: 'target_file: target' target density is negative/);
  writeFileSync(join(dir, 'typo.yaml'), ISSUE_EXAMPLE.replace('blob:', 'blub:'));
  assert.match(refused('', join(dir, 'typo.yaml')).message, /typo\.yaml: 'target_file: blub' is not a known key/);
  assert.ok(targetFromParameters('  ', '', demo).valueAt(0, 0) > 0, 'blank parameters: the fallback file');
});

test('the law section: the blob flow by default, the other laws and their settings, every bad key named', () => {
  const s = parseScenario(parse(ISSUE_EXAMPLE), noMaps);
  assert.equal(s.law.algorithm, 'blob');
  const doc = parse(ISSUE_EXAMPLE);
  doc.law = { algorithm: 'langevin', langevin_diffusivity: 0.01, langevin_seed: 9, lloyd_gain: 2 };
  const l = parseScenario(doc, noMaps);
  assert.deepEqual(l.law, { algorithm: 'langevin', langevinDiffusivity: 0.01, langevinSeed: 9, lloydGain: 2 });
  assert.deepEqual(scenarioControllerParameters(l), { epsilon: 0.1, diffusivity: 1, method: 'multiscale', algorithm: 'langevin', lloyd_gain: 2, langevin_diffusivity: 0.01, langevin_seed: 9 });
  const cases: [(d: any) => void, RegExp][] = [
    [(d) => (d.law = { algorithm: 'voronoi' }), /'law\.algorithm' must be one of 'blob', 'lloyd', 'langevin', got a string of 7 characters$/],
    [(d) => (d.law = { algorithm: 'loyd' }), /'law\.algorithm' must be one of 'blob', 'lloyd', 'langevin', got 'loyd' \(did you mean 'lloyd'\?\)/],
    [(d) => (d.law = { algorithm: 'lloyd', lloyd_gain: 0 }), /'law\.lloyd_gain' must be >= 0\.001, got 0/],
    [(d) => (d.law = { langevin_diffusivity: -1 }), /'law\.langevin_diffusivity' must be >= 0\.000001/],
    [(d) => (d.law = { langevin_seed: 1.5 }), /'law\.langevin_seed' must be an integer/],
    [(d) => (d.law = { gain: 1 }), /'law' has a key that is not one of its keys/],
    [(d) => (d.law = 'lloyd'), /'law' must be a mapping/],
  ];
  for (const [mutate, pattern] of cases) {
    const bad = parse(ISSUE_EXAMPLE);
    mutate(bad);
    assert.match(refusal(bad).message, pattern);
  }
});
