/**
 * The shards benchmark's isolated mode (`npm run bench:shards -- --isolated`): the swarm runs as usual, every instance
 * in one process, recorded (record.ts); then each instance is replayed alone in a child process of its own, one after
 * the other (replay.ts), where a tick pays only for that instance's own heap. Its commands must come out bit for bit
 * as recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SCENARIO } from '../load.bench.js';
import { WARMUP_TICKS, runShards, type Exchange, type ShardRow } from '../shards.bench.js';
import { SwarmRecorder } from './record.js';
import { replayIsolated, v8Flags, type ReplayResult } from './replay.js';

/** A configuration's recorded run (every instance in one process) and its instances replayed alone. */
export interface IsolatedPair {
  readonly inProcess: ShardRow;
  readonly isolated: IsolatedRow;
}

/**
 * One configuration's measures, each instance replayed in its own process: as ShardRow's (tick CPU p50 / p99 / max
 * after the warm-up, ticks whose CPU time exceeded the period), plus
 */
export interface IsolatedRow extends Pick<ShardRow, 'robots' | 'shards' | 'ticks' | 'p50' | 'p99' | 'max' | 'misses'> {
  /** Of those, the ticks after the first simulated second (a child process starts with no compiled code). */
  readonly missesLater: number;
  /** Message callbacks' CPU per period, ms (mean over instances). */
  readonly intake: number;
  /** Instances whose every command equals the recorded one, bit for bit; commands compared in all. */
  readonly identical: number;
  readonly commands: number;
  /** The first instance's difference, if any. */
  readonly mismatch?: string;
  /** Size of the recording (every message stored once), bytes. */
  readonly recorded: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN;
}

/** The statistics of the replays of one configuration's instances. */
export function isolatedRow(robots: number, results: readonly ReplayResult[], recorded: number, rate = 20): IsolatedRow {
  const per = results.map((r) => r.tickCpu.slice(WARMUP_TICKS).sort((a, b) => a - b));
  const p50s = per.map((s) => percentile(s, 0.5)).sort((a, b) => a - b);
  const bad = results.find((r) => r.mismatch);
  return {
    robots,
    shards: results.length,
    ticks: results[0]?.tickCpu.length ?? 0,
    p50: percentile(p50s, 0.5),
    p99: Math.max(...per.map((s) => percentile(s, 0.99))),
    max: Math.max(...per.map((s) => s[s.length - 1])),
    misses: per.reduce((n, s) => n + s.filter((x) => x > 1000 / rate).length, 0),
    missesLater: results.reduce((n, r) => n + r.tickCpu.filter((x, k) => k >= Math.max(WARMUP_TICKS, rate) && x > 1000 / rate).length, 0),
    intake: results.reduce((a, r) => a + r.intakeCpu.reduce((x, y) => x + y, 0) / Math.max(1, r.tickCpu.length), 0) / results.length,
    identical: results.filter((r) => !r.mismatch).length,
    commands: results.reduce((a, r) => a + r.commands, 0),
    ...(bad ? { mismatch: `${bad.name}: ${bad.mismatch}` } : {}),
    recorded,
  };
}

/**
 * Runs `robots` robots over `shards` instances in one process (runShards, recorded), then replays each instance alone
 * in a child process (V8 `flags`: by default this process's), one at a time; the recording lives in a temporary
 * directory, one instance's file at a time, removed after.
 */
export async function runIsolated(robots: number, shards: number, duration: number, exchange: Exchange = 'auto', flags: readonly string[] = v8Flags()): Promise<IsolatedPair> {
  let recorder: SwarmRecorder | undefined;
  const inProcess = runShards(robots, shards, duration, exchange, 20, 50, (session) => {
    const r = new SwarmRecorder(session.bus, session.clock, session.controllers, DEMO_SCENARIO);
    recorder = r;
    return () => r.finish();
  });
  const rec = recorder!;
  const dir = mkdtempSync(join(tmpdir(), 'blob-shards-replay-'));
  const results: ReplayResult[] = [];
  try {
    for (let k = 0; k < rec.instances; k++) {
      const path = join(dir, `instance-${k}.bin`);
      rec.write(k, path);
      results.push(await replayIsolated(path, flags));
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { inProcess, isolated: isolatedRow(robots, results, rec.size.bytes) };
}

/** Isolated and in-process measures side by side, as a markdown table. */
export function formatIsolated(rows: readonly IsolatedPair[], rate = 20): string {
  const ms = (x: number): string => x.toFixed(x < 10 ? 2 : 1);
  const lines = [
    `| robots | instances | robots each | own process: tick CPU p50 / p99 / max (ms) | ticks over ${1000 / rate} ms | one process: p50 / p99 / max (ms) | ticks over ${1000 / rate} ms | own process: pose intake (ms/period) | commands as recorded |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { inProcess: a, isolated: b } of rows) {
    const of = (b.ticks - WARMUP_TICKS) * b.shards;
    lines.push(
      `| ${b.robots.toLocaleString('en')} | ${b.shards} | ${Math.round(b.robots / b.shards).toLocaleString('en')} | ${ms(b.p50)} / ${ms(b.p99)} / ${ms(b.max)} | ${b.misses} of ${of.toLocaleString('en')} (${b.missesLater} after 1 s) | ` +
        `${ms(a.p50)} / ${ms(a.p99)} / ${ms(a.max)} | ${a.misses} of ${((a.ticks - WARMUP_TICKS) * a.shards).toLocaleString('en')} | ${ms(b.intake)} | ` +
        `${b.identical === b.shards ? `all ${b.commands.toLocaleString('en')}` : `NO: ${b.shards - b.identical} of ${b.shards} instances differ`} |`,
    );
  }
  return lines.join('\n');
}
