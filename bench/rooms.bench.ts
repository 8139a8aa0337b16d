/**
 * Rooms with walls (issue 14): four room scenarios (an L-wall, two rooms joined by one door, two rooms joined by a
 * corridor, four rooms from an occupancy image), N = 30, 100, 200, holonomic and differential drive, the blob flow,
 * Lloyd's law and Langevin dynamics, each through the coverage controller as the node runs it (bench/rooms/).
 *
 *   npm run bench:rooms                        everything: writes docs/rooms.md, docs/rooms.svg, docs/rooms.json
 *   npm run bench:rooms -- --counts 30 --scenarios door --laws blob --out DIR      a part, into DIR (never docs/)
 *   npm run bench:rooms -- --render            docs/rooms.md again from docs/rooms.json (no runs; the picture stays)
 *
 * Same seeds, same numbers: only the ms / tick column changes between runs.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MmdMetric } from '../src/engine/metrics/metrics.js';
import type { CoverageAlgorithm } from '../src/scenario/scenario.js';
import { COVERAGE_ALGORITHMS } from '../src/scenario/scenario.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';
import type { DriveKind } from '../src/sim/kinematics.js';
import { iidMmd2 } from './coverage/run.js';
import { IID_DRAWS, IID_SEED } from './coverage/suite.js';
import { HighDensityDistance } from './rooms/metrics.js';
import type { RoomCell } from './rooms/report.js';
import { goalTable, roomPicture, roomTable } from './rooms/report.js';
import type { RoomRun } from './rooms/run.js';
import { runRoom, withCount } from './rooms/run.js';
import { wrap } from './prose.js';


const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = ['l-wall', 'door', 'corridor', 'rooms-map'];
const DRIVES: DriveKind[] = ['holonomic', 'diff_drive'];
const SAMPLE_PERIOD = 0.5;
/** The run the pictures show. */
const PICTURE = { robots: 100, drive: 'diff_drive', algorithm: 'blob' } as const;

const { values } = parseArgs({
  options: { counts: { type: 'string' }, scenarios: { type: 'string' }, laws: { type: 'string' }, drives: { type: 'string' }, duration: { type: 'string' }, out: { type: 'string' }, render: { type: 'boolean' } },
  strict: true,
});
const list = (v: string | undefined, all: readonly string[], what: string): string[] => {
  if (v === undefined) return [...all];
  const got = v.split(',').map((s) => s.trim());
  for (const g of got) if (!all.includes(g)) throw new Error(`--${what}: '${g}' is not one of ${all.join(', ')}`);
  return got;
};
const partial = values.counts !== undefined || values.scenarios !== undefined || values.laws !== undefined || values.drives !== undefined || values.duration !== undefined;
if (partial && values.out === undefined) throw new Error('a partial comparison needs --out DIR (docs/ holds the full one)');
const counts = values.counts === undefined ? [30, 100, 200] : values.counts.split(',').map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--counts must be positive integers separated by commas`);
const names = list(values.scenarios, SCENARIOS, 'scenarios');
const laws = list(values.laws, COVERAGE_ALGORITHMS, 'laws') as CoverageAlgorithm[];
const drives = list(values.drives, DRIVES, 'drives') as DriveKind[];
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (duration !== undefined && !(duration > 0)) throw new Error('--duration must be a positive number of seconds');
const outDir = values.out === undefined ? join(ROOT, 'docs') : resolve(values.out);

/** What rooms.json holds: the cells without the positions, and how long the comparison took. */
interface Results {
  readonly seconds: number;
  readonly machine: string;
  readonly cells: RoomCell[];
}

const started = performance.now();
const cells: RoomCell[] = [];
const total = names.length * counts.length * laws.length * drives.length;
let index = 0;
const pictures: { title: string; target: ReturnType<typeof scenarioTarget>; run: RoomRun }[] = [];
for (const name of values.render ? [] : names) {
  const base = loadScenario(join(ROOT, 'scenarios', 'rooms', `${name}.yaml`));
  for (const n of counts) {
    const s = withCount(base, n);
    const target = scenarioTarget(s);
    const iid = iidMmd2(target, new MmdMetric(target, s.metrics.mmdBandwidth), n, IID_DRAWS, IID_SEED);
    const hdr = new HighDensityDistance(target, 0.05);
    const runs: RoomRun[] = [];
    for (const algorithm of laws) {
      for (const drive of drives) {
        const t0 = performance.now();
        const r = runRoom(name, s, algorithm, drive, { samplePeriod: SAMPLE_PERIOD, duration }, hdr);
        runs.push(r);
        process.stderr.write(
          `[${++index}/${total}] ${name} N=${n} ${drive.padEnd(9)} ${algorithm.padEnd(8)} MMD^2/iid ${(r.mmd2 / iid).toFixed(2)} t90 ${r.t90.toFixed(1)} s ` +
            `dist ${r.medianDistance.toFixed(2)} m closest ${r.closestPair.toFixed(3)}/${r.minSeparation.toFixed(3)} in-obst ${r.inObstacle} sat ${(100 * r.saturated).toFixed(0)}% ` +
            `(${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
        );
        if (n === PICTURE.robots && drive === PICTURE.drive && algorithm === PICTURE.algorithm) pictures.push({ title: `${name}, N = ${n}, blob flow, diff drive`, target, run: r });
      }
    }
    cells.push({ scenario: name, robots: n, iidMmd2: iid, runs });
  }
}
const seconds = (performance.now() - started) / 1000;

