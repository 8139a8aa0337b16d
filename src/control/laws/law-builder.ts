/**
 * Runs target and law builds aside from the control loop: in one worker thread with a time limit and a memory
 * limit (V8 heap), reused from build to build and replaced when a build is cut short. The answer is the target's
 * snapshot with every array the law and the controller need, transferred, so that what is left for the loop's
 * thread (rebuilding the objects around those arrays) is a few milliseconds.
 */
import { Worker } from 'node:worker_threads';
import type { TargetSnapshot } from '../../engine/target/target.js';
import type { LawBuildRequest } from './law-build.js';
import type { BuildMessage, BuildReply } from './law-build-worker.js';

/** Limits of one build. */
export interface BuildLimits {
  /** Seconds from the request to the answer (a cold worker's start-up included). */
  readonly timeLimit: number;
  /** Largest V8 heap of the worker, MB (typed arrays are bounded by the grid-size checks instead). */
  readonly memoryMb: number;
}

/** Default limits: generous for any legitimate target (1.3 s at most, measured), small for the host. */
export const DEFAULT_BUILD_LIMITS: BuildLimits = { timeLimit: 20, memoryMb: 1024 };

/** How a build ended: the target's snapshot, or the reason it was refused (`superseded`: a newer build replaced it). */
export type BuildOutcome =
  | { readonly ok: true; readonly target: TargetSnapshot; readonly seconds: number }
  | { readonly ok: false; readonly reason: string; readonly superseded?: boolean };

interface Pending {
  readonly id: number;
  readonly started: number;
  readonly done: (o: BuildOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/** The worker's entry: the .ts source under tsx (tests, scripts), the built .js otherwise. */
function spawnWorker(limits: BuildLimits): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(4, limits.memoryMb / 8)) };
  // None of the parent's Node options (--input-type, --import, --expose-gc, ...): the worker needs none of them.
  const execArgv: string[] = [];
  if (here.endsWith('.ts')) {
    // A worker does not inherit tsx's loader: register it in the worker, then load the TypeScript entry.
    const entry = new URL('./law-build-worker.ts', here).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, resourceLimits, execArgv });
  }
  return new Worker(new URL('./law-build-worker.js', here), { resourceLimits, execArgv });
}

/**
 * Builds laws in a worker thread, one at a time: a new build cancels the one in flight (its answer would be stale).
 * The worker is kept between builds (unreferenced while idle, so it never keeps the process alive) and is replaced
 * after a build that timed out, ran out of memory or was cancelled.
 */
export class LawBuilder {
  readonly limits: BuildLimits;
  private worker: Worker | undefined;
  private pending: Pending | undefined;
  private nextId = 1;

  constructor(limits: Partial<BuildLimits> = {}) {
    this.limits = { ...DEFAULT_BUILD_LIMITS, ...limits };
    const { timeLimit, memoryMb } = this.limits;
    if (!(timeLimit > 0) || !Number.isFinite(timeLimit)) throw new Error(`build time limit must be a positive number of seconds, got ${timeLimit}`);
    if (!(memoryMb >= 8) || !Number.isFinite(memoryMb)) throw new Error(`build memory limit must be at least 8 MB, got ${memoryMb}`);
  }

  /** True while a build is in flight. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Starts a build; any build in flight is cancelled first. Never rejects. */
  build(request: LawBuildRequest): Promise<BuildOutcome> {
    this.cancel();
    return new Promise((done) => {
      const id = this.nextId++;
      const timer = setTimeout(() => this.fail(id, `took longer than its time limit (${this.limits.timeLimit} s)`), this.limits.timeLimit * 1000);
      this.pending = { id, started: performance.now(), done, timer };
      let worker: Worker;
      try {
        worker = this.ensureWorker();
        worker.ref();
        worker.postMessage({ id, request } satisfies BuildMessage);
      } catch (e) {
        this.fail(id, `could not start: ${(e as Error).message}`);
      }
    });
  }

  /** Cancels the build in flight (its promise resolves as superseded) and discards its worker. */
  cancel(): void {
    const p = this.pending;
    if (!p) return;
    this.settle(p.id, { ok: false, reason: 'superseded by a newer change', superseded: true });
    this.discard();
  }

  /** Cancels any build and stops the worker. */
  close(): void {
    this.cancel();
    this.discard();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker(this.limits);
    w.on('message', (m: BuildReply | { ready: true }) => {
      if (!('id' in m)) return;
      this.settle(m.id, m.ok ? { ok: true, target: m.target, seconds: 0 } : { ok: false, reason: m.reason });
    });
    w.on('error', (e: Error & { code?: string }) => {
      if (this.worker !== w) return;
      const reason = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (limit ${this.limits.memoryMb} MB of heap)` : `failed: ${e.message}`;
      this.worker = undefined;
      if (this.pending) this.settle(this.pending.id, { ok: false, reason });
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      if (this.pending) this.settle(this.pending.id, { ok: false, reason: 'stopped: its worker exited' });
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private fail(id: number, reason: string): void {
    if (this.pending?.id !== id) return;
    this.settle(id, { ok: false, reason });
    this.discard(); // a worker stuck in a build is of no further use
  }

  private settle(id: number, outcome: BuildOutcome): void {
    const p = this.pending;
    if (!p || p.id !== id) return;
    clearTimeout(p.timer);
    this.pending = undefined;
    this.worker?.unref();
    p.done(outcome.ok ? { ...outcome, seconds: (performance.now() - p.started) / 1000 } : outcome);
  }

  private discard(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
  }
}
