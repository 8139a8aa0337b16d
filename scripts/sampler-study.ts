/**
 * What each part of the blob sampler contributes (docs/sample-bench.md, Reading): variants of the start (i.i.d. draw or
 * scrambled Halton), the scales of the flow (the fine term only, run's coarse scales 4 and 2 eps, or the sampler's
 * 8, 4 and 2 eps) and the flow time, scored by the squared MMD over the i.i.d. median (21 draws, seed 7) at the
 * scenario's bandwidth and at twice it, with CPU seconds. Then the metric's own resolution: 200,000 i.i.d. samples
 * scored the same way (expected ratio about N / 200,000, more where the metric cannot resolve the target).
 *
 *   npm run study:sampler [-- --counts 400,1600] [--scenarios demo,sparse] [--variants old,default]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MultiScaleStepper, multiScaleEpsilon } from '../src/engine/field/bandwidth.js';
import { SAMPLE_SCALES, SAMPLE_WEIGHTS, blobSample } from '../src/engine/flow/blob-sampler.js';
import { boxArea } from '../src/engine/target/geometry.js';
import type { Positions } from '../src/engine/target/geometry.js';
import { scrambledHaltonSample } from '../src/engine/target/halton.js';
import { MmdMetric } from '../src/engine/metrics/metrics.js';
import { createRng } from '../src/engine/random.js';
import { targetSampler } from '../src/engine/target/sampling.js';
import type { Target } from '../src/engine/target/target.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';
import { iidMmd2 } from '../bench/coverage/run.js';

interface Variant {
  readonly start: 'iid' | 'halton';
  /** Coarse scales (multiples of eps) and weights; [] = the fine term only. */
  readonly scales: readonly number[];
  readonly weights?: readonly number[];
  /** Flow time, |Omega| / D. */
  readonly time: number;
  /** Decay time of the coarse weights, |Omega| / D (default run's, 0.75). */
  readonly decay?: number;
}

const VARIANTS: Readonly<Record<string, Variant | 'default'>> = {
  old: { start: 'iid', scales: [], time: 0.05 }, // the sampler before: i.i.d. draw, fine term only
  halton: { start: 'halton', scales: [], time: 0 }, // the start alone
  'halton+fine': { start: 'halton', scales: [], time: 0.1 },
  'iid+run-scales': { start: 'iid', scales: [4, 2], time: 0.1 },
  'halton+run-scales': { start: 'halton', scales: [4, 2], time: 0.1 },
  'default(t=0.05)': { start: 'halton', scales: SAMPLE_SCALES, weights: SAMPLE_WEIGHTS, time: 0.05 },
  default: 'default', // blobSample as shipped
  'default(t=0.2)': { start: 'halton', scales: SAMPLE_SCALES, weights: SAMPLE_WEIGHTS, time: 0.2 },
  'decay0.03': { start: 'halton', scales: SAMPLE_SCALES, weights: SAMPLE_WEIGHTS, time: 0.1, decay: 0.03 },
  'decay0.015': { start: 'halton', scales: SAMPLE_SCALES, weights: SAMPLE_WEIGHTS, time: 0.1, decay: 0.015 },
};

function sample(target: Target, n: number, v: Variant | 'default'): Positions {
  if (v === 'default') return blobSample(target, n);
  const d = target.domain;
  const p = v.start === 'iid' ? targetSampler(target)(n, createRng(1)) : scrambledHaltonSample(target, n, 1);
  if (v.time === 0) return p;
  const eps = multiScaleEpsilon(d, n);
  const stepper = new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1, scales: v.scales.map((s) => s * eps), weights: v.weights, decay: v.decay === undefined ? undefined : v.decay * boxArea(d) }, { domain: d });
  const duration = v.time * boxArea(d);
  let t = 0;
  while (t < duration - 1e-12) t += stepper.step(p, duration - t).dt;
  return p;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { counts: { type: 'string' }, scenarios: { type: 'string' }, variants: { type: 'string' } }, strict: true });
const counts = (values.counts ?? '400,1600').split(',').map(Number);
const names = (values.scenarios ?? 'demo,ring,floor,sparse,obstacles').split(',');
const variants = (values.variants ?? Object.keys(VARIANTS).join(',')).split(',');
for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown variant '${v}' (one of ${Object.keys(VARIANTS).join(', ')})`);
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (const name of names) {
  const scenario = loadScenario(join(ROOT, 'scenarios', `${name}.yaml`));
  const scoring = scenarioTarget(scenario);
  const metrics = [1, 2].map((f) => new MmdMetric(scoring, f * scenario.metrics.mmdBandwidth));
  for (const n of counts) {
    const iid = metrics.map((m) => iidMmd2(scoring, m, n, 21, 7));
    const score = (p: Positions): string => metrics.map((m, k) => (m.evaluate(p) / iid[k]).toPrecision(2)).join(', ');
    const row = variants.map((v) => {
      const c0 = cpu();
      const p = sample(scenarioTarget(scenario), n, VARIANTS[v]);
      return `${v} ${score(p)} (${(cpu() - c0).toFixed(2)} s)`;
    });
    console.log(`${name} N=${n}: ${row.join(' | ')}`);
    console.log(`${name} N=${n}: metric resolution, 200,000 i.i.d. samples: ${score(targetSampler(scoring)(200_000, createRng(3)))}`);
  }
}
