/**
 * The controller split over K instances (owned_robots), in the standalone mode: K controller nodes and the swarm
 * simulator on one in-process bus and a virtual clock, robots split by region of the grid start (regionSplit), the
 * target of scenarios/demo.yaml, 5 mm robots with 5 mm clearance, the default multiscale law with the safety filter
 * on, controller at 20 Hz, simulator (odometry) at 50 Hz, the instances exchanging their robots' poses
 * (pose_exchange auto; --exchange off: every instance subscribes to every robot's odometry).
 *
 * Run under `node --single-threaded` (npm run bench:shards does): V8 then compiles and collects on the main thread
 * only, so process.cpuUsage around a tick is that tick's own CPU time (background compilers and GC helpers, which
 * serve every instance of the process, would otherwise be counted in whichever tick they overlap).
 *
 * Per instance, measured in one run (the instances share one thread here, so each tick is timed on its own):
 * - tick CPU: process.cpuUsage around each instance's timer callback (law, shaping, safety filter, publishing);
 *   p50 and p99 over the ticks after the first WARMUP_TICKS (field building and compilation), and deadline misses:
 *   ticks whose own CPU time exceeds the period (a real instance on its own core would be late);
 * - pose intake: CPU (performance.now) of the instance's pose callbacks per control period, which a ROS executor
 *   runs between ticks;
 * - messages and bytes per robot per tick: poses received (its own robots' odometry, and one TFMessage from each
 *   other instance; without the exchange every robot's odometry) and commands and exchanged poses sent, divided by
 *   the robots the instance commands; bytes are the CDR payload sizes of nav_msgs/Odometry, tf2_msgs/TFMessage and
 *   geometry_msgs/Twist with these robots' frame names (RTPS headers not counted).
 *
 * With --isolated, each configuration's run is recorded and each instance then replayed alone in a process of its own
 * (shards/isolated.ts): its tick CPU without the other instances' and the simulator's heap, next to this run's.
 *
 * Run: npm run bench:shards [-- --robots 5000,10000 --shards 1,2,4,8,16,32 --duration 3 --per-robot 100 --exchange auto --isolated --json out.json]
 */
import { realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Logger } from '../src/node/interface.js';
import { loadScenario } from '../src/scenario/load.js';
import { createStandalone, runStandalone, type StandaloneSession } from '../src/standalone/run.js';
import { nearestNeighbourStats } from '../src/engine/metrics/metrics.js';
import { DEMO_SCENARIO } from './load.bench.js';
import { disablePretenuring } from '../src/standalone/v8-tuning.js';
// (A cycle: isolated.ts runs runShards. Static, so that it is linked before this module's top-level await.)
import { formatIsolated, runIsolated, type IsolatedPair } from './shards/isolated.js';

/** Ticks left out of the statistics at the start (the first builds the fields, the next ones compile). */
export const WARMUP_TICKS = 3;

/** CDR payload of a nav_msgs/Odometry: the 4-byte encapsulation header, then fields aligned from the payload's start. */
export function odometryBytes(frame: string, child: string): number {
  let at = 8; // stamp
  at += 4 + frame.length + 1; // frame_id: length, characters, terminating zero
  at = Math.ceil(at / 4) * 4;
  at += 4 + child.length + 1; // child_frame_id
  at = Math.ceil(at / 8) * 8;
  return 4 + at + 8 * (7 + 36) + 8 * (6 + 36); // pose + covariance, twist + covariance
}

/** CDR payload of a tf2_msgs/TFMessage holding these transforms (frame ids as given). */
export function tfMessageBytes(transforms: readonly { header: { frame_id: string }; child_frame_id: string }[]): number {
  let at = 4; // sequence length
  for (const t of transforms) {
    at = Math.ceil(at / 4) * 4 + 8; // stamp
    at += 4 + t.header.frame_id.length + 1;
    at = Math.ceil(at / 4) * 4;
    at += 4 + t.child_frame_id.length + 1;
    at = Math.ceil(at / 8) * 8 + 8 * 7; // translation, rotation
  }
  return 4 + at;
}

