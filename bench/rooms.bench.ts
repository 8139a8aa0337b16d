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
  '- **Differential drive steers by its guide** (src/control/guide.ts). The safety filter\'s half-planes bound only a unicycle\'s speed along its heading, so alone they leave it facing its law\'s direction with a robot or a wall in front: it stands where a holonomic robot slides along the wall or takes the free way out of a crowd. The controller now runs the filter twice for differential drive: first as for holonomic robots at the same places (the guide: the velocity a holonomic robot would get), then as before for unicycles on what each robot is asked: forward, the guide\'s component along its heading; the turn, towards the guide\'s direction less any part into a barrier that binds (else at a wall the heading stays a little into the wall and the robot creeps), at the rate the law\'s speed gives through the look-ahead point (a robot the crowd slows does not also turn slowly); while the guide is below 20% of the law\'s speed (boxed in), towards the law\'s direction. Only the desired velocity changes; the second pass and the arc check bound every command as before, so the separation is kept (tests: a robot sent into a wall at 45 deg slides along it, a packed crowd of 36 leaves faster, separation held). Cost: the filter runs twice, so a differential-drive tick takes 1.4x (four rooms, 200 packed robots) to 1.7x (400 and 2,000 robots at i.i.d. target samples: 5.3 -> 8.7 ms, 63 -> 108 ms of CPU) the CPU time it took; holonomic ticks are unchanged. Open rooms (the coverage bench\'s five scenarios, which that bench runs with holonomic robots only; here differential drive, N = 25 / 100 / 400, their 20-60 s; before: main\'s rules): MMD² / i.i.d. the same within 0.01 at N = 25 and 100 and for near-uniform, floor and l-shape at 400; from the packed starts at 400 demo 70.6x -> 1.2x, ring 36x -> 0.02x (holonomic 0.61x, 0.01x).',
  '- **Differential drive does not jam at walls** (src/control/unjam.ts). When the safety filter cuts a robot\'s forward speed below 10% of what the law asked and a wall or an obstacle\'s edge across the law\'s way is among its binding barriers, for 0.2 s without a break, its law velocity is replaced for 0.3 s by one of the same speed along the tangent of the barriers that bind it, on the freer side (left on a tie): it turns in place and goes along the wall. Only the law\'s velocity changes; the filter still bounds every command. Hold measured on the door at N = 200 (robots through the door in 60 s): no rule 20, 3 s 26, 1.5 s 63, 0.6 s 89, 0.3 s 117, 0.15 s 113. Robots held only by other robots no longer sidestep (they move off, and the guide steers round them): sidestepping at robots too turned dense crowds across their own flow. It had made the open demo scenario with 400 differential-drive robots packed 2.1 cm apart in a corner (separation 1.5 cm; 20 s) end at 70x the i.i.d. MMD² (1.2x without the rule; holonomic 0.61x); with the guide and the rule at walls only it ends at 1.2x (`node --import tsx scripts/diff-drive-guide.ts --scenarios scenarios/demo.yaml --counts 400`).',
  '- **The four-room map at N = 200 with differential drive** (the cell that missed the goal before the guide). The slow part was the start crowd (200 robots on a grid 8.3 cm apart, 3 mm more than the separation, all facing +x), not the doors. Measured per tick in the start room over the first 5 s: 47% of the robots sidestepping, 52% turning in place, the heading 41 deg on average from the velocity asked; the filter never limits turning (its half-planes bound only the forward speed), and decoupling the linear and angular acceleration limits changed nothing (MMD² 1.21x -> 1.36x the i.i.d. one, within the spread). Robots still in the start room after 10 / 20 / 30 s (`node --import tsx scripts/diff-drive-guide.ts --counts 200`): 172 / 138 / 107 before, 161 / 112 / 66 with the guide, holonomic 143 / 68 / 53. MMD² / i.i.d. at 90 s and t90, N = 190 / 200 / 210: before 1.23 / 1.21 / 1.82, 58.5 / 60 / 64 s; with the guide 0.33 / 0.36 / 0.51, 45 / 47 / 50.5 s (holonomic 39 / 39.5 / 40 s). Variants, on those three runs (MMD² / i.i.d.), measured while robots still sidestepped at robots too, where this rule gave 0.32 / 0.36 / 0.38 (but 13.7x on the packed demo above): the guide turning at its own speed, not the law\'s, 0.48 / 0.48 / 0.52; without removing the part into binding barriers 0.33 / 0.40 / 0.43; the guide trusted down to 0 / 0.1 / 0.4 of the law\'s speed instead of 0.2: 0.31 / 0.39 / 0.37, 0.30 / 0.38 / 0.41, 0.38 / 0.44 / 0.53; turning at full rate whatever the law\'s speed 0.33 / 0.45 / 0.44. With the final rules: no sidestep at all 0.45 / 0.45 / 0.84; the sidestep at any wall or edge that binds, also behind the robot, 0.28 / 0.35 / 0.37 at N = 180 / 190 / 200, 0.82 / 0.58 at 210 / 220, and 1.4x on the packed demo. The cell stays chaotic (N = 180 ... 220: 0.29 to 0.51).',
  '- **Lloyd\'s law with geodesic cells** (src/engine/laws/lloyd.ts, geodesic.ts): with obstacles each grid node goes to the robot nearest through free space (multi-source Dijkstra over the same kind of links, 8 neighbours, so up to 8% anisotropy), so a cell no longer reaches across a wall. Lloyd has no long-range pull: from a start in another room its robots creep towards the door, which the tables show.',
  '- **Not built:** geodesic distance fields for the coarse scales (the issue\'s alternative); the heat kernel was chosen without that comparison, because it keeps the energy a gradient flow on the grid the engine already has. The fixed-eps flow (`method: fixed`, in the controller and in `blob-coverage run`) keeps the Euclidean kernel: with the heat kernel of the free space in its place (tried: the same HeatKernelField at the fixed width, compared with rho_bar itself) a thin wall no longer pulls robots through (a 4 cm wall, 20 robots, eps 0.2 m, the flow alone for 20 s: 18 across with the Gaussian, none with the heat kernel), but the door scenario at N = 100 got worse: in the controller MMD² 1.42x -> 4.06x the i.i.d. one (holonomic) and 3.12x -> 4.80x (differential drive), the median robot 0.57 -> 2.79 m from the target\'s dense region; in `blob-coverage run` 0.53x -> 10.6x, with 17 robots ending inside the wall (the flow alone has no barrier; inside an obstacle the heat field gives 0) against none. A single fine width has no long-range pull through free space (the Euclidean fixed flow likely reaches the door because the wall is a valley of rho_bar, zero in the obstacle, that repels robots along it: not measured further). In rooms use the multiscale flow (the default).',
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
