import type { Positions } from '../engine/geometry.js';
import type { Target } from '../engine/target.js';

const SHADES = ' .:-=+*#%@';

/**
 * A picture of a swarm for a terminal: the target density as shades, robots as 'o' (or a count when several share
 * a character cell). Rows run from the top of the domain (largest y) down.
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
  const lines: string[] = ['+' + '-'.repeat(columns) + '+'];
  for (let r = 0; r < rows; r++) {
    let line = '|';
    for (let c = 0; c < columns; c++) {
      const k = r * columns + c;
      const n = counts[k];
      if (n === 1) line += 'o';
      else if (n > 1) line += n < 10 ? String(n) : '*';
      else line += SHADES[Math.min(SHADES.length - 1, Math.floor((dens[k] / (peak || 1)) * (SHADES.length - 1) * 0.999))];
    }
    lines.push(line + '|');
  }
  lines.push('+' + '-'.repeat(columns) + '+');
  return lines.join('\n');
}
