/**
 * The blob flow against Lloyd's algorithm and Langevin dynamics, through the same controller loop (bench/coverage/).
 *
 *   npm run bench:coverage                                   the five bundled scenarios, N = 25, 100, 400: writes
 *                                                            docs/coverage-bench.md, docs/coverage-bench.svg and the
 *                                                            coverage-bench section of docs/benchmarks.md
 *   npm run bench:coverage -- my.yaml other.yaml [--counts 25,100] [--duration S] [--out DIR]
 *                                                            your scenarios: writes DIR/coverage-bench.md and .svg
 *                                                            (default DIR: coverage-bench/), never docs/benchmarks.md;
 *                                                            --duration replaces every scenario's sim.duration
 *
 * Same seeds, same numbers: only the compute-time column changes between runs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { replaceBetween } from '../scripts/generate-docs.js';
import { lawSettings } from '../src/control/controller-node.js';
import { loadScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { scenarioRobots } from '../src/scenario/setup.js';
import { comparisonPlot } from './coverage/plot.js';
import type { BenchScenario } from './coverage/run.js';
import { runParameters } from './coverage/run.js';
import type { ComparisonCell } from './coverage/suite.js';
import { IID_DRAWS, runSuite } from './coverage/suite.js';
import { comparisonTable } from './coverage/table.js';
import { wrap } from './prose.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundled comparison: a Gaussian mixture, a ring formula, a map image, an L with obstacles, a near-uniform target. */
const BUNDLED = ['demo', 'ring', 'floor', 'l-shape', 'near-uniform'].map((name) => join(ROOT, 'scenarios', `${name}.yaml`));
const DEFAULT_COUNTS = [25, 100, 400];
/** Simulated seconds between metric samples (the resolution of t90). */
const SAMPLE_PERIOD = 0.2;


/** The controller and law settings every run shares, in words (from the first scenario's parameters). */
function loopText(s: Scenario): string {
  const v = runParameters(s, 'blob');
  const law = lawSettings(v);
  return (
    `Every law runs through the coverage controller at ${v.rate} Hz against holonomic robots on simulated time: the law, then the ` +
    `speed limit ${v.max_linear_speed} m/s, the acceleration limit ${v.max_linear_accel} m/s^2 and the safety filter (robots kept ` +
    `2 r + clearance apart and out of obstacles, barrier gain ${v.safety_gain} 1/s), as the controller node runs them. Same scenario, ` +
    `start, seeds, limits and duration for every law; only the controller parameter \`algorithm\` differs, each law at its default ` +
    `settings: the ${law.blob.method} blob flow (eps auto, D = ${law.blob.diffusivity} m^2/s), Lloyd's law (k = ${law.lloyd.gain} 1/s), ` +
    `Langevin dynamics (D = ${law.langevin.diffusivity} m^2/s, seed ${law.langevin.seed}).`
  );
}

/** One line per scenario: target, obstacles, start, duration, footprint, MMD bandwidth. */
function scenarioLines(scenarios: readonly BenchScenario[], paths: readonly string[], bundled: boolean): string[] {
  return paths.map((path, k) => {
    const s = scenarios[k].scenario;
    const robots = scenarioRobots(s);
    const d = s.domain;
    const size = `${d.xmax - d.xmin} m x ${d.ymax - d.ymin} m`;
    const target =
      s.target.type === 'mixture' ? (s.target.components.every((c) => c.type === 'uniform') ? 'uniform' : 'Gaussian mixture') : s.target.type === 'expression' ? `formula \`${s.target.expr}\`` : 'map image';
    const obstacles = s.obstacles.polygons.length + s.obstacles.maps.length;
    const start = robots.initial.type === 'positions' ? 'listed positions' : robots.initial.type === 'target' ? 'i.i.d. samples of the target' : `${robots.initial.type} in [${robots.initial.box.xmin}, ${robots.initial.box.xmax}] x [${robots.initial.box.ymin}, ${robots.initial.box.ymax}]`;
    const link = bundled ? `[${scenarios[k].name}](../scenarios/${basename(path)})` : scenarios[k].name;
    const footprint = robots.radius !== undefined ? `radius ${robots.radius} m, clearance ${robots.clearance ?? 'default'} m` : 'the controller default footprint';
    return wrap(`- ${link}: ${size}, ${target}${obstacles ? `, ${obstacles} obstacle${obstacles > 1 ? 's' : ''}` : ''}; start: ${start}; ${s.sim.duration} s; ${footprint}; MMD bandwidth ${Number(s.metrics.mmdBandwidth.toFixed(4))} m.`, 118, '  ');
  });
}

