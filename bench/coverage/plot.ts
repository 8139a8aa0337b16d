/**
 * The comparison as an SVG: one panel per scenario, final squared MMD against the swarm size, both axes logarithmic,
 * one line per law and the i.i.d. yardstick dashed. Self-contained, in the style of src/report/svg.ts.
 */
import type { CoverageAlgorithm } from '../../src/scenario/scenario.js';
import { LAW_NAMES } from './table.js';
import type { ComparisonCell } from './suite.js';

/** Line colours of the laws (colour-blind safe: blue, orange, purple). */
const COLOURS: Readonly<Record<CoverageAlgorithm, string>> = { blob: '#2166ac', lloyd: '#d95f02', langevin: '#7570b3' };
const IID_COLOUR = '#777';

const PANEL = { width: 260, height: 210, left: 58, right: 12, top: 28, bottom: 40 } as const;
const COLUMNS = 3;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Powers of ten spanning [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(e);
  return out;
}

/** The plot of a comparison (cells as runSuite returns them). */
export function comparisonPlot(cells: readonly ComparisonCell[]): string {
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const counts = [...new Set(cells.map((c) => c.robots))].sort((a, b) => a - b);
  const algorithms = [...new Set(cells.flatMap((c) => c.runs.map((r) => r.algorithm)))];
  const values = cells.flatMap((c) => [c.iidMmd2, ...c.runs.map((r) => r.mmd2)]).filter((v) => v > 0 && Number.isFinite(v));
  const exps = decades(Math.min(...values), Math.max(...values));
  const yLo = exps[0];
  const yHi = exps[exps.length - 1];
  const panels = scenarios.length + 1; // the last slot holds the legend
  const rows = Math.ceil(panels / COLUMNS);
  const width = COLUMNS * PANEL.width;
  const height = rows * PANEL.height + 30;
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const xLo = Math.log10(counts[0]);
  const xHi = Math.log10(counts[counts.length - 1]);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="12" y="20" font-size="14">Final squared MMD to the target against the number of robots (lower is better; both axes logarithmic)</text>`);
  scenarios.forEach((name, p) => {
    const ox = (p % COLUMNS) * PANEL.width + PANEL.left;
    const oy = 30 + Math.floor(p / COLUMNS) * PANEL.height + PANEL.top;
    const sx = (n: number): number => ox + (xHi > xLo ? ((Math.log10(n) - xLo) / (xHi - xLo)) * plotW : plotW / 2);
    const sy = (v: number): number => oy + ((yHi - Math.log10(Math.max(v, 10 ** yLo))) / (yHi - yLo || 1)) * plotH;
    parts.push(`<g class="panel">`);
    parts.push(`<text x="${ox}" y="${oy - 8}" font-size="13">${esc(name)}</text>`);
    for (let e = yLo; e <= yHi; e++) {
      const y = sy(10 ** e).toFixed(1);
      parts.push(`<line x1="${ox}" x2="${ox + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
      parts.push(`<text x="${ox - 5}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`);
    }
    parts.push(`<rect x="${ox}" y="${oy}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
    for (const n of counts) parts.push(`<text x="${sx(n).toFixed(1)}" y="${oy + plotH + 15}" text-anchor="middle">${n}</text>`);
    parts.push(`<text x="${ox + plotW / 2}" y="${oy + plotH + 31}" text-anchor="middle">robots N</text>`);
    const mine = cells.filter((c) => c.scenario === name).sort((a, b) => a.robots - b.robots);
    const line = (pts: [number, number][], colour: string, dashed: boolean, cls: string): void => {
      const d = pts.map(([n, v], k) => `${k ? 'L' : 'M'}${sx(n).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      parts.push(`<path class="${cls}" d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
      if (!dashed) for (const [n, v] of pts) parts.push(`<circle cx="${sx(n).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="3" fill="${colour}"/>`);
    };
    line(mine.map((c) => [c.robots, c.iidMmd2]), IID_COLOUR, true, 'iid');
    for (const a of algorithms) {
      const pts = mine.flatMap((c) => c.runs.filter((r) => r.algorithm === a).map((r): [number, number] => [c.robots, r.mmd2]));
      line(pts, COLOURS[a], false, a);
    }
    parts.push('</g>');
  });
  // Legend in the slot after the last panel.
  const lx = (scenarios.length % COLUMNS) * PANEL.width + PANEL.left;
  const ly = 30 + Math.floor(scenarios.length / COLUMNS) * PANEL.height + PANEL.top + 10;
  const entries: [string, string, boolean][] = [...algorithms.map((a): [string, string, boolean] => [LAW_NAMES[a], COLOURS[a], false]), ['i.i.d. samples (median)', IID_COLOUR, true]];
  entries.forEach(([label, colour, dashed], k) => {
    const y = ly + 22 * k;
    parts.push(`<line x1="${lx}" x2="${lx + 30}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    parts.push(`<text x="${lx + 38}" y="${y + 4}" font-size="12">${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
