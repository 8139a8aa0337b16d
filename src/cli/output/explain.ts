/** What the terminal output means, for people: one line per metric, and clickable paths to what was written. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A written file as the terminal shows it: a file:// URL on a terminal (most make it clickable), else the absolute path. */
export function fileLink(path: string, tty: boolean): string {
  const abs = resolve(path);
  return tty ? pathToFileURL(abs).href : abs;
}

/** The figures the notes explain. */
export interface MetricNotes {
  /** Gaussian kernel bandwidth of the MMD, m. */
  readonly bandwidth: number;
  readonly robots: number;
  /** Minimum separation the safety layer keeps, m (standalone runs). */
  readonly separation?: number;
  /** True for `run`, whose summary also gives the blob energy and the mean spacing. */
  readonly offline?: boolean;
}

/** One line per metric of the summary: what it measures and which way is better. */
export function metricNotes(m: MetricNotes): string[] {
  const notes = [
    `MMD^2: squared maximum mean discrepancy between the robots and the target density, seen through a Gaussian of ${m.bandwidth.toPrecision(2)} m; lower is better, 0 is a perfect match.`,
    `x i.i.d.: that MMD^2 over the median of ${m.robots} independent random samples of the target; below 1 the swarm covers more evenly than random draws.`,
  ];
  if (m.offline) {
    notes.push('energy: the blob energy E_eps, what the flow minimizes; it never rises along a run.');
    notes.push('nearest neighbour mean: the mean distance from each robot to its nearest neighbour; close pairs are robots nearer than 0.2 x the mean spacing sqrt(area / N).');
  } else {
    notes.push(`nearest neighbour: the closest pair of robots at the end${m.separation !== undefined ? `; the safety layer keeps at least 2 robot_radius + safety_clearance = ${m.separation.toPrecision(3)} m` : ''}.`);
    notes.push('fastest command: the largest speed sent to a robot during the run (max_linear_speed caps it).');
  }
  return notes.map((n) => `  ${n}`);
}
