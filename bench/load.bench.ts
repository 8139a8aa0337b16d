/**
 * Load benchmark of the standalone mode (issue 5): the coverage controller and the swarm simulator on one in-process
 * bus and a virtual clock, by default 1,000 holonomic robots on the target of scenarios/demo.yaml (started on a grid
 * over the whole domain, 6.3 cm apart, with a 5 mm radius and 5 mm clearance so that the target is feasible for
 * the safety layer; default multiscale law), controller at 20 Hz, simulator at 50 Hz, 600 simulated seconds.
 *
 * What is measured (wall clock, performance.now):
 * - loop time: each call of CoverageControllerNode.tick, the controller's timer callback (the law, command shaping,
 *   publishing the commands, markers (only while subscribed: not here), /diagnostics at 1 Hz); the CoverageController.tick part (law and shaping
 *   only) separately. Both are timed by wrapping the instances' methods: nothing in src/ is changed;
 * - pose intake: the bus flush after each simulator tick, i.e. the controller's 1,000 odometry callbacks (and the
 *   bus's dispatch), which a ROS executor runs between control ticks: the controller's CPU, not its loop time;
 * - ticks: every control tick with its simulated time. The virtual clock fires every timer that falls due, so in
 *   this mode a step is skipped only if the timer machinery loses one (checked: the count is duration x rate and
 *   consecutive ticks are one period apart); the real-time question is the deadline: a miss is a loop time above
 *   the period, and the controller's CPU share (loop time + pose intake per simulated second) must stay below 1.
 *   Each tick's process CPU time (process.cpuUsage, all threads: parallel GC can put it above the loop time) is
 *   recorded too: on a shared machine a tick can miss its deadline because another process held the core, and a
 *   miss whose CPU time is under the period is one of those;
 * - memory: process.memoryUsage() every `sampleEvery` simulated seconds, after a forced full GC (run node with
 *   --expose-gc, as `npm run bench:load` does); least-squares slope after the warm-up, MB per simulated minute.
 *
 * V8's allocation-site pretenuring is off, as in the standalone command (src/standalone/v8-tuning.ts); --pretenuring
 * keeps it on.
 *
 * Run: npm run bench:load [-- --duration 30 --robots 1000 --rate 20 --sim-rate 50 --json load.json --pretenuring]
 * (the full run takes about 3 minutes of wall time on the 2-core VM; figures in docs/benchmarks.md).
 */
import { realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { TickResult } from '../src/control/controller.js';
import type { Logger } from '../src/node/interface.js';
import { loadScenario } from '../src/scenario/load.js';
import { createStandalone } from '../src/standalone/run.js';
import { disablePretenuring } from '../src/standalone/v8-tuning.js';

/** The demo scenario: its target and corner-box start, with the robot count overridden. */
export const DEMO_SCENARIO = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios', 'demo.yaml');

/**
 * Growth of the memory the program holds (heapUsed and arrayBuffers, sampled after a full GC) above which the
 * verdict is "grows", MB per simulated minute. A leak of anything per robot per control tick (1,000 robots x 1,200
 * ticks a minute, >= 16 bytes each) is >= 19 MB/min, 400 times this; one retained ~40-byte object per control tick
 * is 0.05 MB/min. Measured noise: after a forced GC heapUsed moves in steps of up to 0.4 MB (V8 flushing unused
 * code), and over nine minutes of 1,000 robots the slope's standard error was 0.001 MB/min (arrayBuffers: 0.005).
 */
export const HEAP_GROWTH_LIMIT = 0.05;
/**
 * RSS growth limit, MB per simulated minute (a day at this rate: 1.4 GB). RSS moves in steps of 15-45 MB as V8
 * commits and releases heap pages (its slope's standard error over nine minutes was 0.4 MB/min), so the verdict is
 * "grows" only when the slope minus two standard errors is above the limit.
 */
export const RSS_GROWTH_LIMIT = 1;
/** How many of the slowest ticks the report lists. */
const SLOWEST = 5;
/** Shortest stretch of samples after the warm-up that is judged, simulated s (shorter ones still see the JIT warming up). */
export const MIN_JUDGED_SPAN = 300;

/** What to run. */
export interface LoadOptions {
  readonly robots: number;
  /** Controller rate, Hz. */
  readonly rate: number;
  /** Simulator (physics and odometry) rate, Hz. */
  readonly simRate: number;
  /** Simulated seconds. */
  readonly duration: number;
  /** Memory sample period, simulated seconds. */
  readonly sampleEvery: number;
  /** Simulated seconds left out of the memory slope (JIT, first allocations, the swarm's spreading). */
  readonly warmup: number;
  readonly scenarioPath: string;
  readonly drive: 'holonomic' | 'diff_drive';
  /** Called after each memory sample (progress). */
  readonly onSample?: (sample: MemorySample, duration: number) => void;
  /** Called at the end with each tick's start (performance.now, ms) and loop time (ms), for gcInTicks. */
  readonly onTickWindows?: (start: Float64Array, ms: Float64Array, at: Float64Array) => void;
}

/** Distribution of a per-event time, milliseconds. */
export interface TimeStats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Simulated time of the slowest event, s. */
  readonly maxAt: number;
}

