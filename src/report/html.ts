import { deflateSync, inflateSync } from 'node:zlib';
import type { Box, Positions } from '../engine/target/geometry.js';
import type { Target } from '../engine/target/target.js';
import { PLOT_SCRIPT } from './plot-script.js';
import { COLOURS, MIN_ROBOT_PX, heatmap } from './svg.js';
import { linearTicks, tickLabel, timeAxis, valueAxis } from './ticks.js';

/** One frame of a run: the time and every robot's position. */
export interface Frame {
  readonly t: number;
  readonly positions: Positions;
}

/** A metric over time, plotted under the map. */
export interface Series {
  readonly name: string;
  readonly unit: string;
  readonly t: readonly number[];
  readonly values: readonly number[];
  /** Plot on a logarithmic axis. */
  readonly log?: boolean;
  /** A limit drawn as a dashed line (the minimum separation the safety layer keeps). */
  readonly limit?: { readonly value: number; readonly label: string };
}

/** What a report shows. */
export interface ReportData {
  readonly title: string;
  readonly subtitle: string;
  readonly target: Target;
  readonly frames: readonly Frame[];
  readonly series: readonly Series[];
  /** The robots' radius, metres: drawn to scale, at least MIN_ROBOT_PX (absent: drawn as points). */
  readonly robotRadius?: number;
}

/**
 * Quantizes every frame's positions to 16 bits across the domain, stores each frame as the difference from the
 * previous one (robots move little between frames), deflates, and packs as base64. The page inflates with the
 * browser's DecompressionStream. Decoding: `decodeFrames` below mirrors the page's script.
 */
export function packFrames(frames: readonly Frame[], d: Box): string {
  const n = frames.length ? frames[0].positions.length : 0;
  const buf = new Uint16Array(frames.length * n);
  const sx = 65535 / (d.xmax - d.xmin);
  const sy = 65535 / (d.ymax - d.ymin);
  frames.forEach((f, k) => {
    for (let i = 0; i < n; i += 2) {
      buf[k * n + i] = Math.max(0, Math.min(65535, Math.round((f.positions[i] - d.xmin) * sx)));
      buf[k * n + i + 1] = Math.max(0, Math.min(65535, Math.round((f.positions[i + 1] - d.ymin) * sy)));
    }
  });
  for (let k = frames.length - 1; k > 0; k--) for (let i = 0; i < n; i++) buf[k * n + i] = (buf[k * n + i] - buf[(k - 1) * n + i]) & 0xffff;
  return deflateSync(Buffer.from(buf.buffer), { level: 9 }).toString('base64');
}

/** Inverse of packFrames: the quantized positions, frame after frame (for tests; the page does the same in JS). */
export function decodeFrames(packed: string, valuesPerFrame: number): Uint16Array {
  const raw = inflateSync(Buffer.from(packed, 'base64'));
  const q = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2).slice();
  for (let k = 1; k * valuesPerFrame < q.length; k++) for (let i = 0; i < valuesPerFrame; i++) q[k * valuesPerFrame + i] = (q[k * valuesPerFrame + i] + q[(k - 1) * valuesPerFrame + i]) & 0xffff;
  return q;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON for a <script> element (no '</' can close it early). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/** Line colours of the plots. */
const LINE = '#2166ac';

/** Playback speeds the report offers, in simulated seconds per second (1: real time). */
export const PLAYBACK_SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

/**
 * A self-contained HTML report of a run (works offline: no CDN, nothing fetched): the target as a heat map with its
 * colour bar (robots per m^2), the robots to scale with their trails, a legend, play at a chosen speed (0.25x to 4x
 * real time, 1x by default: simulated seconds per second), a time slider, and the metrics over time on axes with
 * readable ticks (a log time axis for geometric samples, so the fast start is seen). One canvas redraw per frame.
 */
