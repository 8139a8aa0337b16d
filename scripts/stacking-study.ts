/**
 * Stacked robots at the end of a run (npm run study:stacking): the multiscale flow with and without the separation
 * term, at several fine widths, on mixtures, formulas and maps, sparse and dense, from spread and clustered starts.
 *
 *   npm run study:stacking -- [--counts 300,1000] [--variants plain,separation] [--duration 20] [--targets a,b]
 *
 * Reported per run: the closest pair and the share of robots whose nearest neighbour is closer than 0.2 x the mean
 * spacing h = sqrt(area / N), and the squared MMD (the scenario's bandwidth) over the median of 21 sets of N i.i.d.
 * target samples (the coverage benchmark's yardstick). CPU seconds per run.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MultiScaleStepper, multiScaleEpsilon } from '../src/engine/field/bandwidth.js';
import { meanSpacing } from '../src/engine/flow/epsilon.js';
import type { Box, Positions } from '../src/engine/target/geometry.js';
import { MmdMetric } from '../src/engine/metrics/metrics.js';
import { PointIndex } from '../src/engine/field/neighbours.js';
import { createRng } from '../src/engine/random.js';
import { targetSampler, uniformInBox } from '../src/engine/target/sampling.js';
import { Target } from '../src/engine/target/target.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const square: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };

/** The study's targets: name -> target. */
function targets(): Record<string, Target> {
  return {
    mixture: new Target(
      {
        type: 'mixture',
        components: [
          { type: 'uniform', weight: 0.1 },
          { type: 'gaussian', weight: 0.35, mean: [0.35, 0.4], cov: [[0.08, 0.05], [0.05, 0.06]] },
          { type: 'gaussian', weight: 0.3, mean: [-0.5, -0.3], cov: [[0.02, -0.01], [-0.01, 0.09]] },
          { type: 'gaussian', weight: 0.25, mean: [0.5, -0.55], cov: [[0.05, 0], [0, 0.01]] },
        ],
      },
      square,
    ),
    narrow: new Target(
      {
        type: 'mixture',
        components: [
          { type: 'uniform', weight: 0.1 },
          { type: 'gaussian', weight: 0.45, mean: [0.5, 0.5], sigma: 0.1 },
          { type: 'gaussian', weight: 0.45, mean: [-0.5, -0.3], sigma: 0.1 },
        ],
      },
      square,
    ),
    ring: scenarioTarget(loadScenario(join(ROOT, 'scenarios', 'ring.yaml'))),
    floor: scenarioTarget(loadScenario(join(ROOT, 'scenarios', 'floor.yaml'))),
  };
}

/** Spread (uniform over the domain) and clustered (a box of a tenth of the side in a corner) starts. */
function start(kind: string, n: number, d: Box): Positions {
  const w = d.xmax - d.xmin;
  const h = d.ymax - d.ymin;
  if (kind === 'uniform') return uniformInBox(n, d, createRng(3));
  return uniformInBox(n, { xmin: d.xmin + 0.02 * w, xmax: d.xmin + 0.12 * w, ymin: d.ymin + 0.02 * h, ymax: d.ymin + 0.12 * h }, createRng(4));
}

/** Variants: name -> stepper options beyond the defaults. */
const VARIANTS: Record<string, (d: Box, n: number) => { epsilon: number; separation?: number }> = {
  plain: (d, n) => ({ epsilon: multiScaleEpsilon(d, n), separation: 0 }),
  separation: (d, n) => ({ epsilon: multiScaleEpsilon(d, n) }),
  'range-0.2': (d, n) => ({ epsilon: multiScaleEpsilon(d, n), separation: 0.2 }),
  'range-0.3': (d, n) => ({ epsilon: multiScaleEpsilon(d, n), separation: 0.3 }),
  'plain-0.5': (d, n) => ({ epsilon: 0.5 * meanSpacing(d, n), separation: 0 }),
  'separation-0.5': (d, n) => ({ epsilon: 0.5 * meanSpacing(d, n) }),
  'plain-0.35': (d, n) => ({ epsilon: 0.35 * meanSpacing(d, n), separation: 0 }),
  'separation-0.35': (d, n) => ({ epsilon: 0.35 * meanSpacing(d, n) }),
};

function cpu(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

function iidMedian(target: Target, mmd: MmdMetric, n: number): number {
  const sample = targetSampler(target);
  const rng = createRng(7);
  const v = Array.from({ length: 21 }, () => mmd.evaluate(sample(n, rng))).sort((a, b) => a - b);
  return v[10];
}

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '300,1000' },
    variants: { type: 'string', default: 'plain,separation' },
    targets: { type: 'string', default: 'mixture,narrow,ring,floor' },
    starts: { type: 'string', default: 'uniform,cluster' },
    duration: { type: 'string', default: '20' },
  },
});
const duration = Number(values.duration);
const all = targets();
console.log(`Multiscale flow, D = 1, ${duration} s. h = sqrt(area / N); close: nearest neighbour < 0.2 h.`);
console.log('| target | start | N | variant | eps / h | closest pair / h | close | MMD^2 / i.i.d. | CPU (s) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const name of values.targets.split(',')) {
  const target = all[name];
  const d = target.domain;
  const bw = 0.05 * Math.sqrt((d.xmax - d.xmin) * (d.ymax - d.ymin));
  const mmd = new MmdMetric(target, bw);
  for (const n of values.counts.split(',').map(Number)) {
    const iid = iidMedian(target, mmd, n);
    const h = meanSpacing(d, n);
    for (const kind of values.starts.split(',')) {
      for (const variant of values.variants.split(',')) {
        const o = VARIANTS[variant](d, n);
        const stepper = new MultiScaleStepper(target, { ...o, diffusivity: 1 }, { domain: d });
        const p = Float64Array.from(start(kind, n, d));
        const c0 = cpu();
        let t = 0;
        while (t < duration - 1e-12) t += stepper.step(p, duration - t).dt;
        const seconds = cpu() - c0;
        const nn = new PointIndex(p).nearestNeighbourDistances();
        let min = Infinity;
        let close = 0;
        for (const x of nn) {
          min = Math.min(min, x);
          if (x < 0.2 * h) close++;
        }
        console.log(
          `| ${name} | ${kind} | ${n} | ${variant} | ${(o.epsilon / h).toFixed(2)} | ${(min / h).toPrecision(2)} | ${((100 * close) / n).toFixed(1)}% | ${(mmd.evaluate(p) / iid).toPrecision(2)} | ${seconds.toFixed(1)} |`,
        );
      }
    }
  }
}
