/**
 * Hostile files, in-process: scenarios, map files and images, positions. Each row is a file and what its refusal
 * must name; every refusal is one clean line naming the file, never quoting its contents (finding 3), and values
 * outside the physical bounds are refused (finding 5). A row that is accepted at the bounds must run to a finite end.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePgm } from '../../src/io/image.js';
import { MapFileError, loadMapFile } from '../../src/io/map.js';
import { PositionsFileError, loadPositions } from '../../src/io/positions.js';
import { executeRun, prepareRun } from '../../src/cli/commands/coverage.js';
import { loadScenario } from '../../src/scenario/load.js';
import { SCENARIO_BOUNDS } from '../../src/scenario/scenario.js';
import { ConfigError } from '../../src/scenario/validate.js';
import { ROOT, SECRET_TEXT, assertCleanRefusal, hostileFolder } from './harness.js';

const h = hostileFolder();
after(h.cleanup);
const { dir } = h;
const BASE = readFileSync(join(ROOT, 'scenarios', 'public-s1.yaml'), 'utf8').replace('duration: 20.0', 'duration: 0.5').replace('count: 100', 'count: 20');
writeFileSync(join(dir, 'ok.pgm'), encodePgm({ width: 8, height: 8, values: new Float64Array(64).fill(0.5) }));
writeFileSync(join(dir, 'secret.pgm'), SECRET_TEXT);

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

/** Asserts that `load` refuses with a clean one-line error of class `kind` naming the file, and matching `says`. */
function assertRefused(load: () => unknown, kind: string, path: string, says: RegExp, what: string): void {
  let error: unknown;
  try {
    load();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `${what}: accepted`);
  assert.equal(error.name, kind, `${what}: ${error.message}`);
  assertCleanRefusal(error.message, what);
  assert.ok(error.message.includes(path.slice(-40)), `${what}: names the file: ${error.message}`);
  assert.match(error.message, says, what);
}

interface FileCase {
  readonly name: string;
  /** The file's text (written under the case's name) or an existing path. */
  readonly text?: string;
  readonly path?: string;
  readonly says: RegExp;
}