mkdirSync(outDir, { recursive: true });
const cpus = os.cpus();
let results: Results;
if (values.render) {
  if (partial) throw new Error('--render re-renders docs/rooms.md from docs/rooms.json: it takes no other option but --out');
  const parsed = JSON.parse(readFileSync(join(outDir, 'rooms.json'), 'utf8')) as Results | RoomCell[];
  results = Array.isArray(parsed) ? { seconds: Number.NaN, machine: 'machine not recorded', cells: parsed } : parsed;
} else {
  const strip = cells.map((c) => ({ ...c, runs: c.runs.map(({ initial, final, trail, ...rest }) => rest) })) as unknown as RoomCell[];
  results = { seconds: Math.round(seconds), machine: `node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'CPU'}, shared`, cells: strip };
  writeFileSync(join(outDir, 'rooms.json'), JSON.stringify(results, null, 1) + '\n');
  if (pictures.length) writeFileSync(join(outDir, 'rooms.svg'), roomPicture(pictures));
}
const goal = goalTable(results.cells);
const baselinePath = join(ROOT, 'docs', 'rooms-baseline.json');
const baseline: RoomCell[] | undefined = existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as RoomCell[]) : undefined;
/** How the flow, the differential-drive rule and Lloyd's cells see walls (what the tables measure). */
const METHOD = [
  '## What changed for rooms',
  '',
  '- **The blob flow through free space** (src/engine/field/heat-kernel.ts). Where a target has obstacles, every scale of the multiscale flow uses the heat kernel of the free space instead of the folded Gaussian: K = P^k, k explicit diffusion passes over the links of a grid (spacing eps / 2, at most sqrt(|Omega|) / 24) that cross no wall, at total time eps^2 / 2. Mass never crosses a wall (it goes round through doors), K is symmetric, so the velocities are the exact gradient of E = 1/2 sum (K rho_N)^2 / K rho_bar (bilinear weights over the corners of a robot\'s cell it sees) and E stays a Lyapunov function (tests: finite differences, E never rising along the flow). Away from walls the passes have exactly the variance of the Gaussian of width eps. Open rooms keep the folded Gaussians on the same code path as before (test: identical velocities).',
  '- **Cost** (CPU time per evaluation of the whole multiscale flow, door scenario, best of 5 x 20): 1.65 / 1.74 / 1.97 ms at N = 30 / 100 / 200 with the heat kernel, against 0.14 / 0.49 / 0.94 ms for the folded Gaussians of an open room of the same size; the fine scale (its grid has the most nodes) and the room scale (2 x 90 passes over 24 x 24 nodes) take most of it. A control tick has 100 ms.',
  '- **A room scale and a slower schedule.** With obstacles the multiscale flow adds a coarse scale of sqrt(|Omega|) / 4 (1 m in a 4 m room) and lets the coarse weights decay 4 times slower: robots at 0.22 m/s need tens of seconds to walk round a wall, and the default schedule (time constant 0.75 |Omega| / D, 12 s here) had dropped the long-range pull before they were through (door, N = 100, holonomic, 60 s runs: MMD² 1.8x the i.i.d. one with the heat kernel alone, 0.2x with both).',
  '- **Differential drive does not jam** (src/control/unjam.ts). When the safety filter cuts a robot\'s forward speed below 10% of what the law asked, its law velocity is replaced for 0.3 s by one of the same speed along the tangent of the barriers that bind it, on the freer side (left on a tie): it turns in place and goes along the wall or round the robot. Only the law\'s velocity changes; the filter still bounds every command, so the rule cannot break the separation. Hold measured on the door at N = 200 (robots through the door in 60 s): no rule 20, 3 s 26, 1.5 s 63, 0.6 s 89, 0.3 s 117, 0.15 s 113. A robot sidesteps only once it has been blocked for 0.2 s without a break (two ticks): in a dense crowd most robots are blocked for a tick and free the next, as the robots ahead move off, and sidestepping at once turned them across the flow (see the four-room cell below).',
  '- **The four-room map at N = 200 with differential drive** (the one cell that misses the goal). Measured with this bench\'s runs (`--counts 200 --scenarios rooms-map --laws blob`), robots counted per room every second: the doors are not congested (a few robots within 0.4 m of a door at any time, most of them moving); the slow part is the start crowd (200 robots on a grid 8.3 cm apart, 3 mm more than the separation, all facing +x: after 20 s 155 robots are still in the start room against 68 with holonomic drive) and robots pressed against the walls beside the doors. It is a speed problem, not a final-state one: run for 180 s the same cell reaches 0.51x the i.i.d. MMD² with the old rule and 0.44x with the patience rule. The patience rule (0.2 s) at 90 s: MMD² 1.9x -> 1.2x the i.i.d., t90 67 -> 60 s (1.52x the holonomic 39.5 s); the cell is chaotic, so it was checked at N = 190 and 210 too (MMD² 3.6e-3 -> 5.7e-3 and 1.2e-2 -> 8.0e-3; mean of the three 8.3e-3 -> 6.4e-3); the other eleven differential-drive blob cells moved by at most 0.06 in their ratio (door at N = 200: 0.48 -> 0.42). Tried and not kept, on the same cell (MMD² at 90 s against 9.2e-3 with the old rule; single runs, which vary by +-50% under small changes): patience 0.1 / 0.5 / 1 s 1.2e-2 / 1.0e-2 / 9.1e-3; hold 0.6 s 1.5e-2; with the patience, hold 0.2 / 0.45 s instead of 0.3 s (mean over N = 190, 200, 210) 7.5e-3 / 1.4e-2 against 6.4e-3; keeping the previous side for 1 s 5.8e-2; sidestepping only at walls 9.6e-2 (the start crowd deadlocks); sliding along the wall tangent nearest the law instead of the quarter turn 2.1e-2 (1.6e-2 at walls only); coarse weights decaying 8x slower 8.5e-3 (holonomic 4.1e-4 against 9.4e-4); blocked below 30% instead of 10% with the patience 5.0e-3 (the same as the patience alone within the spread); look-ahead 0.05 m 7.7e-3 (a default of the node, left alone). Not met: the goal needs about 2x faster transport of a packed differential-drive crowd in the first 30 s.',
  '- **Lloyd\'s law with geodesic cells** (src/engine/laws/lloyd.ts, geodesic.ts): with obstacles each grid node goes to the robot nearest through free space (multi-source Dijkstra over the same kind of links, 8 neighbours, so up to 8% anisotropy), so a cell no longer reaches across a wall. Lloyd has no long-range pull: from a start in another room its robots creep towards the door, which the tables show.',
  '- **Not built:** geodesic distance fields for the coarse scales (the issue\'s alternative); the heat kernel was chosen without that comparison, because it keeps the energy a gradient flow on the grid the engine already has. The fixed-eps flow (`method: fixed`) and `blob-coverage run` (no safety layer) still use Euclidean kernels.',
  '',
];

