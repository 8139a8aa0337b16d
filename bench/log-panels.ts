/**
 * Small multiples for the benchmarks' pictures: one panel per scenario, a value against the swarm size, both axes
 * logarithmic, one line per series, and the legend in the slot after the last panel. Self-contained SVG, in the
 * style of src/report/svg.ts.
 */

/** One line of a panel: points (N, value), drawn dashed without markers or solid with them. */
export interface PanelSeries {
  /** The path's class, for tests and styling. */
  readonly cls: string;
  readonly colour: string;
  readonly dashed: boolean;
  readonly points: readonly (readonly [number, number])[];
}

/** One panel: its title and its lines. */
export interface Panel {
  readonly name: string;
  readonly series: readonly PanelSeries[];
}

/** One legend entry. */
export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  readonly dashed: boolean;
}

/** What logPanels draws. */
export interface LogPanelsSpec {
  readonly title: string;
  /** Label under each panel's x axis. */
  readonly xLabel: string;
  /** Width of one panel, px. */
  readonly panelWidth: number;
  /** The x ticks (swarm sizes), ascending. */
  readonly counts: readonly number[];
  /** Decades of the y axis: 10^yLo .. 10^yHi. */
  readonly yLo: number;
  readonly yHi: number;
  /** Draw the grid line at 10^0 darker (for ratios, where 1 is the yardstick). */
  readonly markOne: boolean;
  readonly panels: readonly Panel[];
  readonly legend: readonly LegendEntry[];
}

const PANEL = { height: 210, left: 58, right: 12, top: 28, bottom: 40 } as const;
const COLUMNS = 3;

/** Escapes text for SVG. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Powers of ten spanning [lo, hi], as exponents. */
export function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(e);
  return out;
}

/** The SVG of the panels. */
export function logPanels(spec: LogPanelsSpec): string {
  const { counts, yLo, yHi, panelWidth } = spec;
  const rows = Math.ceil((spec.panels.length + 1) / COLUMNS); // the last slot holds the legend
  const width = COLUMNS * panelWidth;
  const height = rows * PANEL.height + 30;
  const plotW = panelWidth - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const xLo = Math.log10(counts[0]);
  const xHi = Math.log10(counts[counts.length - 1]);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="12" y="20" font-size="14">${esc(spec.title)}</text>`,
  ];
  spec.panels.forEach((panel, p) => {
    const ox = (p % COLUMNS) * panelWidth + PANEL.left;
    const oy = 30 + Math.floor(p / COLUMNS) * PANEL.height + PANEL.top;
    const sx = (n: number): number => ox + (xHi > xLo ? ((Math.log10(n) - xLo) / (xHi - xLo)) * plotW : plotW / 2);
    const sy = (v: number): number => oy + ((yHi - Math.log10(Math.max(v, 10 ** yLo))) / (yHi - yLo || 1)) * plotH;
    parts.push('<g class="panel">', `<text x="${ox}" y="${oy - 8}" font-size="13">${esc(panel.name)}</text>`);
    for (let e = yLo; e <= yHi; e++) {
      const y = sy(10 ** e).toFixed(1);
      parts.push(`<line x1="${ox}" x2="${ox + plotW}" y1="${y}" y2="${y}" stroke="${spec.markOne && e === 0 ? '#bbb' : '#e5e5e5'}"/>`);
      parts.push(`<text x="${ox - 5}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`);
    }
    parts.push(`<rect x="${ox}" y="${oy}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
    for (const n of counts) parts.push(`<text x="${sx(n).toFixed(1)}" y="${oy + plotH + 15}" text-anchor="middle">${n}</text>`);
    parts.push(`<text x="${ox + plotW / 2}" y="${oy + plotH + 31}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
    for (const s of panel.series) {
      const d = s.points.map(([n, v], k) => `${k ? 'L' : 'M'}${sx(n).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      parts.push(`<path class="${s.cls}" d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
      if (!s.dashed) for (const [n, v] of s.points) parts.push(`<circle cx="${sx(n).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="3" fill="${s.colour}"/>`);
    }
    parts.push('</g>');
  });
  const lx = (spec.panels.length % COLUMNS) * panelWidth + PANEL.left;
  const ly = 30 + Math.floor(spec.panels.length / COLUMNS) * PANEL.height + PANEL.top + 10;
  spec.legend.forEach(({ label, colour, dashed }, k) => {
    const y = ly + 22 * k;
    parts.push(`<line x1="${lx}" x2="${lx + 30}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    parts.push(`<text x="${lx + 38}" y="${y + 4}" font-size="12">${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