const SCENARIO_CASES: readonly FileCase[] = [
  { name: 'a file shaped like /etc/shadow', text: SECRET_TEXT, says: /is not (valid YAML|a scenario)/ },
  { name: 'a mapping whose key is a secret', text: 'root$6$c2VjcmV0$hunter2: 1\n', says: /is not a scenario: it has a top-level key that is not one of its keys/ },
  { name: 'a secret as an unknown nested key', text: BASE.replace('sim: {', 'sim: {"root:$6$hunter2": 1, '), says: /'sim' has a key that is not one of its keys/ },
  { name: 'a secret as a target type', text: BASE.replace('type: mixture', 'type: "root:$6$c2VjcmV0$hunter2"'), says: /'target\.type' must be one of .*got a string of 24 characters/ },
  { name: 'a secret as a number', text: BASE.replace('count: 20', 'count: "root:$6$hunter2"'), says: /'robots\.count' must be a finite number, got a string of 15 characters/ },
  { name: 'a 1 MB target type', text: BASE.replace('type: mixture', `type: ${'x'.repeat(1 << 20)}`), says: /'target\.type' must be one of/ },
  { name: 'a 100,000-character key', text: `${'k'.repeat(100_000)}: 1\n` + BASE, says: /is not (valid YAML|a scenario)/ },
  { name: 'a YAML error quoting an alias', text: 'domain: *root_hunter2\n', says: /is not valid YAML/ },
  { name: 'eps too fine for the grid', text: BASE.replace('epsilon: 0.1', 'epsilon: 0.0001'), says: /'blob\.epsilon' \(0\.0001 m\) is below 0\.005 x the domain's size/ },
  { name: 'MMD bandwidth too fine', text: BASE + 'metrics: {mmd_bandwidth: 0.00001}\n', says: /'metrics\.mmd_bandwidth' .* below 0\.005 x the domain's size/ },
  { name: 'diffusivity 1e308', text: BASE.replace('diffusivity: 1.0', 'diffusivity: 1e308'), says: /'blob\.diffusivity' must be <= 1000000/ },
  { name: 'diffusivity 1e12', text: BASE.replace('diffusivity: 1.0', 'diffusivity: 1e12'), says: /'blob\.diffusivity' must be <= 1000000/ },
  { name: 'a year of simulated time', text: BASE.replace('duration: 0.5', 'duration: 3.2e7'), says: /'sim\.duration' must be <= 3600/ },
  { name: 'a domain 1e300 m wide', text: BASE.replace('xmin: -1.0, xmax: 1.0', 'xmin: -1e300, xmax: 1e300'), says: /'domain\.xmin' must be >= -1000000/ },
  { name: 'a domain 1 micrometre wide', text: BASE.replace('xmin: -1.0, xmax: 1.0, ymin: -1.0, ymax: 1.0', 'xmin: 0, xmax: 1e-6, ymin: 0, ymax: 1e-6').replace(/epsilon: 0\.1, /, ''), says: /'domain' is 0\.000001 m wide: less than 0\.001 m/ },
  { name: 'two million robots', text: BASE.replace('count: 20', 'count: 2000000'), says: /'robots\.count' must be <= 100000, got 2000000/ },
  { name: '100,001 listed positions (JSON)', text: JSON.stringify({ domain: { xmin: 0, xmax: 1, ymin: 0, ymax: 1 }, target: { type: 'mixture', components: [{ type: 'uniform' }] }, robots: { initial: { type: 'positions', positions: Array(100_001).fill([0, 0]) } } }), says: /'robots\.initial\.positions' lists 100001 robots, more than 100000/ },
  { name: 'a scenario of 17 MB', text: `# ${'x'.repeat(1 << 24)}\n` + BASE, says: /scenario file is too large: \d+ bytes \(limit 16777216\)/ },
  { name: 'a device', path: '/dev/zero', says: /scenario file is not a regular file/ },
  ...(h.fifo ? [{ name: 'a FIFO', path: h.fifo, says: /scenario file is not a regular file/ }] : []),
  { name: 'a folder', path: dir, says: /scenario file is not a regular file/ },
];

test('hostile scenario files are refused with a clean line naming the file and the key, never the contents', () => {
  for (const c of SCENARIO_CASES) {
    const path = c.path ?? file(`${c.name.replace(/\W+/g, '-')}.yaml`, c.text ?? '');
    assertRefused(() => loadScenario(path), 'ConfigError', path, c.says, c.name);
  }
});

const MAP_CASES: readonly FileCase[] = [
  { name: 'a map file shaped like /etc/shadow', text: SECRET_TEXT, says: /is not (valid YAML|a map)/ },
  { name: 'a map with a secret key', text: 'image: ok.pgm\nresolution: 0.1\n"root:$6$hunter2": 1\n', says: /is not a map: it has a key that is not one of/ },
  { name: 'a secret as the resolution', text: 'image: ok.pgm\nresolution: "root:$6$hunter2"\n', says: /'resolution' must be a positive number of metres per pixel, got a string of 15 characters/ },
  { name: 'a secret file as the image', text: 'image: secret.pgm\nresolution: 0.1\n', says: /'image'.*unsupported image format/ },
  { name: 'a device as the image', text: 'image: /dev/zero\nresolution: 0.1\n', says: /'image': cannot read \/dev\/zero \(is not a regular file\)/ },
  { name: 'a 100,000-character image name', text: `image: ${'i'.repeat(100_000)}\nresolution: 0.1\n`, says: /'image': cannot read \.\.\.i+ \(/ },
];

test('hostile map files and images are refused with a clean line naming the file, never the contents', () => {
  for (const c of MAP_CASES) {
    const path = file(`${c.name.replace(/\W+/g, '-')}.yaml`, c.text ?? '');
    assertRefused(() => loadMapFile(path), 'MapFileError', path, c.says, c.name);
  }
  // Through a scenario: the refusal names the scenario, the key and the map file.
  const map = file('secret-map.yaml', SECRET_TEXT);
  const s = file('with-map.yaml', `target: {type: map, map: ${map}}\n`);
  assertRefused(() => loadScenario(s), 'ConfigError', s, /'target\.map' .*secret-map\.yaml: is not (valid YAML|a map)/, 'a secret map through a scenario');
  assert.ok(MapFileError && ConfigError);
});

const POSITION_CASES: readonly FileCase[] = [
  { name: 'a secret file', text: SECRET_TEXT, says: /not valid JSON/ },
  { name: 'JSON of the wrong shape', text: '{"root": "hunter2"}', says: /must be a JSON array of \[x, y\] pairs/ },
  { name: 'a pair holding a secret', text: '[[0, 0], ["hunter2", 1]]', says: /entry 1 must be a pair of finite numbers/ },
  { name: '100,001 positions', text: JSON.stringify(Array(100_001).fill([0, 0])), says: /lists 100001 positions, more than 100000/ },
  { name: 'no positions', text: '[]', says: /no positions/ },
  { name: 'a file over 64 MB', path: '', says: /file is too large/ },
  { name: 'a device', path: '/dev/zero', says: /file is not a regular file/ },
  ...(h.fifo ? [{ name: 'a FIFO', path: h.fifo, says: /file is not a regular file/ }] : []),
  { name: 'a missing file', path: join(dir, 'none.json'), says: /file not found/ },
];

test('hostile positions files are refused as the scenario loader refuses files: regular files, size and count limits', () => {
  for (const c of POSITION_CASES) {
    let path = c.path ?? file(`${c.name.replace(/\W+/g, '-')}.json`, c.text ?? '');
    if (path === '') {
      // Sparse: 65 MB on disk without writing them.
      path = file('big.json', '');
      truncateSync(path, (1 << 26) + 1);
    }
    assertRefused(() => loadPositions(path, SCENARIO_BOUNDS.maxRobots), 'PositionsFileError', path, c.says, c.name);
  }
  assert.ok(PositionsFileError);
});

test('a scenario at the bounds (largest diffusivity, finest eps, smallest domain) runs to a finite end', () => {
  const cases = [
    BASE.replace('diffusivity: 1.0', `diffusivity: ${SCENARIO_BOUNDS.maxDiffusivity}`).replace('duration: 0.5', 'duration: 0.05'),
    BASE.replace('epsilon: 0.1', 'epsilon: 0.01').replace('duration: 0.5', 'duration: 0.002').replace('count: 20', 'count: 5'),
    'domain: {xmin: 0, xmax: 0.001, ymin: 0, ymax: 0.001}\ntarget: {type: mixture, components: [{type: uniform}]}\nrobots: {count: 20, initial: {type: uniform, box: [0, 0.0005, 0, 0.0005]}}\nsim: {duration: 0.5}\n',
  ];
  cases.forEach((text, i) => {
    const s = loadScenario(file(`bound-${i}.yaml`, text.replace(/sim: \{duration: ([^}]*)\}/, 'sim: {duration: $1, history_samples: 3}')));
    const run = prepareRun(s, 'fixed');
    const r = executeRun(run);
    assert.ok(r.finalPositions.every(Number.isFinite), `case ${i}: finite positions`);
    assert.ok(Number.isFinite(r.final.energy) && Number.isFinite(r.final.mmd2), `case ${i}: finite metrics`);
    assert.ok(r.steps > 0 && r.steps <= 1_000_000, `case ${i}: ${r.steps} steps`);
  });
});
