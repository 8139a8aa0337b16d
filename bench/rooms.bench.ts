/**
 * Rooms with walls (issue 14): four room scenarios (an L-wall, two rooms joined by one door, two rooms joined by a
 * corridor, four rooms from an occupancy image), N = 30, 100, 200, holonomic and differential drive, the blob flow,
 * Lloyd's law and Langevin dynamics, each through the coverage controller as the node runs it (bench/rooms/).
 *
 *   npm run bench:rooms                        everything: writes docs/rooms.md, docs/rooms.svg, docs/rooms.json
 *   npm run bench:rooms -- --counts 30 --scenarios door --laws blob --out DIR      a part, into DIR (never docs/)
 *
 * Same seeds, same numbers: only the ms / tick column changes between runs.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MmdMetric } from '../src/engine/metrics.js';
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

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = ['l-wall', 'door', 'corridor', 'rooms-map'];
const DRIVES: DriveKind[] = ['holonomic', 'diff_drive'];
const SAMPLE_PERIOD = 0.5;
/** The run the pictures show. */
const PICTURE = { robots: 100, drive: 'diff_drive', algorithm: 'blob' } as const;

const { values } = parseArgs({
  options: { counts: { type: 'string' }, scenarios: { type: 'string' }, laws: { type: 'string' }, drives: { type: 'string' }, duration: { type: 'string' }, out: { type: 'string' } },
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

const started = performance.now();
const cells: RoomCell[] = [];
const total = names.length * counts.length * laws.length * drives.length;
let index = 0;
const pictures: { title: string; target: ReturnType<typeof scenarioTarget>; run: RoomRun }[] = [];
for (const name of names) {
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
const strip = cells.map((c) => ({ ...c, runs: c.runs.map(({ initial, final, trail, ...rest }) => rest) }));
writeFileSync(join(outDir, 'rooms.json'), JSON.stringify(strip, null, 1) + '\n');
if (pictures.length) writeFileSync(join(outDir, 'rooms.svg'), roomPicture(pictures));
const goal = goalTable(cells);
const baselinePath = join(ROOT, 'docs', 'rooms-baseline.json');
const baseline: RoomCell[] | undefined = existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as RoomCell[]) : undefined;
const cpus = os.cpus();
const doc = [
  '# Rooms with walls: the coverage laws through doors and corridors',
  '',
  'Generated by `npm run bench:rooms` (bench/rooms.bench.ts); the scenarios are in [scenarios/rooms/](../scenarios/rooms/).',
  `Every run goes through the coverage controller at 10 Hz on simulated time (law, speed and acceleration limits, safety filter), against holonomic or differential-drive kinematics; ${duration ?? 'each scenario\'s'} s. MMD² is against the target restricted to free space (bandwidth 0.2 m), \`/ i.i.d.\` its ratio to the median of ${IID_DRAWS} sets of N independent samples of that target. t90: first time (sampled every ${SAMPLE_PERIOD} s) at which MMD² <= final + 0.1 (initial - final). median dist.: median distance through free space from a robot to the target's high-density region (the densest cells holding half its mass), at the end. in obstacle: robot-ticks with a centre in an obstacle or outside the domain. closest pair: smallest centre distance over the run (the safety layer keeps 0.08 m; (!) below it). saturated: mean fraction of robots whose command a speed limit cut. Node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'CPU'}, shared; ${seconds.toFixed(0)} s for the whole comparison.`,
  '',
  `## The goal (blob flow): differential drive within 1.5x the holonomic t90, at most half the i.i.d. MMD², separation held: met in ${goal.met} of ${goal.total}`,
  '',
  goal.text,
  '',
  ...(baseline ? [`Before the obstacle-aware flow (docs/rooms-baseline.json): met in ${goalTable(baseline).met} of ${goalTable(baseline).total}.`, '', goalTable(baseline).text, ''] : []),
  '![Blob flow, differential drive, N = 100: paths (blue), start (hollow), end (orange); target density grey, walls black](rooms.svg)',
  '',
  '## All runs',
  '',
  roomTable(cells),
  '',
].join('\n');
writeFileSync(join(outDir, 'rooms.md'), doc);
process.stderr.write(`wrote ${outDir}/rooms.md, rooms.svg, rooms.json in ${seconds.toFixed(0)} s\n`);