const doc = [
  '# Rooms with walls: the coverage laws through doors and corridors',
  '',
  'Generated by `npm run bench:rooms` (bench/rooms.bench.ts); the scenarios are in [scenarios/rooms/](../scenarios/rooms/).',
  wrap(`Every run goes through the coverage controller at 10 Hz on simulated time (law, speed and acceleration limits, safety filter), against holonomic or differential-drive kinematics, for ${duration === undefined ? 'each scenario\'s sim.duration (90 s)' : `${duration} s`}. MMD² is against the target restricted to free space (bandwidth 0.2 m), \`/ i.i.d.\` its ratio to the median of ${IID_DRAWS} sets of N independent samples of that target. t90: first time (sampled every ${SAMPLE_PERIOD} s) at which MMD² <= final + 0.1 (initial - final). median dist.: median distance through free space from a robot to the target's high-density region (the densest cells holding half its mass), at the end. in obstacle: robot-ticks with a centre in an obstacle or outside the domain. closest pair: smallest centre distance over the run (the safety layer keeps 0.08 m; (!) below it). saturated: mean fraction of robots whose command a speed limit cut. ${results.machine}; ${results.seconds} s for the whole comparison.`),
  '',
  `## The goal (blob flow): differential drive within 1.5x the holonomic t90, at most half the i.i.d. MMD², separation held: met in ${goal.met} of ${goal.total}`,
  '',
  goal.text,
  '',
  wrap('t90 measures the speed towards each run\'s own final value: a run that goes nowhere has a short t90, so the ratio only means something next to the MMD² columns.'),
  '',
  ...(baseline
    ? [
        wrap(
          `Before this work (docs/rooms-baseline.json: Euclidean kernels, no sidestep rule, Euclidean Lloyd cells; main at 1610791 with this bench, the same 90 s runs): met in ${goalTable(baseline).met} of ${goalTable(baseline).total}.`,
        ),
        '',
        goalTable(baseline).text,
        '',
      ]
    : []),
  '![Blob flow, differential drive, N = 100: paths (blue), start (grey), end (orange); target density grey, walls black](rooms.svg)',
  '',
  ...METHOD.map((l) => (l.startsWith('- ') ? wrap(l, 118, '  ') : l)),
  '## All runs',
  '',
  roomTable(results.cells),
  '',
].join('\n');
writeFileSync(join(outDir, 'rooms.md'), doc);
process.stderr.write(values.render ? `wrote ${outDir}/rooms.md\n` : `wrote ${outDir}/rooms.md, rooms.svg, rooms.json in ${seconds.toFixed(0)} s\n`);
