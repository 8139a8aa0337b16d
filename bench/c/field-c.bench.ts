/**
 * Side by side: our blob field (BlobField.evaluate) against the same algorithm in C (bench/c/stencil.c, compiled
 * here with gcc -O3), on the public-s1 target, robots sampled from the target (seed 1), eps = autoEpsilon, D = 1,
 * the default grid spacing and cut-off. Both read the same grid, 1/rho_bar and positions (written to a temporary
 * file the C program reads); ours runs with the WebAssembly SIMD kernel (the default) and with the plain JS loops
 * (kernel: 'js', the reference). Reported: CPU time per evaluation (median over interleaved rounds of repetitions after a warm-up; ours from
 * process.cpuUsage, C's from CLOCK_PROCESS_CPUTIME_ID), their ratio, and the largest velocity difference relative to
 * the largest speed. C runs twice: on the robots as given (the order BlobField used to take them in) and on the same
 * robots sorted into the tile order BlobField now uses inside (sorted outside C's timing).
 *
 * Run: npm run bench:c   (needs gcc; about a minute)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobField, Target, autoEpsilon, createRng, targetSampler } from '../../src/engine/index.js';
import type { Box } from '../../src/engine/index.js';
import { PUBLIC_S1 } from '../../src/engine/target/presets.js';

const DOMAIN: Box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
const COUNTS = (process.env.BENCH_C_COUNTS ?? '10000,100000').split(',').map(Number);
const REPS = Number(process.env.BENCH_C_REPS ?? 5);
const ROUNDS = Number(process.env.BENCH_C_ROUNDS ?? 8);

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'blob-stencil-'));
const exe = path.join(dir, 'stencil');
try {
  execFileSync('gcc', ['-O3', '-o', exe, path.join(here, 'stencil.c'), '-lm'], { stdio: 'inherit' });
} catch {
  console.error('bench:c needs gcc on the PATH (it compiles bench/c/stencil.c with gcc -O3)');
  process.exit(1);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const target = new Target(PUBLIC_S1, DOMAIN);
const sample = targetSampler(target);
const gccVersion = execFileSync('gcc', ['-dumpfullversion']).toString().trim();
console.log(`# Blob field: ours (TypeScript, node ${process.version}) vs the same stencil in C (gcc ${gccVersion} -O3)`);
console.log();
console.log(`${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ` +
  `CPU time per evaluation, median of ${ROUNDS} interleaved rounds of ${REPS} after a warm-up.`);
console.log();
console.log('| N | grid | ours, Wasm (ms CPU) | ours, JS | C, robots as given | C, robots in tile order | Wasm / C as given | Wasm / C tile order | JS / C tile order | max velocity difference / max speed (Wasm vs C) | energy difference (rel.) |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
try {
  for (const n of COUNTS) {
    const eps = autoEpsilon(DOMAIN, n);
    const p = sample(n, createRng(1));
    const field = new BlobField(target, { epsilon: eps, diffusivity: 1 });
    const fieldJs = new BlobField(target, { epsilon: eps, diffusivity: 1, kernel: 'js' });
    if (field.kernel !== 'wasm') console.error('WebAssembly SIMD unavailable: the "Wasm" column runs the JS loops');
    const g = field.grid;
    const M = g.nx * g.ny;
    const input = new Float64Array(11 + M + 2 * n);
    input.set([g.nx, g.ny, g.hx, g.hy, g.x0, g.y0, g.cellArea, eps, field.cutoff, 1, n]);
    const rho = field.target.rhoBar;
    for (let k = 0; k < M; k++) input[11 + k] = 1 / rho[k];
    input.set(p, 11 + M);
    const inFile = path.join(dir, 'in.bin');
    const outFile = path.join(dir, 'out.bin');
    writeFileSync(inFile, input);
    // The same robots in the tile order BlobField now uses inside (tiles 2 cut-off widths a side), sorted here outside
    // C's timing: C with the same cache advantage.
    const tile = 2 * field.cutoff * eps;
    const key = (i: number): number => Math.floor((p[2 * i + 1] - g.y0) / tile) * 1e6 + Math.floor((p[2 * i] - g.x0) / tile);
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b));
    const sorted = input.slice();
    idx.forEach((j, i) => {
      sorted[11 + M + 2 * i] = p[2 * j];
      sorted[11 + M + 2 * i + 1] = p[2 * j + 1];
    });
    const sortedFile = path.join(dir, 'in-sorted.bin');
    writeFileSync(sortedFile, sorted);

    // Interleaved rounds (ours, then C) so that a change in the machine's load hits both sides alike.
    const v = new Float64Array(2 * n);
    let energy = field.evaluate(p, v);
    const vJs = new Float64Array(2 * n);
    for (let r = 0; r < 2; r++) {
      field.evaluate(p, v);
      fieldJs.evaluate(p, vJs);
    }
    const ours: number[] = [];
    const oursJs: number[] = [];
    const theirs: number[] = [];
    const theirsSorted: number[] = [];
    let out = new Float64Array(0);
    for (let round = 0; round < ROUNDS; round++) {
      for (let r = 0; r < REPS; r++) {
        const t0 = cpuMs();
        energy = field.evaluate(p, v);
        ours.push(cpuMs() - t0);
        const t1 = cpuMs();
        fieldJs.evaluate(p, vJs);
        oursJs.push(cpuMs() - t1);
      }
      execFileSync(exe, [inFile, outFile, String(REPS)], { stdio: 'inherit' });
      const buf = readFileSync(outFile);
      out = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
      theirs.push(...out.subarray(2 * n + 1));
      execFileSync(exe, [sortedFile, path.join(dir, 'out-sorted.bin'), String(REPS)], { stdio: 'inherit' });
      const bs = readFileSync(path.join(dir, 'out-sorted.bin'));
      theirsSorted.push(...new Float64Array(bs.buffer, bs.byteOffset, bs.byteLength / 8).subarray(2 * n + 1));
    }
    const vc = out.subarray(0, 2 * n);
    const energyC = out[2 * n];
    const c = median(theirs);
    const cs = median(theirsSorted);
    let diff = 0;
    let speed = 0;
    for (let i = 0; i < n; i++) {
      speed = Math.max(speed, Math.hypot(vc[2 * i], vc[2 * i + 1]));
      diff = Math.max(diff, Math.hypot(v[2 * i] - vc[2 * i], v[2 * i + 1] - vc[2 * i + 1]));
    }
    const o = median(ours);
    const oj = median(oursJs);
    console.log(`| ${n.toLocaleString('en-US')} | ${g.nx} x ${g.ny} | ${o.toFixed(1)} | ${oj.toFixed(1)} | ${c.toFixed(1)} | ${cs.toFixed(1)} | ${(o / c).toFixed(2)}x | ` +
      `${(o / cs).toFixed(2)}x | ${(oj / cs).toFixed(2)}x | ` +
      `${(diff / speed).toExponential(1)} | ${(Math.abs(energy - energyC) / energyC).toExponential(1)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
