/**
 * The start crowd of the four-room map (issue 14): how fast a packed swarm leaves its start room, by drive. Runs the
 * bench:rooms cell (blob flow, the controller as the node runs it) and prints, per run, the robots still in the start
 * room (x < 2, y < 2) every 10 s, MMD^2 at the end against the i.i.d. one, and t90.
 *
 *   node --import tsx scripts/rooms-crowd.ts [--counts 190,200,210] [--drives holonomic,diff_drive] [--duration 90]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MmdMetric } from '../src/engine/metrics/metrics.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';
import type { DriveKind } from '../src/sim/kinematics.js';
import { iidMmd2 } from '../bench/coverage/run.js';
import { IID_DRAWS, IID_SEED } from '../bench/coverage/suite.js';
import { runRoom, withCount } from '../bench/rooms/run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { counts: { type: 'string' }, drives: { type: 'string' }, duration: { type: 'string' } }, strict: true });
const counts = (values.counts ?? '200').split(',').map(Number);
const drives = (values.drives ?? 'holonomic,diff_drive').split(',') as DriveKind[];
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--counts must be positive integers separated by commas');
if (drives.some((d) => d !== 'holonomic' && d !== 'diff_drive')) throw new Error('--drives takes holonomic and diff_drive');
if (duration !== undefined && !(duration > 0)) throw new Error('--duration must be a positive number of seconds');

const base = loadScenario(join(ROOT, 'scenarios', 'rooms', 'rooms-map.yaml'));
for (const n of counts) {
  const s = withCount(base, n);
  const target = scenarioTarget(s);
  const iid = iidMmd2(target, new MmdMetric(target, s.metrics.mmdBandwidth), n, IID_DRAWS, IID_SEED);
  for (const drive of drives) {
    const cpu = process.cpuUsage();
    const r = runRoom('rooms-map', s, 'blob', drive, { samplePeriod: 0.5, duration });
    const used = process.cpuUsage(cpu);
    const inStart = r.trail.filter((_, t) => t % 10 === 0 && t > 0).map((p) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (p[2 * i] < 2 && p[2 * i + 1] < 2) c++;
      return c;
    });
    const rooms = r.trail.filter((_, t) => t % 5 === 0 && t > 0 && t <= 40).map((p) => {
      const c = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) c[(p[2 * i] < 2 ? 0 : 1) + (p[2 * i + 1] < 2 ? 0 : 2)]++;
      return c.join('/');
    });
    if (process.env.ROOMS) process.stdout.write(`  rooms LL/LR/UL/UR every 5 s: ${rooms.join(' ')}\n`);
    process.stdout.write(
      `N=${n} ${drive.padEnd(10)} MMD^2 ${r.mmd2.toExponential(2)} /iid ${(r.mmd2 / iid).toFixed(2)} t90 ${r.t90.toFixed(1)} s closest ${r.closestPair.toFixed(4)} ` +
        `in start room @10,20..s: ${inStart.join(' ')} (${((used.user + used.system) / 1e6).toFixed(1)} s CPU)\n`,
    );
  }
}
