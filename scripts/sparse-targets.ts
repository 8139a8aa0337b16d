/**
 * Sparse targets and clustered starts: fixed-eps blob flow against the multi-scale flow (src/engine/field/bandwidth.ts).
 *
 * Targets on [-1, 1]^2: public-s1, and a sparse target (95% of the mass in two bumps, sigma 0.15, at (0.6, 0.6)
 * and (-0.6, 0.5), over a 5% uniform floor). 100 robots start uniformly, in a corner box covering 1% of the domain,
 * or in a centred box; D = 1, 20 s simulated. Reported: squared MMD (Gaussian kernel, bandwidth 0.1; also 0.05 and
 * 0.2 as a check that no single scale is being fitted) against the median over 100 draws of 100 i.i.d. target
 * samples, steps and wall time. All seeds fixed. Run with `npm run study:sparse`.
 */
import { BlobField, FlowIntegrator, MmdMetric, Target, blobFlow, createRng, targetSampler, uniformInBox } from '../src/engine/index.js';
import type { Box, DensitySpec, Positions, StepResult } from '../src/engine/index.js';
import { MultiScaleStepper, multiScaleEpsilon } from '../src/engine/field/bandwidth.js';
import { PUBLIC_S1 } from '../src/engine/target/presets.js';

const domain: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const N = 100;
const DURATION = 20;
/** A guard: a run that needs more steps than this (a stall in the step control) is stopped and marked. */
const MAX_STEPS = 8000;
const BANDWIDTHS = [0.1, 0.05, 0.2];

const targets: Record<string, DensitySpec> = {
  sparse: {
    type: 'mixture',
    components: [
      { type: 'uniform', weight: 0.05 },
      { type: 'gaussian', weight: 0.475, mean: [0.6, 0.6], sigma: 0.15 },
      { type: 'gaussian', weight: 0.475, mean: [-0.6, 0.5], sigma: 0.15 },
    ],
  },
  'public-s1': PUBLIC_S1,
};

const starts: Record<string, Positions> = {
  uniform: uniformInBox(N, domain, createRng(7)),
  corner: uniformInBox(N, { xmin: -1, xmax: -0.8, ymin: -1, ymax: -0.8 }, createRng(8)),
  centred: uniformInBox(N, { xmin: -0.3, xmax: 0.3, ymin: -0.3, ymax: 0.3 }, createRng(9)),
};

interface Stepper {
  step(p: Positions, maxDt: number): StepResult;
}

const eps = multiScaleEpsilon(domain, N); // 0.1 m: 0.5 x the mean spacing
const methods: [string, (t: Target) => Stepper][] = [
  ['fixed eps 0.12', (t) => new FlowIntegrator(blobFlow(new BlobField(t, { epsilon: 0.12, diffusivity: 1 })), { domain })],
  [`fixed eps ${eps}`, (t) => new FlowIntegrator(blobFlow(new BlobField(t, { epsilon: eps, diffusivity: 1 })), { domain })],
  ['ablation: smoothed chi2 at eps only', (t) => new MultiScaleStepper(t, { epsilon: eps, diffusivity: 1, scales: [] }, { domain })],
  ['ablation: multi-scale, plain blob fine', (t) => new MultiScaleStepper(t, { epsilon: eps, diffusivity: 1, smoothFine: false }, { domain })],
  ['multi-scale (default)', (t) => new MultiScaleStepper(t, { epsilon: eps, diffusivity: 1 }, { domain })],
];

function run(stepper: Stepper, start: Positions): { p: Positions; steps: number; ms: number; t: number } {
  const p = Float64Array.from(start);
  const t0 = performance.now();
  let t = 0;
  let steps = 0;
  while (t < DURATION - 1e-12 && steps < MAX_STEPS) {
    t += stepper.step(p, DURATION - t).dt;
    steps++;
  }
  return { p, steps, ms: performance.now() - t0, t };
}

const fmt = (v: number): string => v.toFixed(5);
const pad = (s: string, n: number): string => s.padEnd(n);

for (const [tname, spec] of Object.entries(targets)) {
  const target = new Target(spec, domain);
  const metrics = BANDWIDTHS.map((b) => new MmdMetric(target, b));
  const sample = targetSampler(target);
  const rng = createRng(11);
  const draws = Array.from({ length: 100 }, () => sample(N, rng));
  const iid = metrics.map((m) => {
    const v = draws.map((d) => m.evaluate(d)).sort((a, b) => a - b);
    return (v[49] + v[50]) / 2;
  });
  console.log(`\n${tname}: i.i.d. median squared MMD (100 draws of ${N}): ${BANDWIDTHS.map((b, k) => `bw ${b}: ${fmt(iid[k])}`).join(', ')}`);
  console.log(`${pad('method', 40)}${pad('start', 9)}${pad('MMD2(0.1)', 11)}${pad('x iid', 7)}${pad('MMD2(.05)', 11)}${pad('MMD2(0.2)', 11)}${pad('steps', 7)}wall`);
  for (const [mname, make] of methods) {
    for (const [sname, start] of Object.entries(starts)) {
      const r = run(make(target), start);
      const m = metrics.map((mm) => mm.evaluate(r.p));
      console.log(
        `${pad(mname, 40)}${pad(sname, 9)}${pad(fmt(m[0]), 11)}${pad((m[0] / iid[0]).toFixed(2), 7)}${pad(fmt(m[1]), 11)}${pad(fmt(m[2]), 11)}${pad(String(r.steps), 7)}${(r.ms / 1000).toFixed(2)} s${r.t < DURATION - 1e-9 ? ` (stopped at t = ${r.t.toFixed(2)} s)` : ''}`,
      );
    }
  }
}
