/**
 * The comparison as an SVG: one panel per scenario, final squared MMD against the swarm size, both axes logarithmic,
 * one line per law and the i.i.d. yardstick dashed. Drawn by ../log-panels.ts.
 */
import type { CoverageAlgorithm } from '../../src/scenario/scenario.js';
import type { PanelSeries } from '../log-panels.js';
import { decades, logPanels } from '../log-panels.js';
import { LAW_NAMES } from './table.js';
import type { ComparisonCell } from './suite.js';

/** Line colours of the laws (colour-blind safe: blue, orange, purple). */
const COLOURS: Readonly<Record<CoverageAlgorithm, string>> = { blob: '#2166ac', lloyd: '#d95f02', langevin: '#7570b3' };
const IID_COLOUR = '#777';

/** The plot of a comparison (cells as runSuite returns them). */
export function comparisonPlot(cells: readonly ComparisonCell[]): string {
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const counts = [...new Set(cells.map((c) => c.robots))].sort((a, b) => a - b);
  const algorithms = [...new Set(cells.flatMap((c) => c.runs.map((r) => r.algorithm)))];
  const values = cells.flatMap((c) => [c.iidMmd2, ...c.runs.map((r) => r.mmd2)]).filter((v) => v > 0 && Number.isFinite(v));
  const exps = decades(Math.min(...values), Math.max(...values));
  const panels = scenarios.map((name) => {
    const mine = cells.filter((c) => c.scenario === name).sort((a, b) => a.robots - b.robots);
    const iid: PanelSeries = { cls: 'iid', colour: IID_COLOUR, dashed: true, points: mine.map((c) => [c.robots, c.iidMmd2]) };
    const laws = algorithms.map((a): PanelSeries => ({
      cls: a,
      colour: COLOURS[a],
      dashed: false,
      points: mine.flatMap((c) => c.runs.filter((r) => r.algorithm === a).map((r): [number, number] => [c.robots, r.mmd2])),
    }));
    return { name, series: [iid, ...laws] };
  });
  return logPanels({
    title: 'Final squared MMD to the target against the number of robots (lower is better; both axes logarithmic)',
    xLabel: 'robots N',
    panelWidth: 260,
    counts,
    yLo: exps[0],
    yHi: exps[exps.length - 1],
    markOne: false,
    panels,
    legend: [
      ...algorithms.map((a) => ({ label: LAW_NAMES[a], colour: COLOURS[a], dashed: false })),
      { label: 'i.i.d. samples (median)', colour: IID_COLOUR, dashed: true },
    ],
  });
}
