/** The sampler comparison as a Markdown table and an SVG plot (MMD ratio to i.i.d. against N, log axes). */
import type { Method, SampleCell } from './suite.js';
import { METHOD_NAMES, WIDE } from './suite.js';

const sci = (x: number): string => (Number.isFinite(x) ? x.toExponential(1) : 'n/a');
const sig = (x: number, digits: number): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : 'n/a');


/**
 * One row per scenario and N: the i.i.d. yardsticks (at the bandwidth and at WIDE x it), then per method its MMD² over
 * each yardstick and its CPU time; the lowest ratio of each row and bandwidth in bold.
 */
export function sampleTable(cells: readonly SampleCell[]): string {
  const methods = cells[0]?.results.map((r) => r.method) ?? [];
  const headers = ['scenario', 'N', `i.i.d. median MMD² (bandwidth, ${WIDE}x)`, ...methods.map((m) => `${METHOD_NAMES[m]}: / i.i.d., ${WIDE}x (CPU s)`)];
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const c of cells) {
    const best = Math.min(...c.results.map((r) => r.mmd2));
    const bestWide = Math.min(...c.results.map((r) => r.mmd2Wide));
    const values = c.results.map((r) => {
      const ratio = sig(r.mmd2 / c.iidMmd2, 2);
      const wide = sig(r.mmd2Wide / c.iidMmd2Wide, 2);
      return `${r.mmd2 === best ? `**${ratio}**` : ratio}, ${r.mmd2Wide === bestWide ? `**${wide}**` : wide} (${sig(r.cpu, 2)})`;
    });
    lines.push(`| ${c.scenario} | ${c.n} | ${sci(c.iidMmd2)}, ${sci(c.iidMmd2Wide)} | ${values.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Line colours (colour-blind safe). */
const COLOURS: Readonly<Record<Method, string>> = { iid: '#777', halton: '#1b9e77', herding: '#d95f02', svgd: '#7570b3', blob: '#2166ac' };
const PANEL = { width: 250, height: 210, left: 58, right: 12, top: 28, bottom: 40 } as const;
const COLUMNS = 3;

/** One panel per scenario: MMD² / i.i.d. median against N, both axes logarithmic, one line per method. */
export function samplePlot(cells: readonly SampleCell[]): string {
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const counts = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const methods = cells[0]?.results.map((r) => r.method) ?? [];
  const ratios = cells.flatMap((c) => c.results.map((r) => r.mmd2 / c.iidMmd2)).filter((v) => v > 0 && Number.isFinite(v));
  const yLo = Math.floor(Math.log10(Math.min(...ratios, 1)));
  const yHi = Math.max(yLo + 1, Math.ceil(Math.log10(Math.max(...ratios, 1))));
  const rows = Math.ceil((scenarios.length + 1) / COLUMNS);
  const width = COLUMNS * PANEL.width;
  const height = rows * PANEL.height + 30;
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const xLo = Math.log10(counts[0]);
  const xHi = Math.log10(counts[counts.length - 1]);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    '<text x="12" y="20" font-size="14">Squared MMD over the i.i.d. median against N, per sampler (lower is better; both axes logarithmic)</text>',
  ];
  scenarios.forEach((name, p) => {
    const ox = (p % COLUMNS) * PANEL.width + PANEL.left;
    const oy = 30 + Math.floor(p / COLUMNS) * PANEL.height + PANEL.top;
    const sx = (n: number): number => ox + (xHi > xLo ? ((Math.log10(n) - xLo) / (xHi - xLo)) * plotW : plotW / 2);
    const sy = (v: number): number => oy + ((yHi - Math.log10(Math.max(v, 10 ** yLo))) / (yHi - yLo)) * plotH;
    parts.push('<g class="panel">', `<text x="${ox}" y="${oy - 8}" font-size="13">${name}</text>`);
    for (let e = yLo; e <= yHi; e++) {
      const y = sy(10 ** e).toFixed(1);
      parts.push(`<line x1="${ox}" x2="${ox + plotW}" y1="${y}" y2="${y}" stroke="${e === 0 ? '#bbb' : '#e5e5e5'}"/>`);
      parts.push(`<text x="${ox - 5}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`);
    }
    parts.push(`<rect x="${ox}" y="${oy}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
    for (const n of counts) parts.push(`<text x="${sx(n).toFixed(1)}" y="${oy + plotH + 15}" text-anchor="middle">${n}</text>`);
    parts.push(`<text x="${ox + plotW / 2}" y="${oy + plotH + 31}" text-anchor="middle">points N</text>`);
    const mine = cells.filter((c) => c.scenario === name).sort((a, b) => a.n - b.n);
    for (const m of methods) {
      const pts = mine.flatMap((c) => c.results.filter((r) => r.method === m).map((r): [number, number] => [c.n, r.mmd2 / c.iidMmd2]));
      const d = pts.map(([n, v], k) => `${k ? 'L' : 'M'}${sx(n).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      parts.push(`<path class="${m}" d="${d}" fill="none" stroke="${COLOURS[m]}" stroke-width="2"/>`);
      for (const [n, v] of pts) parts.push(`<circle cx="${sx(n).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="3" fill="${COLOURS[m]}"/>`);
    }
    parts.push('</g>');
  });
  const lx = (scenarios.length % COLUMNS) * PANEL.width + PANEL.left;
  const ly = 30 + Math.floor(scenarios.length / COLUMNS) * PANEL.height + PANEL.top + 10;
  methods.forEach((m, k) => {
    const y = ly + 22 * k;
    parts.push(`<line x1="${lx}" x2="${lx + 30}" y1="${y}" y2="${y}" stroke="${COLOURS[m]}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 38}" y="${y + 4}" font-size="12">${METHOD_NAMES[m]}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
