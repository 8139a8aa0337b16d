/** The room comparison as Markdown (the full table and the goal check) and as an SVG of runs. Pure. */
import type { Target } from '../../src/engine/target.js';
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
 * Panels of runs: the target's density (grey), the obstacles (black), every robot's path (thin), its start (hollow)
 * and its end (filled), one panel per run, titled.
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
    parts.push(`<text x="${ox}" y="${oy - 6}">${esc(title)}</text>`);
    // Target density and obstacles on a 60-cell raster.
    const cells = 60;
    const cw = (d.xmax - d.xmin) / cells;
    const ch = (d.ymax - d.ymin) / Math.round((cells * (d.ymax - d.ymin)) / (d.xmax - d.xmin));
    let peak = 0;
    const values: [number, number, number][] = [];
    for (let y = d.ymin + ch / 2; y < d.ymax; y += ch) {
      for (let x = d.xmin + cw / 2; x < d.xmax; x += cw) {
        const v = target.obstacles.contains(x, y) ? -1 : target.valueAt(x, y);
        peak = Math.max(peak, v);
        values.push([x, y, v]);
      }
    }
    for (const [x, y, v] of values) {
      const fill = v < 0 ? '#222' : `rgb(${Math.round(255 - 110 * (v / peak))},${Math.round(255 - 110 * (v / peak))},${Math.round(255 - 80 * (v / peak))})`;
      parts.push(`<rect x="${X(x - cw / 2)}" y="${Y(y + ch / 2)}" width="${(cw * scale + 0.3).toFixed(1)}" height="${(ch * scale + 0.3).toFixed(1)}" fill="${fill}"/>`);
    }
    parts.push(`<rect x="${X(d.xmin)}" y="${Y(d.ymax)}" width="${((d.xmax - d.xmin) * scale).toFixed(1)}" height="${((d.ymax - d.ymin) * scale).toFixed(1)}" fill="none" stroke="#222"/>`);
    const n = run.final.length >> 1;
    for (let i = 0; i < n; i++) {
      const pts = run.trail.map((q) => `${X(q[2 * i])},${Y(q[2 * i + 1])}`).join(' ');
      parts.push(`<polyline points="${pts}" fill="none" stroke="#2166ac" stroke-opacity="0.25" stroke-width="0.8"/>`);
    }
    for (let i = 0; i < n; i++) parts.push(`<circle cx="${X(run.initial[2 * i])}" cy="${Y(run.initial[2 * i + 1])}" r="1.6" fill="none" stroke="#777" stroke-width="0.6"/>`);
    for (let i = 0; i < n; i++) parts.push(`<circle cx="${X(run.final[2 * i])}" cy="${Y(run.final[2 * i + 1])}" r="2.2" fill="#d95f02"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
