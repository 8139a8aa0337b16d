/** The room comparison as Markdown (the full table and the goal check) and as an SVG of runs. Pure. */
import type { Target } from '../../src/engine/target/target.js';
import type { RoomRun } from './run.js';

/** One scenario at one size: the i.i.d. yardstick and the runs. */
export interface RoomCell {
  readonly scenario: string;
  readonly robots: number;
  readonly iidMmd2: number;
  readonly runs: readonly RoomRun[];
}

const sci = (x: number): string => (Number.isFinite(x) ? x.toExponential(1) : 'n/a');
const sig = (x: number, d = 2): string => (Number.isFinite(x) ? Number(x.toPrecision(d)).toString() : 'n/a');
const LAW: Record<string, string> = { blob: 'blob flow', lloyd: "Lloyd's", langevin: 'Langevin' };
const DRIVE: Record<string, string> = { holonomic: 'holonomic', diff_drive: 'diff drive' };

/** Separation held: the closest pair over the run stays at the safety layer's separation (1 mm of round-off). */
export function separationHeld(r: RoomRun): boolean {
  return r.closestPair >= r.minSeparation - 1e-3;
}

/** The full table: one row per scenario, size, drive and law. */
export function roomTable(cells: readonly RoomCell[]): string {
  const lines = [
    '| scenario | N | drive | law | MMD² | / i.i.d. | t90 (s) | median dist. (m) | in obstacle | closest pair (m) | saturated | ms / tick |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of cells) {
    lines.push(`| ${c.scenario} | ${c.robots} | | *i.i.d. samples* | ${sci(c.iidMmd2)} | 1 | | | | | | |`);
    for (const r of c.runs) {
      lines.push(
        `| ${c.scenario} | ${c.robots} | ${DRIVE[r.drive]} | ${LAW[r.algorithm]} | ${sci(r.mmd2)} | ${sig(r.mmd2 / c.iidMmd2)} | ${r.t90.toFixed(1)} | ` +
          `${sig(r.medianDistance)} | ${r.inObstacle} | ${r.closestPair.toFixed(3)}${separationHeld(r) ? '' : ' (!)'} | ${Math.round(100 * r.saturated)}% | ${sig(r.tickMs)} |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * The goal per scenario, size and law: differential drive within 1.5x the holonomic t90, at most half the
 * i.i.d. MMD^2, separation held (both drives), no centre in an obstacle.
 */
export function goalTable(cells: readonly RoomCell[], law = 'blob'): { text: string; met: number; total: number } {
  const lines = [
    '| scenario | N | t90 holo (s) | t90 diff (s) | diff / holo | MMD² / i.i.d. holo | MMD² / i.i.d. diff | separation held | never in an obstacle | goal |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
  ];
  let met = 0;
  let total = 0;
  for (const c of cells) {
    const holo = c.runs.find((r) => r.algorithm === law && r.drive === 'holonomic');
    const diff = c.runs.find((r) => r.algorithm === law && r.drive === 'diff_drive');
    if (!holo || !diff) continue;
    const ratio = diff.t90 / holo.t90;
    const mmd = diff.mmd2 / c.iidMmd2;
    const sep = separationHeld(holo) && separationHeld(diff);
    const out = holo.inObstacle === 0 && diff.inObstacle === 0;
    const ok = ratio <= 1.5 && mmd <= 0.5 && sep && out;
    total++;
    if (ok) met++;
    lines.push(
      `| ${c.scenario} | ${c.robots} | ${holo.t90.toFixed(1)} | ${diff.t90.toFixed(1)} | ${sig(ratio)} | ${sig(holo.mmd2 / c.iidMmd2)} | ${sig(mmd)} | ${sep ? 'yes' : 'no'} | ${out ? 'yes' : 'no'} | ${ok ? 'met' : 'missed'} |`,
    );
  }
  return { text: lines.join('\n'), met, total };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Panels of runs: the target's density (grey levels), the obstacles (black), every robot's path (thin blue), its start
 * (grey dot) and its end (orange dot), one panel per run, titled.
 */
export function roomPicture(panels: readonly { readonly title: string; readonly target: Target; readonly run: RoomRun }[], columns = 4): string {
  const size = 240;
  const pad = 24;
  const rows = Math.ceil(panels.length / columns);
  const width = columns * (size + pad) + pad;
  const height = rows * (size + pad + 18) + pad;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`, `<rect width="${width}" height="${height}" fill="white"/>`];
  panels.forEach(({ title, target, run }, p) => {
    const d = target.domain;
    const scale = size / Math.max(d.xmax - d.xmin, d.ymax - d.ymin);
    const ox = pad + (p % columns) * (size + pad);
    const oy = pad + 18 + Math.floor(p / columns) * (size + pad + 18);
    const X = (x: number): string => (ox + (x - d.xmin) * scale).toFixed(1);
    const Y = (y: number): string => (oy + (d.ymax - y) * scale).toFixed(1);
    parts.push(`<rect x="${X(d.xmin)}" y="${Y(d.ymax)}" width="${((d.xmax - d.xmin) * scale).toFixed(1)}" height="${((d.ymax - d.ymin) * scale).toFixed(1)}" fill="#fff"/>`);
    parts.push(`<text x="${ox}" y="${oy - 6}">${esc(title)}</text>`);
    // Target density (8 grey levels) and obstacles (black) on a 48-cell raster, equal cells of a row merged.
    const cells = 48;
    const rowsOf = Math.max(1, Math.round((cells * (d.ymax - d.ymin)) / (d.xmax - d.xmin)));
    const cw = (d.xmax - d.xmin) / cells;
    const ch = (d.ymax - d.ymin) / rowsOf;
    const level = new Int8Array(cells * rowsOf);
    let peak = 0;
    for (let r = 0; r < rowsOf; r++) for (let c = 0; c < cells; c++) peak = Math.max(peak, target.valueAt(d.xmin + (c + 0.5) * cw, d.ymin + (r + 0.5) * ch));
    for (let r = 0; r < rowsOf; r++) {
      for (let c = 0; c < cells; c++) {
        const x = d.xmin + (c + 0.5) * cw;
        const y = d.ymin + (r + 0.5) * ch;
        level[r * cells + c] = target.obstacles.contains(x, y) ? -1 : Math.min(7, Math.floor((8 * target.valueAt(x, y)) / (peak || 1)));
      }
    }
    const fill = (v: number): string => (v < 0 ? '#222' : `#${(255 - 14 * v).toString(16)}${(255 - 14 * v).toString(16)}${(255 - 9 * v).toString(16)}`);
    for (let r = 0; r < rowsOf; r++) {
      for (let c = 0; c < cells; ) {
        const v = level[r * cells + c];
        let e = c + 1;
        while (e < cells && level[r * cells + e] === v) e++;
        if (v !== 0) parts.push(`<rect x="${X(d.xmin + c * cw)}" y="${Y(d.ymin + (r + 1) * ch)}" width="${((e - c) * cw * scale + 0.3).toFixed(1)}" height="${(ch * scale + 0.3).toFixed(1)}" fill="${fill(v)}"/>`);
        c = e;
      }
    }
    parts.push(`<rect x="${X(d.xmin)}" y="${Y(d.ymax)}" width="${((d.xmax - d.xmin) * scale).toFixed(1)}" height="${((d.ymax - d.ymin) * scale).toFixed(1)}" fill="none" stroke="#222"/>`);
    // All paths in one element through every sixth trail sample (6 s apart), robots as dots: a small file.
    const trail = run.trail.filter((_, t) => t % 6 === 0 || t === run.trail.length - 1);
    const px = (x: number): string => Math.round(ox + (x - d.xmin) * scale).toString();
    const py = (y: number): string => Math.round(oy + (d.ymax - y) * scale).toString();
    const n = run.final.length >> 1;
    const paths: string[] = [];
    for (let i = 0; i < n; i++) paths.push(trail.map((q, t) => `${t ? 'L' : 'M'}${px(q[2 * i])} ${py(q[2 * i + 1])}`).join(''));
    parts.push(`<path d="${paths.join('')}" fill="none" stroke="#2166ac" stroke-opacity="0.3" stroke-width="0.8"/>`);
    const dots = (p: Float64Array): string => Array.from({ length: n }, (_, i) => `M${X(p[2 * i])} ${Y(p[2 * i + 1])}h0`).join('');
    parts.push(`<path d="${dots(run.initial)}" stroke="#888" stroke-width="2.5" stroke-linecap="round"/>`);
    parts.push(`<path d="${dots(run.final)}" stroke="#d95f02" stroke-width="4.5" stroke-linecap="round"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
