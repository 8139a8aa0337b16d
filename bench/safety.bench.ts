/**
 * The safety filter alone, its neighbour scan in WebAssembly against the JS scan, on captured inputs: the standalone
 * session of bench:load (demo target, robots on a grid over the box, 5 mm radius and clearance) runs for a few
 * simulated seconds and every filter pass of the controller is recorded (points, movable flags, velocities,
 * settings, options); then each pass is replayed by one filter per kernel, the two alternating pass by pass, and each
 * pass's process CPU time is recorded (process.cpuUsage). Both kernels must give the same velocities bit for bit.
 *
 * Run: npm run bench:safety [-- --robots 5000 --drive holonomic --duration 2 --rounds 3 --baseline DIR]
 * With --baseline DIR (a copy of an older src/, e.g. `git archive <commit> src | tar -x -C DIR`): that version's
 * filter (Wasm kernel) is replayed too, alternating with the other two, and must give the same velocities within
 * 1e-8 m/s (bit for bit from 7eafc35 on; older ones solve the 2-D problem another way): before and after in one run.
 * With --centre (differential drive): the unicycle passes replayed pruned by the centres' speed (forwardSpeed, as
 * the controller runs them) and by the look-ahead point's (without it), alternating, Wasm kernel; the guide passes
 * (unchanged) timed alongside; barriers kept per robot.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SafetyFilter } from '../src/control/safety/safety.js';
import type { FilterOptions, FilterPass, SafetySettings } from '../src/control/safety/safety.js';
import type { Logger } from '../src/node/interface.js';
import { loadScenario } from '../src/scenario/load.js';
import { createStandalone } from '../src/standalone/run.js';
import type { Target } from '../src/engine/index.js';
import { DEMO_SCENARIO } from './load.bench.js';

/** Copies of the filter's arguments (its arrays may be reused by the caller). */
function record(points: Float64Array, movable: Uint8Array, velocities: Float64Array, s: SafetySettings, o: FilterOptions): FilterPass {
  return {
    points: points.slice(),
    movable: movable.slice(),
    velocities: velocities.slice(0, points.length),
    settings: { ...s },
    options: { ...o, headings: o.headings?.slice(), radii: o.radii?.slice(), speeds: o.speeds?.slice() },
  };
}

/** Runs the session for `duration` simulated seconds and returns every filter pass of its control ticks, and the target. */
function capture(robots: number, drive: 'holonomic' | 'diff_drive', duration: number): { passes: FilterPass[]; target: Target } {
  const base = loadScenario(DEMO_SCENARIO);
  const scenario = { ...base, robots: { count: robots, radius: 0.005, clearance: 0.005, initial: { type: 'grid' as const, box: base.domain } } };
  const logger = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });
  const session = createStandalone({ scenario, scenarioPath: DEMO_SCENARIO, drive, controller: { rate: 20 }, simulator: { rate: 50 }, logger });
  const passes: FilterPass[] = [];
  const original = SafetyFilter.prototype.filter;
  SafetyFilter.prototype.filter = function (this: SafetyFilter, points, movable, velocities, s, o) {
    passes.push(record(points, movable, velocities, s, o));
    return original.call(this, points, movable, velocities, s, o);
  };
  try {
    session.clock.advanceTo(duration);
  } finally {
    SafetyFilter.prototype.filter = original;
  }
  session.controller.stop();
  session.bus.flush();
  session.sim.destroy();
  return { passes, target: session.target };
}