export function reportHtml(r: ReportData): string {
  const d = r.target.domain;
  const n = r.frames.length ? r.frames[0].positions.length / 2 : 0;
  const map = heatmap(r.target, 120);
  const times = r.frames.map((f) => f.t);
  const density = n * map.peak;
  const data = {
    domain: d,
    robots: n,
    robotRadius: r.robotRadius ?? null,
    minRobotPx: MIN_ROBOT_PX,
    times,
    frames: packFrames(r.frames, d),
    mapTicks: { x: linearTicks(d.xmin, d.xmax), y: linearTicks(d.ymin, d.ymax) },
    colourbar: { top: density > 0 ? density : 1, ticks: linearTicks(0, density > 0 ? density : 1, 5) },
    obstacles: r.target.obstacles.segments.length > 0,
    plots: r.series.map((s) => {
      const v = s.values.map((x) => (Number.isFinite(x) ? x : null));
      return {
        title: s.name + (s.unit ? ` (${s.unit})` : ''),
        xLabel: 'time (s)',
        x: timeAxis(s.t),
        y: valueAxis(v, Boolean(s.log), s.limit ? [s.limit.value] : []),
        lines: [{ t: s.t, v, colour: LINE, label: '' }],
        ...(s.limit ? { limit: s.limit } : {}),
      };
    }),
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
#map{border:0}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
.plots canvas{border:1px solid #ddd;margin:0 8px 8px 0}
#controls{margin:8px 0;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
#slider{width:360px}
#side{font-size:13px;max-width:230px}
#legend{list-style:none;padding:0;margin:8px 0}
#legend li{display:flex;align-items:center;gap:6px;margin:4px 0}
#legend svg{flex:none}
</style></head><body>
<h1 style="font-size:20px;margin:0">${esc(r.title)}</h1>
<p style="margin:4px 0 12px">${esc(r.subtitle)}</p>
<div id="controls"><button id="play">Play</button>
<label>speed <select id="speed" title="simulated seconds per second">${PLAYBACK_SPEEDS.map((v) => `<option value="${v}"${v === 1 ? ' selected' : ''}>${v}x</option>`).join('')}</select></label>
<input id="slider" type="range" min="0" value="0" step="1" aria-label="frame"><span id="time"></span>
<label><input id="trails" type="checkbox" checked> trails</label></div>
<div class="row"><canvas id="map" width="560" height="560"></canvas>
<div id="side"><canvas id="colorbar" width="200" height="64" title="the target: robots per square metre"></canvas>
<ul id="legend">
<li data-item="robots"><svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="${COLOURS.robot}"/></svg><span id="robot-size"></span></li>
<li data-item="trails"><svg width="14" height="14"><path d="M1 12 L6 6 L13 3" stroke="${COLOURS.trail}" stroke-width="2" fill="none"/></svg>trails: where each robot has been</li>
<li data-item="target"><svg width="14" height="14"><rect width="14" height="14" fill="${COLOURS.high}"/></svg>target density: darker asks for more robots</li>
${data.obstacles ? `<li data-item="obstacles"><svg width="14" height="14"><rect width="14" height="14" fill="${COLOURS.obstacle}"/></svg>obstacles</li>` : ''}
${r.series.some((s) => s.limit) ? `<li data-item="limit"><svg width="14" height="14"><path d="M0 7 H5 M9 7 H14" stroke="${COLOURS.limit}" stroke-width="2"/></svg>separation limit (plots)</li>` : ''}
</ul>
<p style="margin:4px 0">MMD² measures how far the robots are from the target distribution (0: a perfect match); the energy is what the blob flow decreases.</p></div>
<div class="plots" id="plots"></div></div>
<img id="heat" alt="" style="display:none" src="${map.uri}">
<script id="data" type="application/json">${scriptJson(data)}</script>
<script>
${PLOT_SCRIPT}
(async () => {
const D = JSON.parse(document.getElementById('data').textContent);
const bin = atob(D.frames), bytes = new Uint8Array(bin.length);
for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
const inflated = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer();
const Q = new Uint16Array(inflated), N = D.robots, F = D.times.length, dom = D.domain;
for (let k = 1; k < F; k++) for (let i = 0; i < 2 * N; i++) Q[k * 2 * N + i] = (Q[k * 2 * N + i] + Q[(k - 1) * 2 * N + i]) & 0xffff;
const W = dom.xmax - dom.xmin, H = dom.ymax - dom.ymin;
const map = document.getElementById('map'), ctx = map.getContext('2d');
const pad = {l: 48, r: 10, t: 10, b: 36};
const pw = map.width - pad.l - pad.r; const ph = Math.round(pw * H / W);
map.height = ph + pad.t + pad.b;
const X = (q) => pad.l + q / 65535 * pw, Y = (q) => pad.t + ph - q / 65535 * ph;
const mpp = W / pw, rpx = Math.max(D.minRobotPx, (D.robotRadius || 0) / mpp);
document.getElementById('robot-size').textContent = D.robotRadius ? 'robots, radius ' + +(D.robotRadius * 1000).toPrecision(3) + ' mm' + (D.robotRadius / mpp >= D.minRobotPx ? ' (to scale)' : ' (drawn at ' + D.minRobotPx + ' px: ' + (D.robotRadius / mpp).toFixed(1) + ' px to scale)') : 'robots (no radius given: points)';
map.dataset.robotPx = String(rpx);
const cb = document.getElementById('colorbar'), cg = cb.getContext('2d');
(function colourbar() {
  const x0 = 8, x1 = cb.width - 12, y0 = 20, hb = 12, grad = cg.createLinearGradient(x0, 0, x1, 0);
  grad.addColorStop(0, '${COLOURS.low}'); grad.addColorStop(1, '${COLOURS.high}');
  cg.fillStyle = grad; cg.fillRect(x0, y0, x1 - x0, hb); cg.strokeStyle = '#333'; cg.strokeRect(x0, y0, x1 - x0, hb);
  cg.font = '11px sans-serif'; cg.fillStyle = '#222'; cg.textAlign = 'left'; cg.fillText('target: robots per m² (' + N + ' × density)', 0, 12);
  cg.textAlign = 'center';
  for (const k of D.colourbar.ticks) { const x = x0 + k.value / D.colourbar.top * (x1 - x0); cg.beginPath(); cg.moveTo(x, y0 + hb); cg.lineTo(x, y0 + hb + 4); cg.stroke(); cg.fillText(k.label, x, y0 + hb + 16); }
  cb.dataset.ticks = D.colourbar.ticks.map((k) => k.label).join('|');
})();
const heat = document.getElementById('heat');
const slider = document.getElementById('slider'); slider.max = String(Math.max(0, F - 1));
const speed = document.getElementById('speed');
let frame = 0, alpha = 0, playing = false, simT = D.times[0] ?? 0, lastNow = null;
const at = (k, j) => alpha > 0 && k + 1 < F ? Q[k * 2 * N + j] + alpha * (Q[(k + 1) * 2 * N + j] - Q[k * 2 * N + j]) : Q[k * 2 * N + j];
function draw() {
  ctx.clearRect(0, 0, map.width, map.height);
  if (heat.complete) ctx.drawImage(heat, pad.l, pad.t, pw, ph);
  ctx.strokeStyle = '#333'; ctx.lineWidth = 1; ctx.strokeRect(pad.l, pad.t, pw, ph);
  ctx.fillStyle = '#222'; ctx.font = '12px sans-serif'; ctx.textAlign = 'center';
  for (const k of D.mapTicks.x) { const x = pad.l + (k.value - dom.xmin) / W * pw; ctx.beginPath(); ctx.moveTo(x, pad.t + ph); ctx.lineTo(x, pad.t + ph + 4); ctx.stroke(); ctx.fillText(k.label, x, pad.t + ph + 16); }
  ctx.textAlign = 'right';
  for (const k of D.mapTicks.y) { const y = pad.t + ph - (k.value - dom.ymin) / H * ph; ctx.beginPath(); ctx.moveTo(pad.l - 4, y); ctx.lineTo(pad.l, y); ctx.stroke(); ctx.fillText(k.label, pad.l - 6, y + 4); }
  ctx.textAlign = 'center';
  ctx.fillText('x (m)', pad.l + pw / 2, pad.t + ph + 32);
  ctx.save(); ctx.translate(12, pad.t + ph / 2); ctx.rotate(-Math.PI / 2); ctx.fillText('y (m)', 0, 0); ctx.restore();
  if (document.getElementById('trails').checked && frame > 0) {
    ctx.strokeStyle = '${COLOURS.trail}'; ctx.lineWidth = 1; ctx.beginPath();
    const stride = Math.max(1, Math.floor(frame / 200));
    for (let i = 0; i < N; i++) {
      ctx.moveTo(X(Q[2 * i]), Y(Q[2 * i + 1]));
      for (let k = stride; k <= frame; k += stride) ctx.lineTo(X(Q[k * 2 * N + 2 * i]), Y(Q[k * 2 * N + 2 * i + 1]));
      ctx.lineTo(X(at(frame, 2 * i)), Y(at(frame, 2 * i + 1)));
    }
    ctx.stroke();
  }
  ctx.fillStyle = '${COLOURS.robot}';
  let marks = 0;
  for (let i = 0; i < N; i++) { ctx.beginPath(); ctx.arc(X(at(frame, 2 * i)), Y(at(frame, 2 * i + 1)), rpx, 0, 6.2832); ctx.fill(); marks++; }
  map.dataset.marks = String(marks);
  const t = alpha > 0 ? simT : D.times[frame];
  document.getElementById('time').textContent = 't = ' + t.toFixed(2) + ' s  (' + N + ' robots)';
  map.dataset.frame = String(frame); map.dataset.t = String(t);
  for (const p of plots) drawPlot(p.canvas, { ...p.spec, cursor: t });
}
const plots = D.plots.map((spec) => {
  const c = document.createElement('canvas'); c.width = 400; c.height = 170; c.title = spec.title;
  document.getElementById('plots').appendChild(c); drawPlot(c, spec); return { canvas: c, spec };
});
function show(k) { frame = k; alpha = 0; simT = D.times[k]; slider.value = String(k); draw(); map.dataset.playedTo = String(simT); }
slider.addEventListener('input', () => show(Number(slider.value)));
document.getElementById('trails').addEventListener('change', draw);
const play = document.getElementById('play');
function stop() { playing = false; lastNow = null; play.textContent = 'Play'; }
play.addEventListener('click', () => {
  if (playing) { stop(); return; }
  playing = true; play.textContent = 'Pause'; if (frame >= F - 1) show(0);
  requestAnimationFrame(tick);
});
// Playback in simulated time: each animation frame advances it by the wall time since the last one times the speed.
function tick(now) {
  if (!playing) return;
  if (lastNow !== null) simT += (now - lastNow) / 1000 * Number(speed.value);
  lastNow = now;
  while (frame < F - 1 && D.times[frame + 1] <= simT) frame++;
  if (frame >= F - 1) { alpha = 0; simT = D.times[F - 1]; draw(); slider.value = String(frame); stop(); return; }
  alpha = (simT - D.times[frame]) / ((D.times[frame + 1] - D.times[frame]) || 1);
  slider.value = String(frame); draw(); map.dataset.playedTo = String(simT);
  requestAnimationFrame(tick);
}
heat.addEventListener('load', draw); draw();
})();
</script></body></html>
`;
}

/** The metrics a run samples over time, with the positions kept for the report. */
export interface ReportSample {
  readonly t: number;
  readonly positions?: Positions;
  readonly energy: number;
  readonly mmd2: number;
  readonly nnMin: number;
}

/** The heading of a report and what it knows of the robots. */
export interface ReportHead {
  readonly title: string;
  readonly subtitle: string;
  readonly target: Target;
  /** The robots' radius, metres (drawn to scale). */
  readonly robotRadius?: number;
  /** The closest two robots may come (2 radius + clearance), drawn on the minimum-separation plot. */
  readonly separationLimit?: number;
}

/**
 * The report of a run from its samples: frames from the recorded positions, and plots of energy, MMD^2, minimum
 * separation (with its limit when known) and a speed chosen by the caller (the flow's mean speed, or the mean
 * commanded speed).
 */
export function samplesReport(
  head: ReportHead,
  samples: readonly ReportSample[],
  speed: { name: string; values: readonly number[]; log?: boolean },
): string {
  const t = samples.map((x) => x.t);
  const limit = head.separationLimit;
  return reportHtml({
    title: head.title,
    subtitle: head.subtitle,
    target: head.target,
    ...(head.robotRadius !== undefined ? { robotRadius: head.robotRadius } : {}),
    frames: samples.map((x) => {
      if (!x.positions) throw new Error('the run did not record positions for a report');
      return { t: x.t, positions: x.positions };
    }),
    series: [
      { name: 'energy E_eps', unit: '', t, values: samples.map((x) => x.energy), log: true },
      { name: 'MMD² to the target (0: a perfect match)', unit: '', t, values: samples.map((x) => x.mmd2), log: true },
      { name: 'minimum separation', unit: 'm', t, values: samples.map((x) => x.nnMin), ...(limit !== undefined ? { limit: { value: limit, label: `limit: 2 radius + clearance = ${tickLabel(limit)} m` } } : {}) },
      { name: speed.name, unit: 'm/s', t, values: speed.values, log: speed.log },
    ],
  });
}