/** One control tick: its simulated time (s), loop time, process CPU time and law + shaping time (ms). */
export interface SlowTick {
  readonly t: number;
  readonly loop: number;
  readonly cpu: number;
  readonly law: number;
}

/** process.memoryUsage() at one simulated time, MB. */
export interface MemorySample {
  readonly t: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

/** Least-squares growth of one memory figure after the warm-up. */
export interface Growth {
  /** MB per simulated minute. */
  readonly slope: number;
  /** Standard error of the slope, MB per simulated minute. */
  readonly slopeError: number;
  /** Largest distance of a sample from the fitted line, MB. */
  readonly residual: number;
  /** First and last sample after the warm-up, MB. */
  readonly from: number;
  readonly to: number;
}

/** What a load run measured. */
export interface LoadReport {
  readonly options: Omit<LoadOptions, 'onSample' | 'onTickWindows'>;
  readonly ticks: number;
  readonly expectedTicks: number;
  /** Control steps missing from the sequence of tick times (gaps of more than one period). */
  readonly skipped: number;
  /** Ticks whose loop time exceeded the period. */
  readonly deadlineMisses: number;
  /** Misses whose process CPU time exceeded the period too (the others waited for a core). */
  readonly cpuMisses: number;
  /** The slowest ticks by loop time, slowest first. */
  readonly slowest: readonly SlowTick[];
  /** The slowest ticks by process CPU time, slowest first. */
  readonly slowestCpu: readonly SlowTick[];
  readonly periodMs: number;
  /** CoverageControllerNode.tick: the loop time. */
  readonly loop: TimeStats;
  /** Process CPU time (user + system, all threads) of each node tick. */
  readonly loopCpu: TimeStats;
  /** CoverageController.tick: law and shaping within the loop. */
  readonly law: TimeStats;
  /** Delivery of one simulator tick's odometry to the controller. */
  readonly poseIntake: TimeStats;
  readonly simulatorTicks: number;
  /** Controller CPU per simulated second (loop times + pose intake), as a fraction of one core. */
  readonly controllerShare: number;
  /** Whole run, s. */
  readonly wallSeconds: number;
  /** Sum of the loop times, s. */
  readonly loopSeconds: number;
  /** Sum of the pose intake times, s. */
  readonly poseIntakeSeconds: number;
  /** One-minute load average of the machine at the start and at the end. */
  readonly loadAverage: readonly [number, number];
  /** Warnings and errors the nodes logged. */
  readonly warnings: number;
  /** Whether the samples were taken after a forced GC. */
  readonly forcedGc: boolean;
  readonly memory: readonly MemorySample[];
  readonly growth: { readonly heapUsed: Growth; readonly arrayBuffers: Growth; readonly rss: Growth } | undefined;
  /** true: no growth above the limits; undefined: not judged (no forced GC, or less than MIN_JUDGED_SPAN sampled). */
  readonly memoryStable: boolean | undefined;
  /** Live robots and saturated commands at the last tick (the swarm really moved). */
  readonly lastLive: number;
  readonly lastSaturated: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN;
}

function stats(ms: Float64Array, at: Float64Array): TimeStats {
  let sum = 0;
  let k = 0;
  for (let i = 0; i < ms.length; i++) {
    sum += ms[i];
    if (ms[i] > ms[k]) k = i;
  }
  const sorted = ms.slice().sort();
  return { count: ms.length, mean: sum / ms.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: ms[k] ?? NaN, maxAt: at[k] ?? NaN };
}

function growth(samples: readonly MemorySample[], key: 'heapUsed' | 'arrayBuffers' | 'rss'): Growth {
  const n = samples.length;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const my = samples.reduce((s, x) => s + x[key], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.t - mt) * (s[key] - my);
    sxx += (s.t - mt) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  let ss = 0;
  let residual = 0;
  for (const s of samples) {
    const e = s[key] - (my + b * (s.t - mt));
    ss += e * e;
    residual = Math.max(residual, Math.abs(e));
  }
  const slopeError = n > 2 && sxx > 0 ? 60 * Math.sqrt(ss / (n - 2) / sxx) : NaN;
  return { slope: 60 * b, slopeError, residual, from: samples[0][key], to: samples[n - 1][key] };
}

const MB = 1024 * 1024;

function memorySample(t: number): MemorySample {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { t, heapUsed: m.heapUsed / MB, heapTotal: m.heapTotal / MB, arrayBuffers: m.arrayBuffers / MB, rss: m.rss / MB };
}

/** Builds the standalone session, runs it for `duration` simulated seconds and measures it. */
export function runLoad(o: LoadOptions): LoadReport {
  const base = loadScenario(o.scenarioPath);
  // A swarm of this size fits the demo's 2 m box only with small robots: 5 mm radius and clearance (1.5 cm apart).
  const scenario = { ...base, robots: { count: o.robots, radius: 0.005, clearance: 0.005, initial: { type: 'grid' as const, box: base.domain } } };
  let warnings = 0;
  const logger = (): Logger => ({ debug() {}, info() {}, warn: () => void warnings++, error: () => void warnings++ });
  const session = createStandalone({ scenario, scenarioPath: o.scenarioPath, drive: o.drive, controller: { rate: o.rate }, simulator: { rate: o.simRate }, logger });
  const { clock, controller: node } = session;
  const period = 1 / o.rate;
  const expectedTicks = Math.round(o.duration * o.rate);
  const expectedSimTicks = Math.round(o.duration * o.simRate);
  // Preallocated: per tick the measurement allocates only process.cpuUsage's two small objects.
  const loopMs = new Float64Array(expectedTicks + 1);
  const lawMs = new Float64Array(expectedTicks + 1);
  const cpuMs = new Float64Array(expectedTicks + 1);
  const tickAt = new Float64Array(expectedTicks + 1);
  const tickStart = new Float64Array(expectedTicks + 1);
  const intakeMs = new Float64Array(expectedSimTicks + 1);
  const intakeAt = new Float64Array(expectedSimTicks + 1);
  let ticks = 0;
  let hooked = 0;
  let simTicks = 0;
  let skipped = 0;
  let lastStamp = 0;
  let last: TickResult | undefined;

  const lawTick = node.controller.tick.bind(node.controller);
  node.controller.tick = (now: number): TickResult => {
    const t0 = performance.now();
    const r = lawTick(now);
    if (ticks < lawMs.length) lawMs[ticks] = performance.now() - t0;
    return r;
  };
  const nodeTick = node.tick.bind(node);
  let afterControl = false;
  node.tick = (): TickResult => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = nodeTick();
    const ms = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    const now = clock.now();
    if (ticks < loopMs.length) {
      loopMs[ticks] = ms;
      tickStart[ticks] = t0;
      cpuMs[ticks] = (c1.user + c1.system) / 1000;
      tickAt[ticks] = now;
    }
    skipped += Math.max(0, Math.round((now - lastStamp) / period) - 1);
    lastStamp = now;
    ticks++;
    afterControl = true;
    return r;
  };
  // A cross-check that the wrapper is what the timer calls (onTick runs inside the node's own tick).
  node.onTick = (r) => {
    hooked++;
    last = r;
  };
  const flush = clock.afterEach;
  clock.afterEach = () => {
    const t0 = performance.now();
    flush();
    if (afterControl) {
      afterControl = false;
      return;
    }
    if (simTicks < intakeMs.length) {
      intakeMs[simTicks] = performance.now() - t0;
      intakeAt[simTicks] = clock.now();
    }
    simTicks++;
  };