function cpuMs(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

/** The filter of another copy of the sources (--baseline), or null. */
async function baselineFilter(dir: string | undefined): Promise<typeof SafetyFilter | null> {
  if (dir === undefined) return null;
  // Where the filter is, or was before src/control/safety/ existed.
  const file = ['src/control/safety/safety.ts', 'src/control/safety.ts'].map((f) => path.resolve(dir, f)).find((f) => existsSync(f)) ?? path.resolve(dir, 'src/control/safety/safety.ts');
  const mod = (await import(pathToFileURL(file).href)) as { SafetyFilter?: typeof SafetyFilter };
  if (!mod.SafetyFilter) throw new Error(`--baseline: ${file} exports no SafetyFilter`);
  return mod.SafetyFilter;
}

/**
 * Velocities of the baseline (--baseline) against this version's: equal up to BASELINE_ROUND_OFF m/s. Bit for bit
 * from 7eafc35 on; an older baseline solves the 2-D problem another way, and both solvers count a constraint met
 * within 1e-9 m/s as met, so their answers may differ by about that much (9.4e-10 m/s measured, 2,000 robots).
 */
const BASELINE_ROUND_OFF = 1e-8;
function baselineGap(a: Float64Array, b: Float64Array, acc: { differ: number; largest: number }): void {
  for (let k = 0; k < a.length; k++) {
    if (Object.is(a[k], b[k])) continue;
    acc.differ++;
    const gap = Math.abs(a[k] - b[k]);
    acc.largest = gap === gap ? Math.max(acc.largest, gap) : Infinity;
  }
}

/** The baseline line of the report, and whether it is within round-off. */
function baselineReport(acc: { differ: number; largest: number }): boolean {
  console.log(`baseline velocities         ${acc.differ} not bit for bit, largest gap ${acc.largest.toExponential(1)} m/s (must be <= ${BASELINE_ROUND_OFF})`);
  return acc.largest <= BASELINE_ROUND_OFF;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      robots: { type: 'string' }, drive: { type: 'string' }, duration: { type: 'string' }, rounds: { type: 'string' }, centre: { type: 'boolean' },
      baseline: { type: 'string' },
    },
  });
  const robots = Number(values.robots ?? 5000);
  const drive = values.drive ?? 'holonomic';
  const duration = Number(values.duration ?? 2);
  const rounds = Number(values.rounds ?? 3);
  if (!Number.isInteger(robots) || robots < 1) throw new Error(`--robots must be a positive integer, got '${values.robots}'`);
  if (drive !== 'holonomic' && drive !== 'diff_drive') throw new Error(`--drive must be holonomic or diff_drive, got '${drive}'`);
  if (!(duration > 0)) throw new Error(`--duration must be a positive number, got '${values.duration}'`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got '${values.rounds}'`);
  const Baseline = await baselineFilter(values.baseline);
  const { passes, target } = capture(robots, drive, duration);
  if (values.centre) return centreBound(passes, target, robots, duration, rounds, Baseline);
  type Variant = 'js' | 'wasm' | 'baseline';
  const filters: Partial<Record<Variant, SafetyFilter>> = { js: new SafetyFilter(target, { kernel: 'js' }), wasm: new SafetyFilter(target) };
  if (Baseline) filters.baseline = new Baseline(target);
  if (filters.wasm?.kernel !== 'wasm') throw new Error('WebAssembly is not available: nothing to compare');
  const variants = Object.keys(filters) as Variant[];
  const times: Record<Variant, number[]> = { js: [], wasm: [], baseline: [] };
  const out: Record<Variant, Float64Array> = { js: new Float64Array(0), wasm: new Float64Array(0), baseline: new Float64Array(0) };
  const load0 = os.loadavg()[0];
  let differ = 0;
  const base = { differ: 0, largest: 0 };
  for (let round = 0; round < rounds; round++) {
    for (let q = 0; q < passes.length; q++) {
      const p = passes[q];
      // Each variant first in turn.
      const shift = (round * passes.length + q) % variants.length;
      for (const kernel of [...variants.slice(shift), ...variants.slice(0, shift)]) {
        const u = p.velocities.slice();
        const filter = filters[kernel] as SafetyFilter;
        times[kernel].push(cpuMs(() => filter.filter(p.points, p.movable, u, p.settings, p.options)));
        out[kernel] = u;
      }
      for (let k = 0; k < out.js.length; k++) if (!Object.is(out.js[k], out.wasm[k])) differ++;
      if (Baseline) baselineGap(out.wasm, out.baseline, base);
    }
  }
  const js = median(times.js);
  const wasm = median(times.wasm);
  console.log(`# Safety filter, ${robots} ${drive} robots, ${passes.length} passes captured over ${duration} simulated s, ${rounds} rounds`);
  console.log(`node ${process.version}, load average ${load0.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`);
  console.log(`CPU time per pass, median   js ${js.toFixed(1)} ms, wasm ${wasm.toFixed(1)} ms: ${(js / wasm).toFixed(2)}x`);
  if (Baseline) {
    const b = median(times.baseline);
    console.log(`  baseline (${values.baseline}) wasm ${b.toFixed(1)} ms: this wasm ${(b / wasm).toFixed(2)}x faster`);
  }
  const sum = (v: Variant): string => times[v].reduce((a, b) => a + b, 0).toFixed(0);
  console.log(`  sum over all passes       js ${sum('js')} ms, wasm ${sum('wasm')} ms${Baseline ? `, baseline ${sum('baseline')} ms` : ''}`);
  console.log(`velocities differing        ${differ} between js and wasm (must be 0)`);
  const close = Baseline ? baselineReport(base) : true;
  if (differ || !close) process.exitCode = 1;
}

