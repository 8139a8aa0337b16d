import { PNG } from 'pngjs';
import type { Positions } from '../engine/geometry.js';
import type { Target } from '../engine/target.js';

/** Options of the still picture. */
export interface SvgOptions {
  /** Drawing width in pixels (the height follows the domain's aspect). Default 640. */
  readonly width?: number;
  /** Heat-map cells along the longer side. Default 80. */
  readonly cells?: number;
  /** Robot radius to draw, metres (default: 1% of the domain's longer side). */
  readonly robotRadius?: number;
  readonly title?: string;
  /** Starting positions, drawn as small grey dots. */
  readonly initial?: Positions;
}

/** Linear interpolation through a white-to-blue palette, t in [0, 1]. */
function shade(t: number): [number, number, number] {
  const c = (a: number, b: number) => Math.round(a + (b - a) * t);
  return [c(255, 33), c(255, 102), c(255, 172)];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Colour of obstacles in pictures. */
const OBSTACLE: [number, number, number] = [90, 90, 90];

/**
 * The target density over its domain as a PNG data URI, `cells` pixels along the longer side (white to blue;
 * obstacles dark grey).
 */
export function heatmapDataUri(target: Target, cells: number): string {
  const d = target.domain;
  const w = d.xmax - d.xmin;
  const h = d.ymax - d.ymin;
  const nx = w >= h ? cells : Math.max(1, Math.round((cells * w) / h));
  const ny = w >= h ? Math.max(1, Math.round((cells * h) / w)) : cells;
  const values = new Float64Array(nx * ny);
  const blocked = new Uint8Array(nx * ny);
  let peak = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = d.xmin + ((i + 0.5) * w) / nx;
      const y = d.ymin + ((j + 0.5) * h) / ny;
      blocked[j * nx + i] = target.obstacles.contains(x, y) ? 1 : 0;
      const v = target.valueAt(x, y);
      values[j * nx + i] = v;
      if (v > peak) peak = v;
    }
  }
  const png = new PNG({ width: nx, height: ny });
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [r, g, b] = blocked[j * nx + i] ? OBSTACLE : shade(peak > 0 ? values[j * nx + i] / peak : 0);
      const k = 4 * ((ny - 1 - j) * nx + i);
      png.data[k] = r;
      png.data[k + 1] = g;
      png.data[k + 2] = b;
      png.data[k + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/**
 * The final state of a run as a self-contained SVG: the target density as a heat map over the domain, the robots
 * as dots (optionally their start as grey dots), axes in metres. For documents and the README.
 */
export function swarmSvg(target: Target, positions: Positions, o: SvgOptions = {}): string {
  const d = target.domain;
  const w = d.xmax - d.xmin;
  const h = d.ymax - d.ymin;
  const width = o.width ?? 640;
  const margin = { left: 56, right: 16, top: o.title ? 32 : 12, bottom: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = Math.round((plotW * h) / w);
  const height = plotH + margin.top + margin.bottom;
  const sx = (x: number) => margin.left + ((x - d.xmin) / w) * plotW;
  const sy = (y: number) => margin.top + ((d.ymax - y) / h) * plotH;
  const href = heatmapDataUri(target, o.cells ?? 80);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  if (o.title) parts.push(`<text x="${margin.left}" y="20" font-size="14">${esc(o.title)}</text>`);
  parts.push(`<image class="target" x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" preserveAspectRatio="none" href="${href}"/>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  const edges = target.obstacles.segments;
  if (edges.length) {
    // Obstacle outlines drawn exactly (the heat map only shows them at its cell size).
    parts.push('<g stroke="#333" stroke-width="1.5" class="obstacles">');
    for (let k = 0; k < edges.length; k += 4) {
      parts.push(`<line x1="${sx(edges[k]).toFixed(1)}" y1="${sy(edges[k + 1]).toFixed(1)}" x2="${sx(edges[k + 2]).toFixed(1)}" y2="${sy(edges[k + 3]).toFixed(1)}"/>`);
    }
    parts.push('</g>');
    for (const poly of target.obstacles.polygons) {
      parts.push(`<polygon class="obstacle" fill="rgb(${OBSTACLE.join(',')})" points="${poly.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    }
  }
  const r = Math.max(1.5, ((o.robotRadius ?? 0.01 * Math.max(w, h)) / w) * plotW);
  if (o.initial) {
    parts.push('<g fill="#999" class="start">');
    for (let i = 0; i < o.initial.length; i += 2) parts.push(`<circle cx="${sx(o.initial[i]).toFixed(2)}" cy="${sy(o.initial[i + 1]).toFixed(2)}" r="${(r * 0.6).toFixed(2)}"/>`);
    parts.push('</g>');
  }
  parts.push('<g fill="#d94801" stroke="white" stroke-width="0.8" class="robots">');
  for (let i = 0; i < positions.length; i += 2) parts.push(`<circle cx="${sx(positions[i]).toFixed(2)}" cy="${sy(positions[i + 1]).toFixed(2)}" r="${r.toFixed(2)}"/>`);
  parts.push('</g>');
  // Axes: five ticks each, labelled in metres.
  for (let k = 0; k <= 4; k++) {
    const x = d.xmin + (k * w) / 4;
    const y = d.ymin + (k * h) / 4;
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${margin.top + plotH + 16}" text-anchor="middle">${Number(x.toFixed(2))}</text>`);
    parts.push(`<text x="${margin.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${Number(y.toFixed(2))}</text>`);
  }
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">x (m)</text>`);
  parts.push(`<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${margin.top + plotH / 2})">y (m)</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