/** CDR payload of a std_msgs/Float32MultiArray (or Float64MultiArray: `width` 8), layout labels as given, `values` numbers. */
export function multiArrayBytes(labels: readonly string[], values: number, width: 4 | 8 = 4): number {
  let at = 4; // dim sequence length
  for (const l of labels) at = Math.ceil(at / 4) * 4 + 4 + l.length + 1 + 8; // label, size, stride
  at = Math.ceil(at / 4) * 4 + 4 + 4; // data_offset, data length
  if (values > 0) at = Math.ceil(at / width) * width + width * values;
  return 4 + at;
}

/** CDR payload of a geometry_msgs/Twist. */
export const TWIST_BYTES = 4 + 6 * 8;

/** The pose_exchange values the bench runs. */
export type Exchange = 'auto' | 'on' | 'off' | 'regional';

/** One configuration's measures, per instance. */
export interface ShardRow {
  readonly robots: number;
  readonly shards: number;
  readonly ticks: number;
  /** Tick CPU, ms: median over instances of each instance's p50, and the worst instance's p99 and max. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Ticks (all instances, after the warm-up) whose own CPU time exceeded the period. */
  readonly misses: number;
  /**
   * Per instance, after the warm-up: each tick's CPU and wall-clock window (performance.now), for `lateWithoutGc`.
   */
  readonly windows: readonly { readonly cpu: number; readonly from: number; readonly to: number }[];
  /** Pose intake CPU per control period, ms (mean over instances). */
  readonly intake: number;
  /** Per robot commanded, per control tick: messages in and out, bytes in and out. */
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Where the other instances' poses came from (pose_exchange). */
  readonly exchange: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Closest pair of robots over the run, m, and the separation kept (2 radius + clearance). */
  readonly closest: number;
  readonly separation: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN;
}

/**
 * Runs `robots` robots over `shards` instances for `duration` simulated seconds and measures every instance.
 * `observe` sees the session once every instance is timed, before it runs; what it returns is called before the
 * instances stop (the isolated mode records the run there: shards/isolated.ts).
 */
