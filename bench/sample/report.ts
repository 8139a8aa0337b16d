/** The sampler comparison as a Markdown table and an SVG plot (MMD ratio to i.i.d. against N, log axes). */
import type { Method, SampleCell } from './suite.js';
import { METHOD_NAMES, WIDE } from './suite.js';
import { logPanels } from '../log-panels.js';

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
/** One panel per scenario: MMD² / i.i.d. median against N, both axes logarithmic, one line per method. */
export function samplePlot(cells: readonly SampleCell[]): string {
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const counts = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const methods = cells[0]?.results.map((r) => r.method) ?? [];
  const ratios = cells.flatMap((c) => c.results.map((r) => r.mmd2 / c.iidMmd2)).filter((v) => v > 0 && Number.isFinite(v));
  const yLo = Math.floor(Math.log10(Math.min(...ratios, 1)));
  const yHi = Math.max(yLo + 1, Math.ceil(Math.log10(Math.max(...ratios, 1))));
  const panels = scenarios.map((name) => {
    const mine = cells.filter((c) => c.scenario === name).sort((a, b) => a.n - b.n);
    const series = methods.map((m) => ({
      cls: m,
      colour: COLOURS[m],
      dashed: false,
      points: mine.flatMap((c) => c.results.filter((r) => r.method === m).map((r): [number, number] => [c.n, r.mmd2 / c.iidMmd2])),
    }));
    return { name, series };
  });
  return logPanels({
    title: 'Squared MMD over the i.i.d. median against N, per sampler (lower is better; both axes logarithmic)',
    xLabel: 'points N',
    panelWidth: 250,
    counts,
    yLo,
    yHi,
    markOne: true,
    panels,
    legend: methods.map((m) => ({ label: METHOD_NAMES[m], colour: COLOURS[m], dashed: false })),
  });
}