/** The unicycle passes pruned by the centres' speed against the look-ahead point's, and the guide passes, CPU time. */
function centreBound(passes: FilterPass[], target: Target, robots: number, duration: number, rounds: number, Baseline: typeof SafetyFilter | null): void {
  const unicycle = passes.filter((p) => p.options.headings && p.options.forwardSpeed !== undefined);
  const guide = passes.filter((p) => !p.options.headings);
  if (!unicycle.length) throw new Error('--centre needs --drive diff_drive');
  const filters = { centre: new SafetyFilter(target), point: new SafetyFilter(target) };
  const base = Baseline ? new Baseline(target) : null;
  const times: Record<'centre' | 'point' | 'guide' | 'baseCentre' | 'baseGuide', number[]> = { centre: [], point: [], guide: [], baseCentre: [], baseGuide: [] };
  const kept = { centre: 0, point: 0 };
  const load0 = os.loadavg()[0];
  const gaps = { differ: 0, largest: 0 };
  // The baseline's pass (--baseline), before this version's in odd rounds and after it in even ones.
  const baseline = (p: FilterPass, key: 'baseCentre' | 'baseGuide'): Float64Array => {
    const u = p.velocities.slice();
    if (base) times[key].push(cpuMs(() => base.filter(p.points, p.movable, u, p.settings, p.options)));
    return u;
  };
  const compare = (a: Float64Array, b: Float64Array): void => baselineGap(a, b, gaps);
  for (let round = 0; round < rounds; round++) {
    for (let q = 0; q < unicycle.length; q++) {
      const p = unicycle[q];
      let before = base && round % 2 ? baseline(p, 'baseCentre') : null;
      let mine = new Float64Array(0);
      for (const k of round % 2 ? (['point', 'centre'] as const) : (['centre', 'point'] as const)) {
        const o = k === 'centre' ? p.options : { ...p.options, forwardSpeed: undefined };
        const u = p.velocities.slice();
        times[k].push(cpuMs(() => filters[k].filter(p.points, p.movable, u, p.settings, o)));
        if (k === 'centre') mine = u;
        if (round > 0) continue;
        const n = p.movable.length;
        for (let i = 0; i < n; i++) filters[k].bindingNormals(i, () => kept[k]++, Infinity);
      }
      if (base) compare(before ?? baseline(p, 'baseCentre'), mine);
      const g = guide[q];
      if (g) {
        before = base && round % 2 ? baseline(g, 'baseGuide') : null;
        const u = g.velocities.slice();
        times.guide.push(cpuMs(() => filters.point.filter(g.points, g.movable, u, g.settings, g.options)));
        if (base) compare(before ?? baseline(g, 'baseGuide'), u);
      }
    }
  }
  const [c, pt, gd] = [median(times.centre), median(times.point), median(times.guide)];
  const per = (count: number): string => (count / unicycle.length / robots).toFixed(1);
  console.log(`# Safety filter, ${robots} diff_drive robots, ${unicycle.length} unicycle and ${guide.length} guide passes captured over ${duration} simulated s, ${rounds} rounds`);
  console.log(`node ${process.version}, load average ${load0.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`);
  console.log(`unicycle pass CPU, median   centre bound ${c.toFixed(1)} ms, look-ahead bound ${pt.toFixed(1)} ms: ${(pt / c).toFixed(2)}x`);
  console.log(`guide pass CPU, median      ${gd.toFixed(1)} ms (look-ahead bound, unchanged)`);
  console.log(`barriers kept per robot     centre bound ${per(kept.centre)}, look-ahead bound ${per(kept.point)}`);
  if (base) {
    const [bc, bg] = [median(times.baseCentre), median(times.baseGuide)];
    console.log(`baseline (--baseline), wasm unicycle pass ${bc.toFixed(1)} ms (this ${(bc / c).toFixed(2)}x faster), guide pass ${bg.toFixed(1)} ms (${(bg / gd).toFixed(2)}x)`);
    if (!baselineReport(gaps)) process.exitCode = 1;
  }
}

await main();