export function runShards(robots: number, shards: number, duration: number, exchange: Exchange = 'auto', rate = 20, simRate = 50, observe?: (session: StandaloneSession) => () => void): ShardRow {
  const base = loadScenario(DEMO_SCENARIO);
  const radius = 0.005;
  const clearance = 0.005;
  const scenario = { ...base, robots: { count: robots, radius, clearance, initial: { type: 'grid' as const, box: base.domain } } };
  const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });
  const session = createStandalone({ scenario, scenarioPath: DEMO_SCENARIO, drive: 'holonomic', controller: { rate, publish_markers: false, pose_exchange: exchange }, simulator: { rate: simRate }, logger: quiet, shards });
  const cpu: number[][] = session.controllers.map(() => []);
  const windows: { cpu: number; from: number; to: number }[] = [];
  const intake = new Float64Array(shards);
  const received = new Float64Array(shards);
  const bytes = new Float64Array(shards);
  const sent = new Float64Array(shards);
  const odometry = odometryBytes('map', `robot_${robots - 1}/base_link`);
  session.controllers.forEach((node, k) => {
    const tick = node.tick.bind(node);
    node.tick = () => {
      const c0 = process.cpuUsage();
      const from = performance.now();
      const r = tick();
      const c = process.cpuUsage(c0);
      cpu[k].push((c.user + c.system) / 1000);
      if (cpu[k].length > WARMUP_TICKS) windows.push({ cpu: (c.user + c.system) / 1000, from, to: performance.now() });
      return r;
    };
    // The pose callback (private): timed and counted by wrapping it on the instance.
    const host = node as unknown as { onPose: (...a: unknown[]) => void; onTransforms: (m: unknown, ...rest: unknown[]) => unknown; onDeposits: (m: unknown, topic: string) => void };
    const onPose = host.onPose.bind(node);
    host.onPose = (...a: unknown[]) => {
      const t0 = performance.now();
      onPose(...a);
      intake[k] += performance.now() - t0;
      received[k]++;
      bytes[k] += odometry;
    };
    // The other instances' poses (pose_exchange): one TFMessage each per period.
    const onSwarm = host.onTransforms.bind(node);
    host.onTransforms = (m: unknown, ...rest: unknown[]) => {
      const t0 = performance.now();
      const r = onSwarm(m, ...rest);
      intake[k] += performance.now() - t0;
      received[k]++;
      bytes[k] += tfMessageBytes((m as { transforms: { header: { frame_id: string }; child_frame_id: string }[] }).transforms);
      return r;
    };
    // The other instances' coarse deposits (pose_exchange regional): one Float32MultiArray each per period.
    const onDeposits = host.onDeposits.bind(node);
    host.onDeposits = (m: unknown, topic: string) => {
      const t0 = performance.now();
      onDeposits(m, topic);
      intake[k] += performance.now() - t0;
      const msg = m as { layout: { dim: { label: string }[] }; data: ArrayLike<number> };
      const size = multiArrayBytes(msg.layout.dim.map((d) => d.label), msg.data.length);
      received[k]++;
      bytes[k] += size;
      if (msg.layout.dim[0].label.includes(`from=${(node as unknown as { board: { name: string } }).board.name} `)) sent[k] += size; // its own, back: counted once as sent
    };
  });
  const observed = observe?.(session);
  let closest = Infinity;
  const positions = (): Float64Array => session.sim.positions();
  const steps = Math.round(duration * 10);
  for (let s = 1; s <= steps; s++) {
    session.clock.advanceTo((s * duration) / steps);
    const p = positions();
    closest = Math.min(closest, nearestNeighbourStats(p).min);
  }
  observed?.();
  for (const c of session.controllers) c.stop();
  session.bus.flush();
  session.sim.destroy();
  const period = 1000 / rate;
  const per = cpu.map((ticks) => ticks.slice(WARMUP_TICKS).sort((a, b) => a - b));
  const p50s = per.map((s) => percentile(s, 0.5)).sort((a, b) => a - b);
  const ticks = cpu[0].length;
  let inPerRobot = 0;
  let bytesPerRobot = 0;
  for (let k = 0; k < shards; k++) {
    inPerRobot += received[k] / ticks / session.owned[k].length;
    bytesPerRobot += bytes[k] / ticks / session.owned[k].length;
  }
  inPerRobot /= shards;
  bytesPerRobot /= shards;
  return {
    robots,
    shards,
    exchange,
    ticks,
    p50: percentile(p50s, 0.5),
    p99: Math.max(...per.map((s) => percentile(s, 0.99))),
    max: Math.max(...per.map((s) => s[s.length - 1])),
    misses: per.reduce((n, s) => n + s.filter((x) => x > period).length, 0),
    windows,
    intake: intake.reduce((a, b) => a + b, 0) / shards / ticks,
    messagesIn: inPerRobot,
    messagesOut: 1 + (shards > 1 ? session.owned.reduce((a, o) => a + 1 / o.length, 0) / shards : 0),
    bytesIn: bytesPerRobot,
    bytesOut: Math.round(TWIST_BYTES + (shards > 1 ? tfMessageBytes([{ header: { frame_id: 'map' }, child_frame_id: `robot_${robots - 1}/base_link` }]) - 8 : 0) + sent.reduce((a, b, k) => a + b / ticks / session.owned[k].length, 0) / shards),
    closest,
    separation: 2 * radius + clearance,
  };
}

/**
 * Ticks over the period once the garbage-collection pauses inside each are taken out (`gc`: the pauses' windows,
 * from a PerformanceObserver of 'gc' entries). Run under `node --single-threaded` so that all GC work is such a
 * pause on the main thread (otherwise helper threads' marking counts in process.cpuUsage and is not seen here). With
 * every instance in one process, a tick pays for the whole process's heap (every instance's and the simulator's);
 * one instance per process would collect only its own.
 */
