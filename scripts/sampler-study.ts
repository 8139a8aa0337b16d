/** Scratch study of blob-sampler variants (start, width, scales): MMD^2 over the i.i.d. median at b and 2b. */
import { join } from 'node:path';
import { MultiScaleStepper, multiScaleEpsilon } from '../src/engine/bandwidth.js';
import { boxArea } from '../src/engine/geometry.js';
import type { Positions } from '../src/engine/geometry.js';
import { MmdMetric } from '../src/engine/metrics.js';
import { createRng } from '../src/engine/random.js';
import { targetSampler } from '../src/engine/sampling.js';
import type { Target } from '../src/engine/target.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';
import { iidMmd2 } from '../bench/coverage/run.js';
import { scrambledHaltonSample } from '../src/engine/halton.js';

interface Variant { name: string; start: 'iid' | 'halton'; ratio: number; scales: number[]; weights?: number[]; residual?: number; decay?: number; time: number; sep?: number }

function run(target: Target, n: number, v: Variant): Positions {
  const d = target.domain;
  const p = v.start === 'iid' ? targetSampler(target)(n, createRng(1)) : scrambledHaltonSample(target, n, 1);
  if (v.time === 0) return p;
  const eps = v.ratio > 0 ? v.ratio * Math.sqrt(boxArea(d) / n) : multiScaleEpsilon(d, n);
  const stepper = new MultiScaleStepper(target, { epsilon: eps, diffusivity: 1, scales: v.scales.map((s) => s * eps), weights: v.weights, residual: v.residual, decay: v.decay === undefined ? undefined : v.decay * boxArea(d), separation: v.sep }, { domain: d });
  const duration = v.time * boxArea(d);
  let t = 0;
  while (t < duration - 1e-12) t += stepper.step(p, duration - t).dt;
  return p;
}

const all: Variant[] = [
  { name: 'current', start: 'iid', ratio: 0, scales: [], time: 0.05 },
  { name: 'halton', start: 'halton', ratio: 0, scales: [], time: 0 },
  { name: 'halton+flow', start: 'halton', ratio: 0, scales: [], time: 0.05 },
  { name: 'iid+ms', start: 'iid', ratio: 0, scales: [4, 2], residual: 0.05, time: 0.2 },
  { name: 'halton+ms', start: 'halton', ratio: 0, scales: [4, 2], residual: 0.05, time: 0.2 },
  { name: 'halton+w0.7', start: 'halton', ratio: 0.7, scales: [], time: 0.05 },
  { name: 'halton+w1.0', start: 'halton', ratio: 1.0, scales: [], time: 0.05 },
];
const pick = process.argv[2] ? process.argv[2].split(',') : all.map((v) => v.name);
const counts = process.argv[3] ? process.argv[3].split(',').map(Number) : [100, 400, 1600];
const names = process.argv[4] ? process.argv[4].split(',') : ['demo', 'ring', 'floor', 'sparse', 'obstacles'];
const extra: Variant[] = process.argv[5] ? JSON.parse(process.argv[5]) : [];
for (const name of names) {
  const s = loadScenario(join('scenarios', `${name}.yaml`));
  const target = scenarioTarget(s);
  const b = s.metrics.mmdBandwidth;
  const m1 = new MmdMetric(target, b);
  const m2 = new MmdMetric(target, 2 * b);
  for (const n of counts) {
    const i1 = iidMmd2(target, m1, n, 21, 7);
    const i2 = iidMmd2(target, m2, n, 21, 7);
    const row: string[] = [];
    for (const v of [...all.filter((v) => pick.includes(v.name)), ...extra]) {
      const c0 = process.cpuUsage();
      const p = run(scenarioTarget(s), n, v);
      const c = process.cpuUsage(c0);
      row.push(`${v.name} ${(m1.evaluate(p) / i1).toFixed(4)}/${(m2.evaluate(p) / i2).toFixed(4)} ${((c.user + c.system) / 1e6).toFixed(2)}s`);
    }
    console.log(`${name} ${n}: ${row.join(' | ')}`);
  }
}
