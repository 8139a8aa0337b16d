/**
 * The multiscale flow's integrators compared (npm run study:integrator): the stabilized Runge-Kutta-Chebyshev step
 * against the explicit Euler reference (eps/10 steps, energy-backtracked), in CPU time and in what the run ends on;
 * "plain" is the flow as it is, "run" the flow `blob-coverage run` integrates (speed-bounding mobility and fine-scale
 * preconditioner, src/engine/flow/run-flow.ts: the same energy and stationary points in another metric).
 *
 *   npm run study:integrator                      accuracy (N = 250, 1000; 5 s) and cost (N = 1,000 .. 10,000; 20 s)
 *   npm run study:integrator -- --scaling 2000 --variants plain,run --no-accuracy     before/after in one session
 *
 * CPU time (process.cpuUsage), not wall time: the machine is shared.
 */
import { parseArgs } from 'node:util';
import { MultiScaleStepper, multiScaleEpsilon } from '../src/engine/field/bandwidth.js';
import { meanSpacing } from '../src/engine/flow/epsilon.js';
import { MmdMetric, nearestNeighbourStats } from '../src/engine/metrics/metrics.js';
import { createRng } from '../src/engine/random.js';
import { runFlowOptions } from '../src/engine/flow/run-flow.js';
import { targetSampler, uniformInBox } from '../src/engine/target/sampling.js';
import { Target } from '../src/engine/target/target.js';
import type { DensitySpec } from '../src/engine/target/density.js';
import { PUBLIC_S1 } from '../src/engine/target/presets.js';

const domain = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const TWO_GAUSSIANS: DensitySpec = {
  type: 'mixture',
  components: [
    { type: 'gaussian', weight: 0.5, mean: [0.4, 0.3], sigma: 0.25 },
    { type: 'gaussian', weight: 0.5, mean: [-0.4, -0.4], sigma: 0.2 },
  ],
};

function cpu(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

interface Outcome {
  readonly positions: Float64Array;
  readonly cpu: number;
  readonly steps: number;
  readonly evaluations: number;
  readonly energy: number;
  readonly rose: number;
}

type Variant = 'plain' | 'run';

function integrate(target: Target, start: Float64Array, scheme: 'euler' | 'chebyshev', duration: number, maxStep?: number, variant: Variant = 'plain'): Outcome {
  const n = start.length / 2;
  const epsilon = multiScaleEpsilon(domain, n);
  const extra = variant === 'run' ? runFlowOptions(domain, epsilon, 1, maxStep) : {};
  const stepper = new MultiScaleStepper(target, { epsilon, diffusivity: 1 }, { domain, scheme, maxStep, ...extra });
  const p = Float64Array.from(start);
  const c0 = cpu();
  let t = 0;
  let steps = 0;
  let evaluations = 0;
  let energy = Infinity;
  let rose = 0;
  while (t < duration - 1e-12) {
    const r = stepper.step(p, duration - t);
    t += r.dt;
    steps++;
    evaluations += 'evaluations' in r ? (r.evaluations as number) : 1.5;
    if (r.energy > energy * (1 + 1e-12)) rose++;
    energy = r.energy;
  }
  return { positions: p, cpu: cpu() - c0, steps, evaluations, energy, rose };
}

function rms(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / (a.length / 2));
}

const fmt = (x: number, d = 3) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(d - 1) : Number(x.toPrecision(d)).toString());

function accuracy(counts: number[], duration: number): void {
  const target = new Target(PUBLIC_S1, domain);
  const mmd = new MmdMetric(target, 0.1);
  console.log(`\nAccuracy: public-s1 target, robots from a corner box [-1,-0.6]^2, ${duration} s, D = 1; the Euler run is the reference.`);
  console.log('| N | integrator | max step (s) | CPU (s) | steps | field evaluations | final E | MMD^2 (bw 0.1) | RMS distance to the reference / spacing | energy rises |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const n of counts) {
    const start = uniformInBox(n, { xmin: -1, xmax: -0.6, ymin: -1, ymax: -0.6 }, createRng(5));
    const ref = integrate(target, start, 'euler', duration);
    const h = meanSpacing(domain, n);
    const row = (name: string, step: string, o: Outcome) =>
      console.log(`| ${n} | ${name} | ${step} | ${fmt(o.cpu)} | ${o.steps} | ${Math.round(o.evaluations)} | ${fmt(o.energy, 5)} | ${fmt(mmd.evaluate(o.positions))} | ${fmt(rms(o.positions, ref.positions) / h)} | ${o.rose} |`);
    row('Euler (reference)', '0.05', ref);
    for (const step of [0.05, 0.1, 0.2]) row('Chebyshev, plain', String(step), integrate(target, start, 'chebyshev', duration, step));
    for (const step of [0.1, 0.2]) row("Chebyshev, run's metric", String(step), integrate(target, start, 'chebyshev', duration, step, 'run'));
  }
}

function iidMedian(target: Target, mmd: MmdMetric, n: number): number {
  const sample = targetSampler(target);
  const rng = createRng(7);
  const v = Array.from({ length: 21 }, () => mmd.evaluate(sample(n, rng))).sort((a, b) => a - b);
  return v[10];
}

function scaling(counts: number[], duration: number, variants: Variant[]): void {
  const target = new Target(TWO_GAUSSIANS, domain);
  const mmd = new MmdMetric(target, 0.1);
  console.log(`\nCost: two Gaussians (no floor), robots uniform over the domain (seed 3), ${duration} s, D = 1, Chebyshev steps (max 0.1 s); plain: the flow as it is, run: with run's mobility and preconditioner.`);
  console.log('| N | variant | CPU (s) | per simulated s per robot (ms) | steps | field evaluations | MMD^2 (bw 0.1) | MMD^2 / i.i.d. median | closest pair / spacing | energy rises |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const n of counts) {
    const start = uniformInBox(n, domain, createRng(3));
    const iid = iidMedian(target, mmd, n);
    for (const variant of variants) {
      const o = integrate(target, start, 'chebyshev', duration, undefined, variant);
      const nn = nearestNeighbourStats(o.positions);
      const m = mmd.evaluate(o.positions);
      console.log(`| ${n} | ${variant} | ${fmt(o.cpu)} | ${fmt((1000 * o.cpu) / duration / n)} | ${o.steps} | ${Math.round(o.evaluations)} | ${fmt(m)} | ${fmt(m / iid)} | ${fmt(nn.min / meanSpacing(domain, n))} | ${o.rose} |`);
    }
  }
}

const { values } = parseArgs({
  options: {
    scaling: { type: 'string', default: '1000,2000,5000,10000' },
    variants: { type: 'string', default: 'run' },
    accuracy: { type: 'string', default: '250,1000' },
    duration: { type: 'string', default: '20' },
    'accuracy-duration': { type: 'string', default: '5' },
    'no-accuracy': { type: 'boolean', default: false },
    'no-scaling': { type: 'boolean', default: false },
  },
});
const list = (s: string) => s.split(',').map(Number);
if (!values['no-accuracy']) accuracy(list(values.accuracy), Number(values['accuracy-duration']));
const variants = values.variants.split(',') as Variant[];
for (const v of variants) if (v !== 'plain' && v !== 'run') throw new Error(`--variants takes plain and run, got ${v}`);
if (!values['no-scaling']) scaling(list(values.scaling), Number(values.duration), variants);