export function lateWithoutGc(row: ShardRow, gc: readonly { readonly from: number; readonly to: number }[], rate = 20): number {
  let late = 0;
  for (const w of row.windows) {
    let inside = 0;
    for (const g of gc) inside += Math.max(0, Math.min(g.to, w.to) - Math.max(g.from, w.from));
    if (w.cpu - inside > 1000 / rate) late++;
  }
  return late;
}

/** How far K instances end from one, same run otherwise (safety on: the only part that differs). */
export interface Drift {
  readonly robots: number;
  readonly shards: number;
  readonly duration: number;
  /** Final squared MMD to the target: one instance, K instances. */
  readonly mmdOne: number;
  readonly mmdShards: number;
  /** Mean and largest distance between a robot's final positions in the two runs, m; the mean spacing, m. */
  readonly meanMove: number;
  readonly maxMove: number;
  readonly spacing: number;
}

/** Runs the same swarm with one and with `shards` instances (safety on) and compares where the robots end. */
export function driftFromOne(robots: number, shards: number, duration: number, exchange: Exchange = 'auto'): Drift {
  const base = loadScenario(DEMO_SCENARIO);
  const scenario = { ...base, robots: { count: robots, radius: 0.005, clearance: 0.005, initial: { type: 'grid' as const, box: base.domain } } };
  const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });
  const run = (k: number) => runStandalone({ scenario, scenarioPath: DEMO_SCENARIO, drive: 'holonomic', duration, controller: { rate: 20, publish_markers: false, pose_exchange: exchange }, logger: quiet, shards: k });
  const one = run(1);
  const many = run(shards);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < robots; i++) {
    const d = Math.hypot(one.final[2 * i] - many.final[2 * i], one.final[2 * i + 1] - many.final[2 * i + 1]);
    sum += d;
    max = Math.max(max, d);
  }
  const area = (base.domain.xmax - base.domain.xmin) * (base.domain.ymax - base.domain.ymin);
  return { robots, shards, duration, mmdOne: one.history[one.history.length - 1].mmd2, mmdShards: many.history[many.history.length - 1].mmd2, meanMove: sum / robots, maxMove: max, spacing: Math.sqrt(area / robots) };
}

/** The rows as a markdown table. */
export function formatShards(rows: readonly ShardRow[], rate = 20): string {
  const ms = (x: number): string => x.toFixed(x < 10 ? 2 : 1);
  const lines = [
    `| robots | instances | robots each | tick CPU p50 (ms) | p99 (ms) | max (ms) | ticks over ${1000 / rate} ms CPU | pose intake (ms/period) | messages in / out per robot per tick | bytes in / out per robot per tick | closest pair (m) |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.robots.toLocaleString('en')} | ${r.shards} | ${Math.round(r.robots / r.shards).toLocaleString('en')} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.misses} of ${(r.ticks - WARMUP_TICKS) * r.shards} | ${ms(r.intake)} | ${r.messagesIn.toFixed(r.messagesIn < 10 ? 2 : 0)} / ${r.messagesOut.toFixed(r.messagesOut < 10 ? 2 : 0)} | ${Math.round(r.bytesIn).toLocaleString('en')} / ${r.bytesOut} | ${r.closest.toFixed(4)} (>= ${r.separation}) |`,
    );
  }
  return lines.join('\n');
}

function list(value: string | undefined, fallback: number[], name: string): number[] {
  if (value === undefined) return fallback;
  const xs = value.split(',').map(Number);
  if (xs.some((x) => !(Number.isInteger(x) && x >= 1))) throw new Error(`--${name} must be a comma-separated list of positive integers, got '${value}'`);
  return xs;
}