  const memory: MemorySample[] = [memorySample(0)];
  const loadAtStart = os.loadavg()[0];
  const started = performance.now();
  const samples = Math.ceil(o.duration / o.sampleEvery - 1e-9);
  for (let k = 1; k <= samples; k++) {
    const t = Math.min(o.duration, k * o.sampleEvery);
    clock.advanceTo(t);
    memory.push(memorySample(clock.now()));
    o.onSample?.(memory[memory.length - 1], o.duration);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  node.stop();
  session.bus.flush();
  session.sim.destroy();
  if (hooked !== ticks) throw new Error(`the timer ran ${hooked} control ticks but the timing wrapper saw ${ticks}: CoverageControllerNode no longer calls this.tick()`);
  skipped += Math.max(0, Math.round((o.duration - lastStamp) / period));

  const n = Math.min(ticks, loopMs.length);
  o.onTickWindows?.(tickStart.subarray(0, n), loopMs.subarray(0, n), tickAt.subarray(0, n));
  const loop = stats(loopMs.subarray(0, n), tickAt.subarray(0, n));
  const law = stats(lawMs.subarray(0, n), tickAt.subarray(0, n));
  const m = Math.min(simTicks, intakeMs.length);
  const poseIntake = stats(intakeMs.subarray(0, m), intakeAt.subarray(0, m));
  let deadlineMisses = 0;
  let cpuMisses = 0;
  for (let i = 0; i < n; i++) {
    if (!(loopMs[i] > 1000 * period)) continue;
    deadlineMisses++;
    if (cpuMs[i] > 1000 * period) cpuMisses++;
  }
  const slowestBy = (key: Float64Array): SlowTick[] =>
    Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => key[b] - key[a])
      .slice(0, SLOWEST)
      .map((i) => ({ t: tickAt[i], loop: loopMs[i], cpu: cpuMs[i], law: lawMs[i] }));
  const loopSeconds = (loop.mean * n) / 1000;
  const poseIntakeSeconds = (poseIntake.mean * m) / 1000;
  const settled = memory.filter((s) => s.t >= o.warmup);
  const forcedGc = globalThis.gc !== undefined;
  const judged = settled.length >= 3 && settled[settled.length - 1].t - settled[0].t >= MIN_JUDGED_SPAN;
  const g = settled.length >= 3 ? { heapUsed: growth(settled, 'heapUsed'), arrayBuffers: growth(settled, 'arrayBuffers'), rss: growth(settled, 'rss') } : undefined;
  const memoryStable = g && forcedGc && judged ? g.heapUsed.slope < HEAP_GROWTH_LIMIT && g.arrayBuffers.slope < HEAP_GROWTH_LIMIT && !(g.rss.slope - 2 * g.rss.slopeError > RSS_GROWTH_LIMIT) : undefined;
  const { onSample: _, onTickWindows: __, ...options } = o;
  return {
    options,
    ticks,
    expectedTicks,
    skipped,
    deadlineMisses,
    cpuMisses,
    slowest: slowestBy(loopMs),
    slowestCpu: slowestBy(cpuMs),
    periodMs: 1000 * period,
    loop,
    loopCpu: stats(cpuMs.subarray(0, n), tickAt.subarray(0, n)),
    law,
    poseIntake,
    simulatorTicks: simTicks,
    controllerShare: (loopSeconds + poseIntakeSeconds) / o.duration,
    wallSeconds,
    loopSeconds,
    poseIntakeSeconds,
    loadAverage: [loadAtStart, os.loadavg()[0]],
    warnings,
    forcedGc,
    memory,
    growth: g,
    memoryStable,
    lastLive: last?.live ?? 0,
    lastSaturated: last?.saturated ?? 0,
  };
}