const COLUMN_NOTES = [
  `- MMD²: squared maximum mean discrepancy between the final swarm and the target (Gaussian kernel, the scenario's bandwidth); \`/ i.i.d.\`: over the median of ${IID_DRAWS} sets of N independent samples of the target (the *i.i.d. samples* row), what a perfect sampler of the target, such as Langevin dynamics at equilibrium, achieves on average.`,
  '- E_eps: the blob energy 1/2 Int (phi_eps * rho_N)^2 / rho_bar of the final swarm at the fixed flow\'s eps = 0.3 sqrt(area / N), the standalone mode\'s yardstick (the blob flow\'s kind of objective).',
  "- Lloyd's H: Int min_i |y - x_i|^2 rho_bar(y) dy, the locational cost Lloyd's algorithm minimizes.",
  '- path: distance travelled, summed over the robots.',
  `- t90: the first time (sampled every ${SAMPLE_PERIOD} s) at which MMD² <= final + 0.1 (initial - final): 90% of the way to the law's own final quality.`,
  '- ms / step: mean wall time of one control tick (law, limits, safety filter) and, in parentheses, of the law alone; the first tick, which builds the grids, excluded. The only column that changes between runs.',
];

/** docs/coverage-bench.md (or the --out document). */
function documentText(table: readonly ComparisonCell[], scenarios: readonly BenchScenario[], paths: readonly string[], bundled: boolean, svg: string): string {
  const cpus = os.cpus();
  return [
    '# Coverage laws compared: the blob flow, Lloyd\'s algorithm, Langevin dynamics',
    '',
    wrap(`Generated by \`npm run bench:coverage\` (bench/coverage.bench.ts). ${loopText(scenarios[0].scenario)}`),
    '',
    'Scenarios (at each N, the scenario\'s start layout rule and seed with N robots):',
    '',
    ...scenarioLines(scenarios, paths, bundled),
    '',
    'Columns (lower is better in every one; the best of each group in bold):',
    '',
    ...COLUMN_NOTES.map((note) => wrap(note, 118, '  ')),
    '',
    wrap(`Compute times: node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, a machine shared with other work.`),
    '',
    comparisonTable(table),
    '',
    `![Final squared MMD against N](${svg})`,
    '',
  ].join('\n');
}

/** The generated section of docs/benchmarks.md: the setup in brief, the table, the plot. */
function readmeText(table: readonly ComparisonCell[], scenarios: readonly BenchScenario[]): string {
  return [
    wrap(`${loopText(scenarios[0].scenario)} Scenarios, column definitions and machine: [coverage-bench.md](coverage-bench.md).`),
    '',
    comparisonTable(table),
    '',
    '![Final squared MMD against N, per scenario and law](coverage-bench.svg)',
  ].join('\n');
}

const { values, positionals } = parseArgs({ options: { counts: { type: 'string' }, duration: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true, strict: true });
const bundled = positionals.length === 0;
if (bundled && (values.duration !== undefined || values.counts !== undefined || values.out !== undefined)) {
  throw new Error('--counts, --duration and --out apply to your own scenarios: name them (the bundled comparison is fixed)');
}
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) throw new Error(`--duration must be a positive number of seconds, got '${values.duration}'`);
const paths = bundled ? BUNDLED : positionals.map((p) => resolve(p));
const counts = values.counts === undefined ? DEFAULT_COUNTS : values.counts.split(',').map((s) => Number(s.trim()));
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--counts must be positive integers separated by commas, got '${values.counts}'`);
const outDir = bundled ? join(ROOT, 'docs') : resolve(values.out ?? 'coverage-bench');
const scenarios: BenchScenario[] = paths.map((path) => {
  const scenario = loadScenario(path);
  return { name: basename(path).replace(/\.ya?ml$/, ''), scenario: duration === undefined ? scenario : { ...scenario, sim: { ...scenario.sim, duration } } };
});

const started = performance.now();
process.stderr.write(`coverage comparison: ${scenarios.length} scenarios x N = ${counts.join(', ')} x 3 laws\n`);
const cells = runSuite({
  scenarios,
  counts,
  samplePeriod: SAMPLE_PERIOD,
  onRun: (r, index, total, seconds) =>
    process.stderr.write(
      `[${String(index).padStart(String(total).length)}/${total}] ${r.scenario} N=${r.robots} ${r.algorithm.padEnd(8)} ` +
        `MMD^2 ${r.initialMmd2.toExponential(2)} -> ${r.mmd2.toExponential(2)}, t90 ${r.t90.toFixed(1)} s, path ${r.pathLength.toFixed(0)} m, ` +
        `${r.tickMs.toFixed(2)} ms/step (${seconds.toFixed(1)} s)\n`,
    ),
});
const seconds = (performance.now() - started) / 1000;

mkdirSync(outDir, { recursive: true });
const svgPath = join(outDir, 'coverage-bench.svg');
const mdPath = join(outDir, 'coverage-bench.md');
writeFileSync(svgPath, comparisonPlot(cells));
writeFileSync(mdPath, documentText(cells, scenarios, paths, bundled, relative(outDir, svgPath)));
if (bundled) {
  const benchmarksPath = join(ROOT, 'docs', 'benchmarks.md');
  writeFileSync(benchmarksPath, replaceBetween(readFileSync(benchmarksPath, 'utf8'), 'coverage-bench', readmeText(cells, scenarios)));
}
process.stderr.write(`wrote ${relative(process.cwd(), mdPath)}, ${relative(process.cwd(), svgPath)}${bundled ? ' and the section of docs/benchmarks.md' : ''} in ${seconds.toFixed(0)} s\n`);
