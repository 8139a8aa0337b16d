import type { StepResult } from '../../engine/flow/integrator.js';
import type { HistorySample } from '../../engine/flow/simulation.js';
import { ProgressBar } from './output.js';

/** Wall seconds after which `run` states its cost estimate (enough steps to have measured an evaluation). */
const ESTIMATE_AFTER = 3;
/** An estimate above this many seconds is printed as a warning with what to change. */
const LONG_RUN = 3600;

/** A step result with the stabilized integrator's figures, when the stepper reports them. */
type Figures = StepResult & { readonly evaluations?: number; readonly stiffness?: number };

/** Seconds as "42 s", "7.5 min", "3.2 h". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Progress of `blob-coverage run` on a terminal: simulated time, the rate (simulated seconds per wall second over the
 * recent past) and the time left at that rate. A few seconds in, the run also states its cost at the cost per field
 * evaluation measured so far: a lower bound (3 evaluations per remaining max-length step) and the cost if the
 * stiffness the integrator measured stays (stages(lambda x max step) + 2 per step). A run whose lower bound is over an
 * hour says so (on any stream, TTY or not), with what to change.
 */
export class RunProgress {
  private readonly bar: ProgressBar;
  private readonly warn: (line: string) => void;
  private readonly started = performance.now();
  private readonly window: { wall: number; t: number }[] = [];
  private evaluations = 0;
  private estimated = false;

  /** `stagesAt(lambda, dt)`: the stages the integrator needs for a step dt at stiffness lambda (absent: not stabilized). */
  constructor(
    stream: NodeJS.WriteStream,
    label: string,
    private readonly robots: number,
    private readonly maxStep: number,
    private readonly stagesAt?: (lambda: number, dt: number) => number,
  ) {
    this.bar = new ProgressBar(stream, label);
    this.warn = (line) => stream.write(`${this.bar.active ? '\r\x1b[K' : ''}${line}\n`);
  }

  /** Called after every step. */
  update(t: number, total: number, sample: HistorySample | undefined, step?: Figures): void {
    const wall = (performance.now() - this.started) / 1000;
    this.evaluations += step?.evaluations ?? 1;
    this.window.push({ wall, t });
    while (this.window.length > 2 && wall - this.window[0].wall > 10) this.window.shift();
    const first = this.window[0];
    const rate = wall > first.wall ? (t - first.t) / (wall - first.wall) : 0;
    const eta = rate > 0 ? (total - t) / rate : Infinity;
    if (!this.estimated && wall > ESTIMATE_AFTER && step?.stiffness && this.stagesAt) {
      this.estimated = true;
      const perEvaluation = wall / this.evaluations;
      const steps = (total - t) / this.maxStep;
      // A true lower bound: every remaining max-length step takes at least 3 evaluations. The stiffness-based figure
      // is what the rest costs if the fastest mode keeps its current rate (it falls as a clustered start spreads).
      const floor = steps * 3 * perEvaluation;
      const stages = this.stagesAt(step.stiffness, this.maxStep);
      const now = steps * (stages + 2) * perEvaluation;
      const line =
        `estimate: at least ${duration(floor)} more, ${duration(now)} at the current stiffness (${this.robots} robots: fastest mode ` +
        `${step.stiffness.toExponential(1)} 1/s, ${stages} stages per ${this.maxStep} s step, ${(1000 * perEvaluation).toFixed(1)} ms per field evaluation)`;
      if (floor > LONG_RUN) this.warn(`blob-coverage: warning: this run will take hours; ${line}. Fewer robots, a shorter sim.duration or a larger blob.epsilon make it cheaper.`);
      else if (this.bar.active && now > 60) this.warn(line);
    }
    if (this.bar.active) {
      const rateText = rate >= 0.1 ? `${rate.toFixed(2)} sim s/s` : `${(rate * 1000).toFixed(2)} sim ms/s`;
      this.bar.update(t / total, `t=${t.toFixed(2)}/${total} s, ${rateText}, ETA ${duration(eta)}${sample ? `, MMD^2=${sample.mmd2.toExponential(2)}` : ''}`);
    }
  }

  done(): void {
    this.bar.done();
  }
}