/** A garbage-collection pause as a PerformanceObserver 'gc' entry gives it (performance.now time base, ms). */
export interface GcPause {
  readonly startTime: number;
  readonly duration: number;
}

/** The GC pauses of a run, and the part of them that fell inside control ticks. */
export interface GcInTicks {
  readonly pauses: number;
  /** Every pause of the run, ms. */
  readonly totalMs: number;
  /** Pause time inside the ticks' loop time, ms. */
  readonly inTicksMs: number;
  /** Ticks with any pause inside them. */
  readonly ticksWithGc: number;
  /** GC time inside each tick, ms. */
  readonly perTick: TimeStats;
}

/**
 * Which part of each GC pause fell inside each tick window [start, start + ms) (both sorted by time, as a run gives
 * them; pauses may overlap several windows or none).
 */
export function gcInTicks(pauses: readonly GcPause[], start: Float64Array, ms: Float64Array, at: Float64Array): GcInTicks {
  const per = new Float64Array(start.length);
  let total = 0;
  let inTicks = 0;
  let w = 0;
  for (const p of pauses) {
    total += p.duration;
    const a = p.startTime;
    const b = p.startTime + p.duration;
    while (w < start.length && start[w] + ms[w] <= a) w++;
    for (let k = w; k < start.length && start[k] < b; k++) {
      const overlap = Math.min(b, start[k] + ms[k]) - Math.max(a, start[k]);
      if (overlap > 0) {
        per[k] += overlap;
        inTicks += overlap;
      }
    }
  }
  return { pauses: pauses.length, totalMs: total, inTicksMs: inTicks, ticksWithGc: per.reduce((c, x) => c + (x > 0 ? 1 : 0), 0), perTick: stats(per, at) };
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const mb = (x: number): string => `${x.toFixed(1)} MB`;
const slow = (s: SlowTick): string => `${s.loop.toFixed(0)}/${s.cpu.toFixed(0)} ms at ${s.t.toFixed(2)} s`;
const slope = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(3)} MB/min`;

/** The human-readable summary of a run. */
export function formatReport(r: LoadReport, gc?: GcInTicks): string {
  const o = r.options;
  const line = (name: string, s: TimeStats): string =>
    `${name.padEnd(27)} p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} (t = ${s.maxAt.toFixed(2)} s), mean ${ms(s.mean)}`;
  const first = r.memory[0];
  const end = r.memory[r.memory.length - 1];
  const out = [
    `# Load: ${o.robots} ${o.drive} robots, controller ${o.rate} Hz, simulator ${o.simRate} Hz, ${o.duration} simulated s (${o.scenarioPath.split('/').pop()})`,
    `node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${r.loadAverage[0].toFixed(2)} at the start, ${r.loadAverage[1].toFixed(2)} at the end`,
    '',
    `control ticks               ${r.ticks} of ${r.expectedTicks} expected, ${r.skipped} skipped`,
    `deadline misses (> ${r.periodMs.toFixed(0)} ms)    ${r.deadlineMisses} (${r.cpuMisses} of them with more than ${r.periodMs.toFixed(0)} ms of CPU time)`,
    `slowest ticks (loop/CPU)    ${r.slowest.map(slow).join(', ')}`,
    `  by CPU time               ${r.slowestCpu.map(slow).join(', ')}`,
    line('loop time (node tick)', r.loop),
    line('  CPU time of the tick', r.loopCpu),
    line('  law + shaping', r.law),
    line('pose intake (per sim tick)', r.poseIntake),
    ...(gc
      ? [
          `GC pauses                   ${gc.pauses}, ${gc.totalMs.toFixed(0)} ms in all; ${gc.inTicksMs.toFixed(0)} ms inside ${gc.ticksWithGc} of the ${gc.perTick.count} ticks`,
          line('  GC inside a tick', gc.perTick),
        ]
      : []),
    `controller CPU share        ${(100 * r.controllerShare).toFixed(1)}% of one core (loop ${r.loopSeconds.toFixed(1)} s + pose intake ${r.poseIntakeSeconds.toFixed(1)} s per ${o.duration} simulated s)`,
    `wall time                   ${r.wallSeconds.toFixed(1)} s (${(o.duration / r.wallSeconds).toFixed(2)}x real time); ` +
      `simulator and bus ${(r.wallSeconds - r.loopSeconds - r.poseIntakeSeconds).toFixed(1)} s of it (${r.simulatorTicks} ticks)`,
    `swarm at the end            ${r.lastLive} live, ${r.lastSaturated} saturated; ${r.warnings} warnings logged`,
    '',
    `memory${r.forcedGc ? ' (after a forced GC)' : ' (NO forced GC: run node with --expose-gc for a verdict)'}: ` +
      `heapUsed ${mb(first.heapUsed)} -> ${mb(end.heapUsed)}, arrayBuffers ${mb(first.arrayBuffers)} -> ${mb(end.arrayBuffers)}, rss ${mb(first.rss)} -> ${mb(end.rss)}`,
  ];
  if (r.growth) {
    const g = r.growth;
    const fit = (x: Growth): string => `${slope(x.slope)} +- ${x.slopeError.toFixed(3)} (${mb(x.from)} -> ${mb(x.to)}, largest residual ${x.residual.toFixed(2)} MB)`;
    out.push(`slope from t = ${o.warmup} s (${r.memory.filter((s) => s.t >= o.warmup).length} samples, least squares):`);
    out.push(`  heapUsed ${fit(g.heapUsed)}`, `  arrayBuffers ${fit(g.arrayBuffers)}`, `  rss ${fit(g.rss)}`);
  }
  const memory =
    r.memoryStable === undefined
      ? `memory not judged (${r.forcedGc ? `needs ${MIN_JUDGED_SPAN} s of samples after the warm-up` : 'needs --expose-gc'})`
      : r.memoryStable
        ? `memory does not grow (heapUsed and arrayBuffers < ${HEAP_GROWTH_LIMIT} MB/min, rss not above ${RSS_GROWTH_LIMIT} MB/min)`
        : `MEMORY GROWS (limits: heapUsed and arrayBuffers ${HEAP_GROWTH_LIMIT} MB/min, rss ${RSS_GROWTH_LIMIT} MB/min)`;
  const complete = r.ticks === r.expectedTicks && r.skipped === 0;
  const rate = !complete
    ? 'CONTROL STEPS LOST'
    : r.deadlineMisses === 0
      ? `every control step ran, none late (p99 ${((100 * r.loop.p99) / r.periodMs).toFixed(0)}% of the period)`
      : `every control step ran; ${r.deadlineMisses} late (${r.cpuMisses} by their own CPU time)`;
  out.push(`verdict: ${rate}; ${memory}`);
  return out.join('\n');
}

