import { PNG } from 'pngjs';
import type { Positions } from '../engine/target/geometry.js';
import type { Target } from '../engine/target/target.js';
import { linearTicks, tickLabel } from './ticks.js';

/** Options of the still picture. */
export interface SvgOptions {
  /** Drawing width in pixels (the height follows the domain's aspect). Default 640. */
  readonly width?: number;
  /** Heat-map cells along the longer side. Default 80. */
  readonly cells?: number;
  /** Robot radius, metres: drawn to scale, at least MIN_ROBOT_PX (absent: robots drawn as MIN_ROBOT_PX points). */
  readonly robotRadius?: number;
  readonly title?: string;
  /** Starting positions, drawn as grey dots. */
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

/** The target density as a picture: a PNG data URI and the largest normalized density it shows (1/m^2). */
export interface Heatmap {
  readonly uri: string;
  /** Largest value of the normalized target density rho_bar over the picture's cells, 1/m^2 (white is 0, full blue this). */
  readonly peak: number;
}

/**
 * The target density over its domain as a PNG, `cells` pixels along the longer side: white (0) to blue (the peak,
 * linear), obstacles dark grey.
 */
export function heatmap(target: Target, cells: number): Heatmap {
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
      const v = blocked[j * nx + i] ? 0 : target.valueAt(x, y);
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
  return { uri: `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`, peak: peak / target.mass };
}

/** The target density as a PNG data URI (see heatmap). */
export function heatmapDataUri(target: Target, cells: number): string {
  return heatmap(target, cells).uri;
}

/** The colours of the pictures, shared by the SVG, the report and the live view. */
export const COLOURS = { robot: '#d94801', start: '#999', obstacle: `rgb(${OBSTACLE.join(',')})`, low: 'rgb(255,255,255)', high: 'rgb(33,102,172)', trail: 'rgba(217,72,1,0.35)', limit: '#c00' } as const;

/** Smallest radius a robot is drawn with, pixels (a robot smaller than this at the picture's scale is drawn this size). */
export const MIN_ROBOT_PX = 2;

/** A robot's radius in pixels: to scale, at least MIN_ROBOT_PX. */
export function robotPixels(radius: number | undefined, metresPerPixel: number): number {
  return Math.max(MIN_ROBOT_PX, radius === undefined ? 0 : radius / metresPerPixel);
}

/** What the legend says of the robots' size. */
export function robotSizeText(radius: number | undefined, metresPerPixel: number): string {
  if (radius === undefined || radius <= 0) return 'robots (no radius given: points)';
  const scale = radius / metresPerPixel >= MIN_ROBOT_PX;
  return `robots, radius ${tickLabel(radius * 1000)} mm${scale ? ' (to scale)' : ` (drawn at ${MIN_ROBOT_PX} px: ${(radius / metresPerPixel).toFixed(1)} px to scale)`}`;
}

/**
 * The final state of a run as a self-contained SVG: the target density as a heat map over the domain with its
 * colour bar (robots per square metre: N times the normalized density), obstacles, the robots to scale (at least
 * MIN_ROBOT_PX; optionally their start in grey), axes in metres and a legend. For documents and the README.
 */
export function swarmSvg(target: Target, positions: Positions, o: SvgOptions = {}): string {
  const d = target.domain;
  const w = d.xmax - d.xmin;
  const h = d.ymax - d.ymin;
  const width = o.width ?? 640;
  const n = positions.length / 2;
  const margin = { left: 56, right: 96, top: o.title ? 32 : 12, bottom: 64 };
  const plotW = width - margin.left - margin.right;
  const plotH = Math.round((plotW * h) / w);
  const height = plotH + margin.top + margin.bottom;
  const sx = (x: number) => margin.left + ((x - d.xmin) / w) * plotW;
  const sy = (y: number) => margin.top + ((d.ymax - y) / h) * plotH;
  const map = heatmap(target, o.cells ?? 80);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<defs><linearGradient id="density" x1="0" y1="1" x2="0" y2="0"><stop offset="0" stop-color="${COLOURS.low}"/><stop offset="1" stop-color="${COLOURS.high}"/></linearGradient></defs>`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  if (o.title) parts.push(`<text x="${margin.left}" y="20" font-size="14">${esc(o.title)}</text>`);
  parts.push(`<image class="target" x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" preserveAspectRatio="none" href="${map.uri}"/>`);
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
      parts.push(`<polygon class="obstacle" fill="${COLOURS.obstacle}" points="${poly.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    }
  }
  const mpp = w / plotW;
  const r = robotPixels(o.robotRadius, mpp);
  if (o.initial) {
    parts.push(`<g fill="${COLOURS.start}" class="start">`);
    for (let i = 0; i < o.initial.length; i += 2) parts.push(`<circle cx="${sx(o.initial[i]).toFixed(2)}" cy="${sy(o.initial[i + 1]).toFixed(2)}" r="${r.toFixed(2)}"/>`);
    parts.push('</g>');
  }
  parts.push(`<g fill="${COLOURS.robot}" class="robots">`);
  for (let i = 0; i < positions.length; i += 2) parts.push(`<circle cx="${sx(positions[i]).toFixed(2)}" cy="${sy(positions[i + 1]).toFixed(2)}" r="${r.toFixed(2)}"/>`);
  parts.push('</g>');
  // Axes in metres, at round values.
  parts.push('<g class="axes">');
  for (const t of linearTicks(d.xmin, d.xmax)) {
    parts.push(`<line x1="${sx(t.value).toFixed(1)}" y1="${margin.top + plotH}" x2="${sx(t.value).toFixed(1)}" y2="${margin.top + plotH + 4}" stroke="#333"/><text x="${sx(t.value).toFixed(1)}" y="${margin.top + plotH + 16}" text-anchor="middle">${t.label}</text>`);
  }
  for (const t of linearTicks(d.ymin, d.ymax)) {
    parts.push(`<line x1="${margin.left - 4}" y1="${sy(t.value).toFixed(1)}" x2="${margin.left}" y2="${sy(t.value).toFixed(1)}" stroke="#333"/><text x="${margin.left - 6}" y="${(sy(t.value) + 4).toFixed(1)}" text-anchor="end">${t.label}</text>`);
  }
  parts.push('</g>');
  parts.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 32}" text-anchor="middle">x (m)</text>`);
  parts.push(`<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${margin.top + plotH / 2})">y (m)</text>`);
  // The colour bar: robots per square metre the target asks for (N x the normalized density).
  const bx = margin.left + plotW + 14;
  const top = n * map.peak;
  parts.push(`<g class="colorbar"><rect x="${bx}" y="${margin.top}" width="14" height="${plotH}" fill="url(#density)" stroke="#333"/>`);
  for (const t of linearTicks(0, top > 0 ? top : 1, 5)) {
    const y = margin.top + plotH - (t.value / (top > 0 ? top : 1)) * plotH;
    parts.push(`<line x1="${bx + 14}" y1="${y.toFixed(1)}" x2="${bx + 18}" y2="${y.toFixed(1)}" stroke="#333"/><text x="${bx + 20}" y="${(y + 4).toFixed(1)}">${t.label}</text>`);
  }
  const cy = margin.top + plotH / 2;
  parts.push(`<text x="${width - 6}" y="${cy}" text-anchor="middle" transform="rotate(-90 ${width - 6} ${cy})">target: robots per m² (${n} × density)</text></g>`);
  // The legend, under the x label.
  const ly = margin.top + plotH + 52;
  const items: string[] = [];
  let x = margin.left;
  const item = (mark: string, text: string) => {
    items.push(`${mark.replace(/\{x\}/g, String(x))}<text x="${x + 12}" y="${ly + 4}">${esc(text)}</text>`);
    x += 24 + 6.2 * text.length;
  };
  item(`<circle cx="{x}" cy="${ly}" r="4" fill="${COLOURS.robot}"/>`, robotSizeText(o.robotRadius, mpp));
  if (o.initial) item(`<circle cx="{x}" cy="${ly}" r="4" fill="${COLOURS.start}"/>`, 'start');
  if (edges.length) item(`<rect x="{x}" y="${ly - 5}" width="10" height="10" fill="${COLOURS.obstacle}" transform="translate(-5 0)"/>`, 'obstacles');
  parts.push(`<g class="legend">${items.join('')}</g>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
