/**
 * Differential drive with and without the guide (src/control/guide.ts), through the bench:rooms runner (blob flow,
 * the controller as the node runs it). For each scenario, count and setting: MMD^2 at the end against the i.i.d. one,
 * t90, the closest pair, and for the four-room map the robots still in the start room (x < 2, y < 2) every 10 s.
 *
 *   node --import tsx scripts/diff-drive-guide.ts [--scenarios FILE,FILE] [--counts 190,200,210] [--guide on,off]
 *     [--drives holonomic,diff_drive] [--duration S]
 * Default: scenarios/rooms/rooms-map.yaml, N = 200, guide on and off, differential drive.
 */
import { basename, dirname, join, resolve } from 'node:path';
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
const { values } = parseArgs({
  options: { scenarios: { type: 'string' }, counts: { type: 'string' }, guide: { type: 'string' }, drives: { type: 'string' }, duration: { type: 'string' } },
  strict: true,
});
const paths = (values.scenarios ?? join(ROOT, 'scenarios', 'rooms', 'rooms-map.yaml')).split(',').map((p) => resolve(p));
const counts = (values.counts ?? '200').split(',').map(Number);
const guides = (values.guide ?? 'on,off').split(',');
const drives = (values.drives ?? 'diff_drive').split(',') as DriveKind[];
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--counts must be positive integers separated by commas');
if (guides.some((g) => g !== 'on' && g !== 'off')) throw new Error('--guide takes on and off');
if (drives.some((d) => d !== 'holonomic' && d !== 'diff_drive')) throw new Error('--drives takes holonomic and diff_drive');
if (duration !== undefined && !(duration > 0)) throw new Error('--duration must be a positive number of seconds');

for (const path of paths) {
  const name = basename(path).replace(/\.ya?ml$/, '');
  const base = loadScenario(path);
  for (const n of counts) {
    const s = withCount(base, n);
    const target = scenarioTarget(s);
    const iid = iidMmd2(target, new MmdMetric(target, s.metrics.mmdBandwidth), n, IID_DRAWS, IID_SEED);
    for (const drive of drives) {
      for (const g of drive === 'diff_drive' ? guides : ['-']) {
        const cpu = process.cpuUsage();
        const r = runRoom(name, s, 'blob', drive, { samplePeriod: 0.5, duration, guide: g !== 'off' });
        const used = process.cpuUsage(cpu);
        let rooms = '';
        if (name === 'rooms-map') {
          const inStart = r.trail.filter((_, t) => t % 10 === 0 && t > 0).map((p) => {
            let c = 0;
            for (let i = 0; i < n; i++) if (p[2 * i] < 2 && p[2 * i + 1] < 2) c++;
            return c;
          });
          rooms = ` in the start room at 10, 20, ... s: ${inStart.join(' ')}`;
        }
        process.stdout.write(
          `${name} N=${n} ${drive.padEnd(10)} guide ${g.padEnd(3)} MMD^2 ${r.mmd2.toExponential(2)} / i.i.d. ${(r.mmd2 / iid).toFixed(2)} t90 ${r.t90.toFixed(1)} s ` +
            `closest ${r.closestPair.toFixed(4)} (${r.minSeparation.toFixed(3)})${rooms} (${((used.user + used.system) / 1e6).toFixed(1)} s CPU)\n`,
        );
      }
    }
  }
}
