import type { Positions } from '../../engine/target/geometry.js';
import type { Target } from '../../engine/target/target.js';

/** Target density shades, lowest first. */
const SHADES = ' .:-=+*#%@';

/** A coordinate as an axis label: as few decimals as the domain's size needs. */
function label(v: number, span: number): string {
  const decimals = Math.max(0, Math.min(3, 1 - Math.floor(Math.log10(span))));
  return (Math.abs(v) < 0.5 * 10 ** -decimals ? 0 : v).toFixed(decimals);
}

/**
 * A picture of a swarm for a terminal: the target density as shades, robots as 'o' (digits when 2-9 share a character
 * cell, 'X' for 10 or more), framed by axes in metres (y up), with a legend. Rows run from the top of the domain
 * (largest y) down.
 */
export function terminalPlot(target: Target, positions: Positions, columns = 60): string {
  const d = target.domain;
  const aspect = (d.ymax - d.ymin) / (d.xmax - d.xmin);
  const rows = Math.max(4, Math.round(columns * aspect * 0.5));
  const dens = new Float64Array(rows * columns);
  let peak = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const x = d.xmin + ((c + 0.5) / columns) * (d.xmax - d.xmin);
      const y = d.ymax - ((r + 0.5) / rows) * (d.ymax - d.ymin);
      const v = target.valueAt(x, y);
      dens[r * columns + c] = v;
      if (v > peak) peak = v;
    }
  }
  const counts = new Int32Array(rows * columns);
  for (let i = 0; i < positions.length; i += 2) {
    const c = Math.min(columns - 1, Math.max(0, Math.floor(((positions[i] - d.xmin) / (d.xmax - d.xmin)) * columns)));
    const r = Math.min(rows - 1, Math.max(0, Math.floor(((d.ymax - positions[i + 1]) / (d.ymax - d.ymin)) * rows)));
    counts[r * columns + c]++;
  }
  const span = Math.max(d.xmax - d.xmin, d.ymax - d.ymin);
  const yTop = label(d.ymax, span);
  const yMid = label((d.ymin + d.ymax) / 2, span);
  const yBottom = label(d.ymin, span);
  const w = Math.max(yTop.length, yMid.length, yBottom.length, 'y (m)'.length);
  const pad = (s: string) => s.padStart(w);
  const frame = '+' + '-'.repeat(columns) + '+';
  const lines: string[] = [`${pad('y (m)')}`, `${pad(yTop)} ${frame}`];
  const middle = Math.floor((rows - 1) / 2);
  for (let r = 0; r < rows; r++) {
    let line = '|';
    for (let c = 0; c < columns; c++) {
      const k = r * columns + c;
      const n = counts[k];
      if (n === 1) line += 'o';
      else if (n > 1) line += n < 10 ? String(n) : 'X';
      else line += SHADES[Math.min(SHADES.length - 1, Math.floor((dens[k] / (peak || 1)) * (SHADES.length - 1) * 0.999))];
    }
    lines.push(`${pad(r === middle ? yMid : '')} ${line}|`);
  }
  lines.push(`${pad(yBottom)} ${frame}`);
  const xLeft = label(d.xmin, span);
  const xMid = label((d.xmin + d.xmax) / 2, span);
  const xRight = label(d.xmax, span);
  const ticks = ' '.repeat(w + 1) + xLeft.padEnd(Math.floor(columns / 2) + 1 - Math.floor(xMid.length / 2)) + xMid;
  lines.push(ticks.padEnd(w + columns + 3 - xRight.length) + xRight + '  x (m)');
  lines.push(`${' '.repeat(w + 1)}o robot, 2-9 robots in one character, X 10 or more; target density, low to high: '${SHADES}'`);
  return lines.join('\n');
}