async function main(): Promise<void> {
  // As the standalone command runs (src/standalone/v8-tuning.ts): messages wait on the in-process bus until its flush.
  disablePretenuring();
  const { values } = parseArgs({ options: { robots: { type: 'string' }, shards: { type: 'string' }, duration: { type: 'string' }, 'per-robot': { type: 'string' }, exchange: { type: 'string' }, json: { type: 'string' }, isolated: { type: 'boolean' } }, strict: true });
  const isolated: IsolatedPair[] = [];
  const robots = list(values.robots, [5000, 10000], 'robots');
  const shards = list(values.shards, [1, 2, 4, 8, 16, 32], 'shards');
  const exchange = values.exchange ?? 'auto';
  if (exchange !== 'auto' && exchange !== 'on' && exchange !== 'off' && exchange !== 'regional') throw new Error(`--exchange must be auto, on, off or regional (pose_exchange), got '${exchange}'`);
  const duration = values.duration === undefined ? 3 : Number(values.duration);
  if (!(duration > 0)) throw new Error(`--duration must be a positive number of seconds, got '${values.duration}'`);
  const perRobot = list(values['per-robot'], [100], 'per-robot')[0];
  const load = os.loadavg()[0];
  const rows: ShardRow[] = [];
  const gc: { from: number; to: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push({ from: e.startTime, to: e.startTime + e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const withoutGc: string[] = [];
  for (const n of robots) {
    for (const k of shards) {
      process.stderr.write(`  ${n} robots over ${k} instances...\n`);
      const pair = values.isolated ? await runIsolated(n, k, duration, exchange) : undefined;
      if (pair) isolated.push(pair);
      const row = pair?.inProcess ?? runShards(n, k, duration, exchange);
      rows.push(row);
      await new Promise((done) => setTimeout(done, 50)); // the GC entries of the run arrive
      withoutGc.push(`${n.toLocaleString('en')} robots over ${k}: ${lateWithoutGc(row, gc)} of ${row.windows.length}`);
    }
  }
  observer.disconnect();
  const singleThreadedGc = process.execArgv.includes('--single-threaded-gc') || process.execArgv.includes('--single-threaded');
  process.stderr.write(`  ${perRobot} robots, one instance each...\n`);
  rows.push(runShards(perRobot, perRobot, duration, exchange));
  process.stderr.write(`  1,000 robots for 20 s: one instance, then 4...\n`);
  const drift = driftFromOne(1000, 4, 20, exchange);
  console.log(`# Shards: ${duration} simulated s each, controller 20 Hz, simulator 50 Hz (demo target, grid start, safety on, split by region, pose_exchange ${exchange})`);
  console.log(`node ${process.version} ${process.execArgv.filter((a) => a.startsWith('--single')).join(' ')} (allocation-site pretenuring off, as in the standalone mode), ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${load.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`);
  console.log('');
  console.log(formatShards(rows));
  console.log('');
  if (values.isolated) console.log(`Each instance replayed alone in a process of its own (its recorded inputs; the table above is the recorded run):\n\n${formatIsolated(isolated)}\n`);
  console.log(`Ticks over ${1000 / 20} ms of CPU once the GC pauses inside them are taken out${singleThreadedGc ? '' : ' (run without --single-threaded: GC helper threads are not taken out)'}: ${withoutGc.join('; ')}.`);
  console.log('');
  console.log(
    `${drift.robots} robots, ${drift.duration} s, safety on: one instance ends at squared MMD ${drift.mmdOne.toExponential(3)}, ${drift.shards} instances at ${drift.mmdShards.toExponential(3)}; ` +
      `final positions ${drift.meanMove.toFixed(4)} m apart on average, ${drift.maxMove.toFixed(4)} m at most (mean spacing ${drift.spacing.toFixed(4)} m)`,
  );
  if (values.json) writeFileSync(values.json, JSON.stringify({ rows: rows.map(({ windows: _, ...r }) => r), isolated: isolated.map((p) => p.isolated), withoutGc, singleThreadedGc, drift }, null, 1) + '\n');
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