/** The number given for --name (fallback when absent); it must be finite and positive (or zero with `zero`). */
function flag(name: string, value: string | undefined, fallback: number, zero = false): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!(Number.isFinite(x) && (x > 0 || (zero && x === 0)))) throw new Error(`--${name} must be a ${zero ? 'non-negative' : 'positive'} number, got '${value}'`);
  return x;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      robots: { type: 'string' },
      rate: { type: 'string' },
      'sim-rate': { type: 'string' },
      duration: { type: 'string' },
      'sample-every': { type: 'string' },
      warmup: { type: 'string' },
      scenario: { type: 'string' },
      drive: { type: 'string' },
      json: { type: 'string' },
      pretenuring: { type: 'boolean' },
    },
    strict: true,
  });
  // As the standalone command runs (src/standalone/v8-tuning.ts); --pretenuring keeps V8's default, for comparisons.
  if (!values.pretenuring) disablePretenuring();
  const duration = flag('duration', values.duration, 600);
  const drive = values.drive ?? 'holonomic';
  if (drive !== 'holonomic' && drive !== 'diff_drive') throw new Error(`--drive must be holonomic or diff_drive, got '${drive}'`);
  const robots = flag('robots', values.robots, 1000);
  if (!Number.isInteger(robots)) throw new Error(`--robots must be an integer, got '${values.robots}'`);
  // GC pauses: Node makes the entries on the event loop, after the (synchronous) run; their times are the pauses' own.
  const pauses: GcPause[] = [];
  const observer = new PerformanceObserver((list) => void pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  let windows: [Float64Array, Float64Array, Float64Array] | undefined;
  const report = runLoad({
    robots,
    rate: flag('rate', values.rate, 20),
    simRate: flag('sim-rate', values['sim-rate'], 50),
    duration,
    sampleEvery: flag('sample-every', values['sample-every'], Math.min(10, duration / 10)),
    warmup: flag('warmup', values.warmup, Math.min(60, duration / 10), true),
    scenarioPath: values.scenario ?? DEMO_SCENARIO,
    drive,
    onSample: (s, d) => process.stderr.write(`\r  t = ${s.t.toFixed(0)}/${d} s, heapUsed ${mb(s.heapUsed)}, rss ${mb(s.rss)}   `),
    onTickWindows: (start, ms, at) => void (windows = [start.slice(), ms.slice(), at.slice()]),
  });
  process.stderr.write('\n');
  for (let k = 0; k < 3; k++) await new Promise((resolve) => setImmediate(resolve));
  pauses.push(...observer.takeRecords());
  observer.disconnect();
  pauses.sort((a, b) => a.startTime - b.startTime);
  // Forced full GCs of the memory samples run between ticks: they are in the total, never inside a tick.
  const gc = windows ? gcInTicks(pauses, ...windows) : undefined;
  console.log(formatReport(report, gc));
  console.log(`V8 allocation-site pretenuring ${values.pretenuring ? 'on (--pretenuring: V8\'s default)' : 'off, as in the standalone command'}`);
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(report, null, 1) + '\n');
    console.log(`wrote ${values.json}`);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) void main();
