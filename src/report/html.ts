import { deflateSync, inflateSync } from 'node:zlib';
import type { Box, Positions } from '../engine/geometry.js';
import type { Target } from '../engine/target.js';
import { heatmapDataUri } from './svg.js';

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
}

/** What a report shows. */
export interface ReportData {
  readonly title: string;
  readonly subtitle: string;
  readonly target: Target;
  readonly frames: readonly Frame[];
  readonly series: readonly Series[];
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

/**
 * A self-contained HTML report of a run (works offline: no CDN, nothing fetched): the target as a heat map, the
 * robots' trails with play, pause and a time slider, and the metrics over time. One canvas redraw per frame.
 */
export function reportHtml(r: ReportData): string {
  const d = r.target.domain;
  const data = {
    domain: d,
    robots: r.frames.length ? r.frames[0].positions.length / 2 : 0,
    times: r.frames.map((f) => f.t),
    frames: packFrames(r.frames, d),
    series: r.series.map((s) => ({ name: s.name, unit: s.unit, log: Boolean(s.log), t: s.t, v: s.values.map((x) => (Number.isFinite(x) ? x : null)) })),
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
#map{border:1px solid #333;image-rendering:auto}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
.plots canvas{border:1px solid #ccc;margin:0 8px 8px 0}
#controls{margin:8px 0;display:flex;gap:8px;align-items:center}
#slider{width:420px}
</style></head><body>
<h1 style="font-size:20px;margin:0">${esc(r.title)}</h1>
<p style="margin:4px 0 12px">${esc(r.subtitle)}</p>
<div id="controls"><button id="play">Play</button><input id="slider" type="range" min="0" value="0" step="1"><span id="time"></span>
<label><input id="trails" type="checkbox" checked> trails</label></div>
<div class="row"><canvas id="map" width="600" height="600"></canvas><div class="plots" id="plots"></div></div>
<img id="heat" alt="" style="display:none" src="${heatmapDataUri(r.target, 120)}">
<script id="data" type="application/json">${JSON.stringify(data)}</script>
<script>
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
const pw = 600 - pad.l - pad.r; const ph = Math.round(pw * H / W);
map.height = ph + pad.t + pad.b;
const X = (q) => pad.l + q / 65535 * pw, Y = (q) => pad.t + ph - q / 65535 * ph;
const heat = document.getElementById('heat');
const slider = document.getElementById('slider'); slider.max = String(Math.max(0, F - 1));
let frame = 0, playing = false;
function draw() {
  ctx.clearRect(0, 0, map.width, map.height);
  if (heat.complete) ctx.drawImage(heat, pad.l, pad.t, pw, ph);
  ctx.strokeStyle = '#333'; ctx.strokeRect(pad.l, pad.t, pw, ph);
  ctx.fillStyle = '#222'; ctx.font = '12px sans-serif'; ctx.textAlign = 'center';
  for (let k = 0; k <= 4; k++) {
    ctx.fillText(String(+(dom.xmin + k * W / 4).toFixed(2)), pad.l + k * pw / 4, pad.t + ph + 14);
    ctx.textAlign = 'right'; ctx.fillText(String(+(dom.ymin + k * H / 4).toFixed(2)), pad.l - 4, pad.t + ph - k * ph / 4 + 4); ctx.textAlign = 'center';
  }
  ctx.fillText('x (m)', pad.l + pw / 2, pad.t + ph + 30);
  ctx.save(); ctx.translate(12, pad.t + ph / 2); ctx.rotate(-Math.PI / 2); ctx.fillText('y (m)', 0, 0); ctx.restore();
  if (document.getElementById('trails').checked && frame > 0) {
    ctx.strokeStyle = 'rgba(217,72,1,0.25)'; ctx.lineWidth = 1; ctx.beginPath();
    const stride = Math.max(1, Math.floor(frame / 200));
    for (let i = 0; i < N; i++) {
      ctx.moveTo(X(Q[2 * i]), Y(Q[2 * i + 1]));
      for (let k = stride; k <= frame; k += stride) ctx.lineTo(X(Q[k * 2 * N + 2 * i]), Y(Q[k * 2 * N + 2 * i + 1]));
    }
    ctx.stroke();
  }
  ctx.fillStyle = '#d94801'; ctx.strokeStyle = 'white';
  const r = Math.max(2, Math.min(6, 0.01 * pw));
  const base = frame * 2 * N;
  let marks = 0;
  for (let i = 0; i < N; i++) { ctx.beginPath(); ctx.arc(X(Q[base + 2 * i]), Y(Q[base + 2 * i + 1]), r, 0, 6.2832); ctx.fill(); ctx.stroke(); marks++; }
  map.dataset.marks = String(marks);
  document.getElementById('time').textContent = 't = ' + D.times[frame].toFixed(2) + ' s  (' + N + ' robots)';
  map.dataset.frame = String(frame);
  for (const p of plots) p.cursor(D.times[frame]);
}
const plots = D.series.map((s) => {
  const c = document.createElement('canvas'); c.width = 380; c.height = 150; c.title = s.name;
  document.getElementById('plots').appendChild(c); const g = c.getContext('2d');
  const vals = s.v.filter((v) => v !== null && (!s.log || v > 0));
  const f = (v) => s.log ? Math.log10(v) : v;
  let lo = Math.min(...vals.map(f)), hi = Math.max(...vals.map(f)); if (!(hi > lo)) { hi = lo + 1; }
  const t0 = s.t[0] ?? 0, t1 = s.t[s.t.length - 1] ?? 1;
  const L = 56, R = 8, T = 18, B = 28, w = c.width - L - R, h = c.height - T - B;
  const px = (t) => L + (t - t0) / ((t1 - t0) || 1) * w, py = (v) => T + h - (f(v) - lo) / (hi - lo) * h;
  function paint(tc) {
    g.clearRect(0, 0, c.width, c.height); g.fillStyle = '#222'; g.font = '12px sans-serif'; g.textAlign = 'left';
    g.fillText(s.name + (s.unit ? ' (' + s.unit + ')' : '') + (s.log ? ', log scale' : ''), L, 12);
    g.strokeStyle = '#999'; g.strokeRect(L, T, w, h);
    g.textAlign = 'right'; const fmt = (x) => (s.log ? Math.pow(10, x) : x).toPrecision(2);
    g.fillText(fmt(hi), L - 4, T + 8); g.fillText(fmt(lo), L - 4, T + h); g.textAlign = 'center';
    g.fillText(t0.toFixed(1), L, T + h + 14); g.fillText(t1.toFixed(1) + ' s', L + w - 10, T + h + 14); g.fillText('time (s)', L + w / 2, T + h + 24);
    g.strokeStyle = '#2166ac'; g.lineWidth = 1.5; g.beginPath(); let started = false;
    s.t.forEach((t, k) => { const v = s.v[k]; if (v === null || (s.log && v <= 0)) return; if (!started) { g.moveTo(px(t), py(v)); started = true; } else g.lineTo(px(t), py(v)); });
    g.stroke(); if (tc !== undefined) { g.strokeStyle = '#d94801'; g.beginPath(); g.moveTo(px(tc), T); g.lineTo(px(tc), T + h); g.stroke(); }
  }
  paint(); return { cursor: paint };
});
slider.addEventListener('input', () => { frame = Number(slider.value); draw(); });
document.getElementById('trails').addEventListener('change', draw);
const play = document.getElementById('play');
play.addEventListener('click', () => { playing = !playing; play.textContent = playing ? 'Pause' : 'Play'; if (playing && frame >= F - 1) frame = 0; tick(); });
function tick() { if (!playing) return; draw(); slider.value = String(frame); if (frame < F - 1) { frame++; requestAnimationFrame(tick); } else { playing = false; play.textContent = 'Play'; } }
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

/**
 * The report of a run from its samples: frames from the recorded positions, and plots of energy, MMD^2, minimum
 * separation and a speed chosen by the caller (the flow's mean speed, or the mean commanded speed).
 */
export function samplesReport(
  head: { title: string; subtitle: string; target: Target },
  samples: readonly ReportSample[],
  speed: { name: string; values: readonly number[]; log?: boolean },
): string {
  const t = samples.map((x) => x.t);
  return reportHtml({
    ...head,
    frames: samples.map((x) => {
      if (!x.positions) throw new Error('the run did not record positions for a report');
      return { t: x.t, positions: x.positions };
    }),
    series: [
      { name: 'energy E_eps', unit: '', t, values: samples.map((x) => x.energy), log: true },
      { name: 'MMD^2 to the target', unit: '', t, values: samples.map((x) => x.mmd2), log: true },
      { name: 'minimum separation', unit: 'm', t, values: samples.map((x) => x.nnMin) },
      { name: speed.name, unit: 'm/s', t, values: speed.values, log: speed.log },
    ],
  });
}
