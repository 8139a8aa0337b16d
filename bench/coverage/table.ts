/** The comparison as a Markdown table: one row per scenario, size and law, the best of each group in bold. */
import type { LawRun } from './run.js';
import type { ComparisonCell } from './suite.js';

/** A column: header, how a run reads in it, and the value that decides the best of a group (lower is better). */
interface Column {
  readonly header: string;
  readonly text: (r: LawRun, cell: ComparisonCell) => string;
  readonly rank?: (r: LawRun) => number;
}

const sci = (x: number): string => (Number.isFinite(x) ? x.toExponential(1) : 'n/a');
const sig = (x: number, digits: number): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : 'n/a');

/** The law names as the table prints them. */
export const LAW_NAMES: Readonly<Record<LawRun['algorithm'], string>> = { blob: 'blob flow', lloyd: "Lloyd's", langevin: 'Langevin' };

const COLUMNS: readonly Column[] = [
  { header: 'MMD²', text: (r) => sci(r.mmd2), rank: (r) => r.mmd2 },
  { header: '/ i.i.d.', text: (r, c) => sig(r.mmd2 / c.iidMmd2, 2) },
  { header: 'E_eps', text: (r) => sig(r.energy, 3), rank: (r) => r.energy },
  { header: "Lloyd's H (m²)", text: (r) => sci(r.lloydCost), rank: (r) => r.lloydCost },
  { header: 'path (m)', text: (r) => sig(r.pathLength, 3), rank: (r) => r.pathLength },
  { header: 't90 (s)', text: (r) => r.t90.toFixed(1) },
  { header: 'ms / step (law)', text: (r) => `${sig(r.tickMs, 2)} (${sig(r.lawMs, 2)})`, rank: (r) => r.tickMs },
];

/** The headers of the table, in order (for checks). */
export const TABLE_HEADERS: readonly string[] = ['scenario', 'N', 'law', ...COLUMNS.map((c) => c.header)];

/**
 * The Markdown table of a comparison. Per scenario and size, a first row gives the i.i.d. yardstick (the median
 * squared MMD of N independent samples of the target), then one row per law; in each group the lowest value of each
 * column is bold, except t90, which measures the speed towards each law's own final state, good or bad.
 */
export function comparisonTable(cells: readonly ComparisonCell[]): string {
  const lines = [`| ${TABLE_HEADERS.join(' | ')} |`, `| ${TABLE_HEADERS.map((_, i) => (i < 3 ? '---' : '---:')).join(' | ')} |`];
  for (const cell of cells) {
    const blank = COLUMNS.slice(2).map(() => '');
    lines.push(`| ${cell.scenario} | ${cell.robots} | *i.i.d. samples* | ${sci(cell.iidMmd2)} | 1 | ${blank.join(' | ')} |`);
    const best = COLUMNS.map((c) => (c.rank ? Math.min(...cell.runs.map((r) => c.rank!(r))) : Number.NaN));
    for (const r of cell.runs) {
      const values = COLUMNS.map((c, k) => {
        const text = c.text(r, cell);
        return c.rank && c.rank(r) === best[k] ? `**${text}**` : text;
      });
      lines.push(`| ${cell.scenario} | ${cell.robots} | ${LAW_NAMES[r.algorithm]} | ${values.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
